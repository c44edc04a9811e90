import { checkSignature, leadIntakeSchema, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, toValidationIssues } from '@switchboard/core';
import type { IntakeSourceRecord, IntakeSourceRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access, signedIntakeAccess } from '../auth/access-control.ts';
import { validationBody } from '../errors.ts';
import { withRawJsonBody } from '../raw-json-body.ts';
import type { LeadIntakeService } from '../lead-intake.ts';
import { errorSchema, isoDate, leadAcceptedSchema } from '../schemas.ts';

/** How long a rotated-out secret is still accepted. */
const ROTATION_GRACE_HOURS = 24;

const sourceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'use 1-63 lower-case letters, digits and "-", starting with a letter or digit (it goes in the URL)' });
const nameParams = z.object({ name: sourceName });

const sourceSchema = z
  .object({
    name: z.string(),
    url: z.string().describe('Where the source posts its leads: /v1/intake/{name}.'),
    createdBy: z.string(),
    createdAt: isoDate,
    rotatedAt: isoDate.nullable(),
    previousValidUntil: isoDate.nullable().describe('Until when the secret before the last rotation is still accepted.'),
  })
  .meta({ id: 'IntakeSource' });
const withSecret = sourceSchema.extend({ secret: z.string().describe('The signing secret: shown when made and when rotated, and stored for verifying.') });

const present = (record: IntakeSourceRecord) => ({ ...record, url: `/v1/intake/${record.name}` });

/**
 * Webhook intake for form tools and CDPs: `/v1/intake-sources` (an admin's) makes sources and
 * their secrets; `POST /v1/intake/{name}` takes a lead signed with its source's secret.
 */
export function intakeSourceRoutes(app: FastifyInstance, deps: { sources: IntakeSourceRepository; intake: LeadIntakeService; clock: () => number }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['intake'];

  api.post(
    '/v1/intake-sources',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Create a webhook intake source',
        description: 'Answers the secret its posts are signed with. Give the source `POST /v1/intake/{name}` and the secret.',
        body: z.object({ name: sourceName }).strict(),
        response: { 201: withSecret, 400: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { secret, record } = await deps.sources.create(request.body.name, request.principal?.name ?? 'unknown');
      return reply.code(201).send({ ...present(record), secret });
    },
  );

  api.get(
    '/v1/intake-sources',
    { schema: { ...access('admin'), tags, summary: 'List webhook intake sources, without their secrets', response: { 200: z.object({ items: z.array(sourceSchema) }) } } },
    async () => ({ items: (await deps.sources.list()).map(present) }),
  );

  api.post(
    '/v1/intake-sources/:name/rotate',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Rotate a source’s secret',
        description: `Answers a new secret. The old one is still accepted for ${ROTATION_GRACE_HOURS} hours, while the sender is changed over.`,
        params: nameParams,
        response: { 200: withSecret, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const now = deps.clock();
      const rotated = await deps.sources.rotate(request.params.name, new Date(now), new Date(now + ROTATION_GRACE_HOURS * 3_600_000));
      if (!rotated) return reply.code(404).send({ error: 'not_found', message: `intake source "${request.params.name}" does not exist; GET /v1/intake-sources lists them` });
      return { ...present(rotated.record), secret: rotated.secret };
    },
  );

  api.delete(
    '/v1/intake-sources/:name',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Delete a webhook intake source',
        description: 'Its posts are refused from now on.',
        params: nameParams,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await deps.sources.remove(request.params.name))) {
        return reply.code(404).send({ error: 'not_found', message: `intake source "${request.params.name}" does not exist; GET /v1/intake-sources lists them` });
      }
      return reply.code(204).send(null);
    },
  );

  // The signature covers the body as sent: this route reads it as text, and parses it after checking.
  withRawJsonBody(app, (scope) => {
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/intake/:name',
      {
        schema: {
          ...signedIntakeAccess(),
          tags,
          summary: 'Submit a lead from a webhook intake source (signed)',
          description:
            'The body is a lead, as for `POST /v1/leads`. No API key: the post carries `Sb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. ' +
            `A wrong signature, an unknown source, or a timestamp more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes away answers 401; the same signature a second time answers 409.`,
          params: nameParams,
          headers: z.object({ [SIGNATURE_HEADER]: z.string().max(1000).optional() }),
          response: { 200: leadAcceptedSchema, 202: leadAcceptedSchema, 400: errorSchema, 401: errorSchema, 409: errorSchema },
        },
      },
      async (request, reply) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const { name } = request.params;
        const now = deps.clock();
        const secrets = await deps.sources.secretsOf(name, new Date(now));
        if (!secrets) return reply.code(401).send({ error: 'unauthorized', message: `there is no intake source "${name}"; an admin makes one with POST /v1/intake-sources` });
        const check = checkSignature(request.headers[SIGNATURE_HEADER] as string | undefined, raw, [secrets.current, ...(secrets.previous ? [secrets.previous] : [])], Math.floor(now / 1000));
        if (!check.ok) return reply.code(401).send({ error: 'unauthorized', message: check.reason });
        let payload: unknown;
        try {
          payload = JSON.parse(raw);
        } catch (error) {
          return reply.code(400).send({ error: 'invalid_json', message: `the body is not valid JSON: ${(error as Error).message}` });
        }
        const parsed = leadIntakeSchema.safeParse(payload);
        if (!parsed.success) {
          const refused = validationBody(toValidationIssues(parsed.error));
          return reply.code(400).send({ ...refused, errors: [...(refused.errors ?? [])] });
        }
        // Recorded before the lead is stored: of two posts with one signature, exactly one gets in.
        if (!(await deps.sources.recordSignature(name, check.signature, new Date(now - 2 * SIGNATURE_TOLERANCE_SECONDS * 1000)))) {
          return reply.code(409).send({ error: 'replayed', message: 'this signature was used before: each post is signed afresh (a retry of a lost answer with the same externalId is safe to sign again)' });
        }
        try {
          const traceparent = request.headers.traceparent;
          const answer = await deps.intake.accept(parsed.data, typeof traceparent === 'string' ? traceparent : undefined);
          return reply.code(answer.duplicate ? 200 : 202).send(answer);
        } catch (error) {
          // Not stored: the same post may be sent again.
          await deps.sources.forgetSignature(name, check.signature).catch(() => undefined);
          throw error;
        }
      },
    );
  });
}
