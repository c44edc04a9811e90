import { type AccessRequirement, decideAccess, type Principal, type RepId, type RepScope } from '@switchboard/core';
import type { LeadRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ErrorBody } from '../errors.ts';
import { errorSchema } from '../schemas.ts';
import { type Authenticator, bearerToken, refusalMessage } from './authenticator.ts';
import type { ConsoleSessions } from './console-sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null on public routes called without a credential. */
    principal: Principal | null;
    /** Set when a rep key calls an operation that reaches only the rep's own things. */
    repScope: RepScope | null;
  }
  interface FastifyContextConfig {
    /** What the route needs, read from its schema's `x-switchboard-role` when it is registered. */
    access?: { readonly requirement: AccessRequirement; readonly repScope: RepScope | null };
  }
}

/** The OpenAPI security schemes: a bearer key, or the console's session cookie. */
export const securitySchemes = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer sbk_…`. Create keys with `POST /v1/keys`.' },
  consoleSession: { type: 'apiKey', in: 'cookie', name: 'sb_session', description: 'The web console’s session, opened at `POST /v1/session`.' },
  webhookSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Sb-Signature',
    description: 'Webhook intake: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` with the intake source’s secret.',
  },
} as const;

/**
 * What the webhook intake needs: no bearer key, but a body signed with its source's secret
 * (checked by the route). In the document it is an `intake` operation under the signature scheme.
 */
export function signedIntakeAccess(): Record<string, unknown> {
  return { security: [{ webhookSignature: [] }], 'x-switchboard-role': 'intake', 'x-switchboard-signature': 'Sb-Signature' };
}

/**
 * What an operation needs, for its route schema: the OpenAPI security requirement and the
 * `x-switchboard-role` extension (and `x-switchboard-rep` when rep keys may reach their own).
 * Every route declares one; registering a route without one fails at start.
 */
export function access(requirement: AccessRequirement, repScope?: RepScope): Record<string, unknown> {
  // An empty security requirement: the document says, too, that no credential is needed.
  if (requirement === 'public') return { security: [], 'x-switchboard-role': 'public' };
  return {
    security: [{ apiKey: [] }, { consoleSession: [] }],
    'x-switchboard-role': requirement,
    ...(repScope && { 'x-switchboard-rep': repScope }),
  };
}

/** Routes of plugins, which take no schema of ours: the API explorer (a viewer's), the console's files (anyone's). */
function pluginRouteAccess(url: string): AccessRequirement | undefined {
  if (url === '/docs' || url.startsWith('/docs/')) return 'viewer';
  if (url === '/*' || url === '/') return 'public';
  return undefined;
}

const refuse = (reply: FastifyReply, status: 401 | 403, error: string, message: string): FastifyReply => {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="switchboard"');
  return reply.code(status).send({ error, message } satisfies ErrorBody);
};

/**
 * Authentication and authorization on every route:
 * - at registration, each route's requirement is read from its schema (a route without one is an error);
 * - on each request, the credential (a bearer key, else the console's session cookie) is checked:
 *   401 `unauthorized` when it is missing or not valid, 403 `forbidden` when its role is too weak;
 * - before validation, a rep key's reach is checked against the lead or rep the path names
 *   (403 when it is not its own), and a list it reads is narrowed to its own leads.
 */
export function installAccessControl(app: FastifyInstance, deps: { authenticator: Authenticator; sessions: ConsoleSessions; leads: LeadRepository }): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('repScope', null);

  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    const declared = schema?.['x-switchboard-role'] as AccessRequirement | undefined;
    // A signed route checks its signature itself, and takes no key.
    const requirement = schema?.['x-switchboard-signature'] !== undefined ? 'public' : (declared ?? pluginRouteAccess(route.url));
    if (requirement === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no role: add ...access('<role>') to its schema (see auth/access-control.ts)`);
    }
    route.config = { ...(route.config as object), access: { requirement, repScope: (schema?.['x-switchboard-rep'] as RepScope | undefined) ?? null } };
    // Every operation documents its refusals: rate limits on all, credentials on the protected ones.
    if (schema?.response) {
      schema.response = { ...(requirement !== 'public' && { 401: errorSchema, 403: errorSchema }), 429: errorSchema, ...(schema.response as object) };
    }
  });

  // After the rate limits (their hooks are the routes' own onRequest hooks), before the body is read.
  app.addHook('preParsing', async (request, reply) => {
    const rule = request.routeOptions.config.access;
    // No route (a 404): public, and the not-found handler answers.
    if (!rule) return;
    const credential = await credentialOf(request, deps);
    request.principal = credential.kind === 'principal' ? credential.principal : null;
    // A public route answers whatever credential comes with it (a probe with a stale key still
    // sees the health); it knows the caller when the credential is good.
    if (rule.requirement === 'public') return;
    if (credential.kind === 'refused') return refuse(reply, 401, 'unauthorized', credential.message);
    if (!request.principal) return refuse(reply, 401, 'unauthorized', refusalMessage('missing'));
    const verdict = decideAccess(request.principal, rule.requirement, rule.repScope);
    if (!verdict.allowed) {
      return refuse(reply, 403, 'forbidden', `${request.method} ${request.routeOptions.url}: ${verdict.reason} (this credential is ${request.principal.name})`);
    }
    request.repScope = verdict.repScope;
  });

  // Before validation: a rep reaching another's lead hears 403, not what is wrong with its body.
  app.addHook('preValidation', async (request, reply) => {
    const scope = request.repScope;
    const repId = request.principal?.repId;
    // The list handler narrows `own-reps` itself; `shared` is read as anyone reads it.
    if (scope === null || !repId || scope === 'own-reps' || scope === 'shared') return;
    if (scope === 'own-leads') {
      const query = request.query as { owner?: string };
      if (query.owner !== undefined && query.owner !== repId) return refuse(reply, 403, 'forbidden', `a rep key lists only its own leads: leave out owner, or give owner=${repId}`);
      query.owner = repId;
      return;
    }
    const id = (request.params as { id?: string }).id;
    if (scope === 'own-rep') {
      if (id !== repId) return refuse(reply, 403, 'forbidden', `a rep key reaches only its own rep (${repId}), not ${id}`);
      return;
    }
    const place = id === undefined || !UUID.test(id) ? undefined : (await deps.leads.placesOf([id]))[0];
    if (!place || place.ownerId !== (repId as RepId)) {
      return refuse(reply, 403, 'forbidden', `a rep key reaches only the leads its rep holds; lead ${id} is not one of them`);
    }
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Credential = { kind: 'none' } | { kind: 'principal'; principal: Principal } | { kind: 'refused'; message: string };

/** The bearer key if one is sent, else the console's session cookie. */
async function credentialOf(request: FastifyRequest, deps: { authenticator: Authenticator; sessions: ConsoleSessions }): Promise<Credential> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const key = bearerToken(header);
    if (key === undefined) return { kind: 'refused', message: 'the Authorization header must be "Bearer <key>"' };
    const check = await deps.authenticator.authenticate(key);
    return check.ok ? { kind: 'principal', principal: check.principal } : { kind: 'refused', message: refusalMessage(check.refusal) };
  }
  const principal = await deps.sessions.principalOf(request);
  return principal ? { kind: 'principal', principal } : { kind: 'none' };
}
