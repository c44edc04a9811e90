import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** One change, as the audit log keeps it. */
export interface AuditEntry {
  readonly id: string;
  readonly at: Date;
  /** A key's name, `SWITCHBOARD_ADMIN_KEY`, or a signed-in user. */
  readonly actor: string;
  readonly actorRole: string;
  /** `PATCH /v1/reps/:id`: the operation. */
  readonly action: string;
  readonly targetKind: string;
  readonly targetId: string | null;
  /** The answer's status. */
  readonly status: number;
  readonly before: unknown;
  readonly after: unknown;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { readonly requestId?: string | null };

/** Filters of the audit log; newest first. */
export interface AuditQuery {
  readonly actor?: string | undefined;
  readonly targetKind?: string | undefined;
  readonly targetId?: string | undefined;
  readonly since?: Date | undefined;
  /** Cursor: entries older than this id. */
  readonly before?: string | undefined;
  readonly limit: number;
}

export interface AuditLogRepository {
  record(entry: NewAuditEntry): Promise<void>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
}

export function createAuditLogRepository(db: Kysely<Database>): AuditLogRepository {
  return {
    async record(entry) {
      await db
        .insertInto('audit_log')
        .values({
          actor: entry.actor,
          actor_role: entry.actorRole,
          action: entry.action,
          target_kind: entry.targetKind,
          target_id: entry.targetId,
          status: entry.status,
          before: entry.before === undefined ? null : JSON.stringify(entry.before),
          after: entry.after === undefined ? null : JSON.stringify(entry.after),
          request_id: entry.requestId ?? null,
        })
        .execute();
    },

    async list(query) {
      let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
      if (query.actor) q = q.where('actor', '=', query.actor);
      if (query.targetKind) q = q.where('target_kind', '=', query.targetKind);
      if (query.targetId) q = q.where('target_id', '=', query.targetId);
      if (query.since) q = q.where('at', '>=', query.since);
      if (query.before) q = q.where('id', '<', query.before);
      return (await q.execute()).map((row) => ({
        id: String(row.id),
        at: row.at,
        actor: row.actor,
        actorRole: row.actor_role,
        action: row.action,
        targetKind: row.target_kind,
        targetId: row.target_id,
        status: row.status,
        before: row.before,
        after: row.after,
      }));
    },
  };
}
