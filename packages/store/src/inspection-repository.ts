import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** One stored transition of an actor, newest first in `ActorRecord.transitions`. */
export interface TransitionRecord {
  /** The lifecycle event (`lead.assigned` …) for a lead; null for a rep. */
  readonly type: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly cause: string;
  readonly at: Date;
  readonly data: unknown;
  /** For a rep: its active leads after the transition. */
  readonly activeLeads?: number;
}

/** An actor as the store has it: its row's state, its persisted snapshot, and its last transitions. */
export interface ActorRecord {
  readonly kind: 'lead' | 'rep';
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly version: number;
  readonly snapshot: unknown;
  readonly updatedAt: Date;
  readonly traceId: string | null;
  readonly transitions: ReadonlyArray<TransitionRecord>;
}

/** A lead's whole event log, oldest first, with its trace. */
export interface LeadTimeline {
  readonly id: string;
  readonly email: string;
  readonly state: string;
  readonly traceId: string | null;
  readonly traceparent: string | null;
  readonly createdAt: Date;
  readonly events: ReadonlyArray<TransitionRecord>;
}

/** Reads actors for inspection (`switchboard inspect`, `switchboard trace`, `/v1/inspect`). */
export interface InspectionRepository {
  lead(id: string, transitions: number): Promise<ActorRecord | undefined>;
  rep(id: string, transitions: number): Promise<ActorRecord | undefined>;
  leadTimeline(id: string): Promise<LeadTimeline | undefined>;
}

// The trace columns hold a trace id (32 hex digits); a `traceparent` header (00-<trace id>-<span>-<flags>) holds one too.
const traceIdOf = (value: string | null): string | null => {
  if (value === null) return null;
  const parts = value.split('-');
  return parts.length === 4 && parts[1]?.length === 32 ? parts[1] : value;
};

export function createInspectionRepository(db: Kysely<Database>): InspectionRepository {
  return {
    async lead(id, limit) {
      const row = await db
        .selectFrom('leads')
        .select(['id', 'email', 'state', 'version', 'snapshot', 'updated_at', 'trace_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const events = await db
        .selectFrom('lead_events')
        .select(['type', 'from_state', 'to_state', 'cause', 'occurred_at', 'data'])
        .where('lead_id', '=', id)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return {
        kind: 'lead',
        id: row.id,
        name: row.email,
        state: row.state,
        version: row.version,
        snapshot: row.snapshot,
        updatedAt: row.updated_at,
        traceId: traceIdOf(row.trace_id),
        transitions: events.map((e) => ({ type: e.type, from: e.from_state, to: e.to_state, cause: e.cause, at: e.occurred_at, data: e.data })),
      };
    },

    async rep(id, limit) {
      const row = await db
        .selectFrom('reps')
        .select(['id', 'name', 'state', 'version', 'snapshot', 'updated_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const events = await db
        .selectFrom('rep_events')
        .select(['from_state', 'to_state', 'cause', 'active_leads', 'occurred_at'])
        .where('rep_id', '=', id)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return {
        kind: 'rep',
        id: row.id,
        name: row.name,
        state: row.state,
        version: row.version,
        snapshot: row.snapshot,
        updatedAt: row.updated_at,
        traceId: null,
        transitions: events.map((e) => ({
          type: null,
          from: e.from_state,
          to: e.to_state,
          cause: e.cause,
          at: e.occurred_at,
          data: {},
          activeLeads: e.active_leads,
        })),
      };
    },

    async leadTimeline(id) {
      const row = await db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const events = await db
        .selectFrom('lead_events')
        .select(['type', 'from_state', 'to_state', 'cause', 'occurred_at', 'data'])
        .where('lead_id', '=', id)
        .orderBy('occurred_at')
        .orderBy('id')
        .execute();
      const stored = row as { traceparent?: string | null };
      return {
        id: row.id,
        email: row.email,
        state: row.state,
        traceId: traceIdOf(row.trace_id),
        traceparent: stored.traceparent ?? null,
        createdAt: row.created_at,
        events: events.map((e) => ({ type: e.type, from: e.from_state, to: e.to_state, cause: e.cause, at: e.occurred_at, data: e.data })),
      };
    },
  };
}
