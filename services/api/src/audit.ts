import type { AuditLogRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The audited thing as it was before this request changed it. */
    auditBefore: unknown;
  }
}

/** How the audit log reads the state of what a change touches, by the change's `METHOD /route`. */
export type StateLoaders = Readonly<Record<string, (request: FastifyRequest) => Promise<unknown>>>;

/** Requests that change nothing a person configured: leads from intake, previews, and the signed webhooks. */
const NOT_AUDITED = new Set([
  'POST /v1/leads',
  'POST /v1/intake/:name',
  'POST /v1/simulate',
  'POST /v1/webhooks/:id/test',
  'POST /v1/integrations/calcom/webhook',
  'POST /v1/integrations/calcom/route',
  // A prospect's booking is the lead's history (lead.booked), not a change to the configuration.
  'POST /v1/booking/:token',
  'DELETE /v1/booking/:token',
]);
/** Fields never copied into the log: the secrets shown once. */
// A calendar's address is a secret too: Google's and Outlook's feeds are read by whoever has it.
const SECRET_FIELDS = new Set(['key', 'secret', 'password', 'ics', 'caldav']);

const KINDS: Record<string, string> = {
  reps: 'rep',
  teams: 'team',
  accounts: 'account',
  config: 'config',
  keys: 'key',
  leads: 'lead',
  'intake-sources': 'intake-source',
  webhooks: 'webhook',
  session: 'session',
};

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

/**
 * The audit log: every successful change through the API (any method but GET, except intake)
 * is recorded as it is answered, with who made it (the key’s name, `SWITCHBOARD_ADMIN_KEY`,
 * or the signed-in user), what, the state before (for reps, accounts, configuration, keys and
 * leads) and the answer after, secrets redacted. The change is made by then: a record that can’t
 * be written is logged as an error.
 */
export function installAudit(app: FastifyInstance, deps: { audit: AuditLogRepository; before: StateLoaders; after?: StateLoaders }): void {
  app.decorateRequest('auditBefore', undefined);
  const audited = (request: FastifyRequest): string | undefined => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return undefined;
    const action = `${request.method} ${request.routeOptions.url}`;
    return request.routeOptions.url && !NOT_AUDITED.has(action) ? action : undefined;
  };

  app.addHook('preHandler', async (request) => {
    const action = audited(request);
    const load = action && deps.before[action];
    if (load) request.auditBefore = redact(await load(request));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const action = audited(request);
    if (!action || reply.statusCode >= 400) return payload;
    let after: unknown = null;
    const loadAfter = deps.after?.[action];
    if (loadAfter) {
      after = redact(await loadAfter(request).catch(() => null));
    } else if (typeof payload === 'string' && payload.startsWith('{')) {
      try {
        after = redact(JSON.parse(payload));
      } catch {
        after = null;
      }
    }
    const segments = (request.routeOptions.url ?? '').split('/');
    const params = request.params as { id?: string; name?: string; version?: string };
    const targetId = params.id ?? params.name ?? ((after as { id?: unknown } | null)?.id as string | undefined) ?? ((after as { name?: unknown } | null)?.name as string | undefined) ?? null;
    // A sign-in is made by whom it signs in.
    const signedIn = action === 'POST /v1/session' ? (after as { name?: string; role?: string } | null) : null;
    try {
      await deps.audit.record({
        actor: request.principal?.name ?? signedIn?.name ?? 'anonymous',
        actorRole: request.principal?.role ?? signedIn?.role ?? 'none',
        action,
        targetKind: KINDS[segments[2] ?? ''] ?? segments[2] ?? 'unknown',
        targetId: targetId === null ? null : String(targetId),
        status: reply.statusCode,
        before: request.auditBefore ?? null,
        after,
        requestId: request.id,
      });
    } catch (error) {
      request.log.error({ err: error, action }, 'recording a change in the audit log failed; the change was made');
    }
    return payload;
  });
}
