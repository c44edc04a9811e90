import { type Principal, type RepId, requirementsMet, roleSchema } from '@switchboard/core';
import type { CredentialRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { references, repReference } from '../references.ts';
import { access } from '../auth/access-control.ts';
import { type Authenticator, refusalMessage } from '../auth/authenticator.ts';
import type { ConsoleSessions } from '../auth/console-sessions.ts';
import { errorSchema, idParams, isoDate } from '../schemas.ts';

const keySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: roleSchema,
    repId: z.uuid().nullable(),
    createdBy: z.string().describe('Who created it: a key’s name or a signed-in user.'),
    createdAt: isoDate,
    expiresAt: isoDate.nullable(),
    revokedAt: isoDate.nullable(),
    lastUsedAt: isoDate.nullable().describe('When it was last used (recorded every 5 s or so).'),
  })
  .meta({ id: 'ApiKey' });

const principalSchema = z
  .object({
    name: z.string(),
    role: roleSchema,
    repId: z.uuid().nullable(),
    allowed: z.array(z.string()).describe('Every `x-switchboard-role` this credential meets: what the console shows.'),
  })
  .meta({ id: 'Principal' });

const describe = (principal: Principal) => ({ name: principal.name, role: principal.role, repId: principal.repId, allowed: [...requirementsMet(principal.role)] });

/** `/v1/keys`: API keys, an admin's; `/v1/session`: the console's sign-in with a key. */
export function keyRoutes(
  app: FastifyInstance,
  deps: { credentials: CredentialRepository; authenticator: Authenticator; sessions: ConsoleSessions; clock?: () => number },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const clock = deps.clock ?? Date.now;
  const tags = ['keys'];

  api.post(
    '/v1/keys',
    {
      schema: {
        ...access('admin'),
        tags,
        ...references({ body: { repId: 'rep' } }),
        summary: 'Create an API key',
        description: 'The answer’s `key` is the only time the secret is shown: it is stored as a scrypt hash. A `rep` key is bound to `repId`.',
        body: z
          .object({
            name: z.string().trim().min(1).max(100).describe('What it is for: "HubSpot form", "Grafana", "Sarah’s phone".'),
            role: roleSchema,
            repId: repReference('the rep a rep key acts for').optional(),
            expiresAt: isoDate.optional(),
          })
          .strict(),
        response: { 201: keySchema.extend({ key: z.string().describe('The key itself: send it as `Authorization: Bearer <key>`.') }), 400: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.expiresAt && body.expiresAt.getTime() <= clock()) {
        return reply.code(400).send({ error: 'validation_failed', message: 'expiresAt: must be in the future', errors: [{ path: 'expiresAt', message: 'must be in the future' }] });
      }
      const { key, record } = await deps.credentials.create({
        name: body.name,
        role: body.role,
        repId: (body.repId as RepId | undefined) ?? null,
        expiresAt: body.expiresAt ?? null,
        createdBy: request.principal?.name ?? 'unknown',
      });
      return reply.code(201).send({ ...record, key });
    },
  );

  api.get(
    '/v1/keys',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'List API keys, without their secrets',
        response: { 200: z.object({ items: z.array(keySchema) }) },
      },
    },
    async () => ({ items: await deps.credentials.list() }),
  );

  api.delete(
    '/v1/keys/:id',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Revoke an API key',
        description: 'At once in this process, within a second in the others; the console sessions opened with it end too.',
        params: idParams('key'),
        response: { 200: keySchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const record = await deps.credentials.revoke(request.params.id, new Date(clock()));
      if (!record) return reply.code(404).send({ error: 'not_found', message: `key "${request.params.id}" does not exist; GET /v1/keys lists them` });
      deps.authenticator.forget(record.id);
      return record;
    },
  );

  api.post(
    '/v1/session',
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'Sign in to the console with an API key',
        description: 'Sets the `sb_session` cookie (HttpOnly, SameSite=Strict, Secure over TLS) for 12 hours.',
        body: z.object({ key: z.string().min(1).max(200) }).strict(),
        response: { 200: principalSchema, 400: errorSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const check = await deps.authenticator.authenticate(request.body.key);
      if (!check.ok) return reply.code(401).send({ error: 'unauthorized', message: refusalMessage(check.refusal) });
      await deps.sessions.open(request, reply, check.principal);
      return describe(check.principal);
    },
  );

  api.get(
    '/v1/session',
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'Who is signed in',
        description: 'The credential sent (a key or the console’s cookie) and what it may do; 401 when there is none.',
        response: { 200: principalSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      if (!request.principal) return reply.code(401).send({ error: 'unauthorized', message: refusalMessage('missing') });
      return describe(request.principal);
    },
  );

  api.delete(
    '/v1/session',
    {
      schema: { ...access('public'), tags, summary: 'Sign out of the console', response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deps.sessions.close(request, reply);
      return reply.code(204).send(null);
    },
  );
}
