import type { AuditLogRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { errorSchema, isoDate } from '../schemas.ts';

const entrySchema = z
  .object({
    id: z.string(),
    at: isoDate,
    actor: z.string().describe('A key’s name, `SWITCHBOARD_ADMIN_KEY`, or a signed-in user.'),
    actorRole: z.string(),
    action: z.string().describe('The operation, e.g. `PATCH /v1/reps/:id`.'),
    targetKind: z.string(),
    targetId: z.string().nullable(),
    status: z.number().int(),
    before: z.unknown().describe('The thing before the change (reps, accounts, configuration, keys, leads), secrets redacted.'),
    after: z.unknown().describe('The answer to the change, secrets redacted.'),
  })
  .meta({ id: 'AuditEntry' });

/** `GET /v1/audit`: the audit log, newest first (an admin's). */
export function auditRoutes(app: FastifyInstance, deps: { audit: AuditLogRepository }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/audit',
    {
      schema: {
        ...access('admin'),
        tags: ['audit'],
        summary: 'Read the audit log, newest first',
        description: 'Every change made through the API: who, when, what, and before and after.',
        querystring: z.object({
          actor: z.string().max(200).optional(),
          kind: z.string().max(50).optional().describe('rep, team, account, config, key, lead, intake-source, session'),
          target: z.string().max(200).optional().describe('The id (or name) of the thing changed.'),
          since: isoDate.optional(),
          before: z.string().regex(/^\d{1,19}$/, { error: 'must be an entry id (the `next` of the previous page)' }).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(entrySchema), next: z.string().nullable() }), 400: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await deps.audit.list({ actor: q.actor, targetKind: q.kind, targetId: q.target, since: q.since, before: q.before, limit: q.limit });
      return { items, next: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
    },
  );
}
