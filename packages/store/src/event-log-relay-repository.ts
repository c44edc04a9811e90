import type { LeadId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/** How far a relay has published the event log: the (transaction id, row id) of the last event. */
export interface RelayCursor {
  /** An xid8, as text. */
  readonly txid: string;
  readonly row: number;
}

/** A lifecycle event as the bus carries it, read back from the log. */
export interface LoggedEvent {
  readonly id: string;
  readonly type: string;
  readonly version: 1;
  readonly occurredAt: string;
  readonly leadId: LeadId;
  readonly data: unknown;
}

/** An event of the log to publish, with where it sits in the relay's order. */
export interface RelayableEvent {
  readonly cursor: RelayCursor;
  readonly event: LoggedEvent;
}

/** The event log, read as an outbox. See migration 0012. */
export interface EventLogRelayRepository {
  /** The relay's cursor; the first call for a name starts it at the log's head (older events are not sent). */
  cursor(name: string): Promise<RelayCursor>;
  /** The next events to publish after `cursor`, in commit order: only of transactions no running one can precede. */
  readAfter(cursor: RelayCursor, limit: number): Promise<RelayableEvent[]>;
  saveCursor(name: string, cursor: RelayCursor): Promise<void>;
}

/**
 * Log entries that are not published: `lead.routing` marks a step inside the router; its
 * outcome (`lead.assigned`, `lead.waiting`) is what the stream carries.
 */
export const UNPUBLISHED_EVENT_TYPES: ReadonlyArray<string> = ['lead.routing'];

/** Creates the PostgreSQL event log relay repository. */
export function createEventLogRelayRepository(db: Kysely<Database>): EventLogRelayRepository {
  return {
    async cursor(name) {
      // The oldest transaction still running: everything before it is either committed (old
      // news, not sent) or never will be.
      await sql`
        insert into event_relay_cursors (name, txid, event_row)
        values (${name}, pg_snapshot_xmin(pg_current_snapshot()), 0)
        on conflict (name) do nothing`.execute(db);
      const row = await db.selectFrom('event_relay_cursors').select(['txid', 'event_row']).where('name', '=', name).executeTakeFirstOrThrow();
      return { txid: String(row.txid), row: Number(row.event_row) };
    },

    async readAfter(cursor, limit) {
      // The log keeps a waiting decision whole (who was considered and why not); the
      // published event stays small.
      const { rows } = await sql<{ txid: string; id: number; event_id: string; lead_id: string; type: string; data: unknown; occurred_at: Date }>`
        select txid::text as txid, id, event_id, lead_id, type, data - 'decision' as data, occurred_at
        from lead_events
        where (txid, id) > (${cursor.txid}::xid8, ${cursor.row}::bigint)
          and txid < pg_snapshot_xmin(pg_current_snapshot())
          and type <> all(${UNPUBLISHED_EVENT_TYPES}::text[])
        order by txid, id
        limit ${limit}`.execute(db);
      return rows.map((r) => ({
        cursor: { txid: r.txid, row: Number(r.id) },
        event: { id: r.event_id, type: r.type, version: 1, occurredAt: r.occurred_at.toISOString(), leadId: r.lead_id as LeadId, data: r.data },
      }));
    },

    async saveCursor(name, cursor) {
      await sql`
        update event_relay_cursors set txid = ${cursor.txid}::xid8, event_row = ${cursor.row}, updated_at = now()
        where name = ${name} and (txid, event_row) < (${cursor.txid}::xid8, ${cursor.row}::bigint)`.execute(db);
    },
  };
}

/**
 * After a dump of Switchboard's database is restored into another PostgreSQL server, the event
 * log and the relays' cursors hold the old server's transaction ids, which the new server may
 * not reach for a long time: the relays would publish nothing until it did (then publish the
 * restored events a second time). Run at start: when any id is ahead of the server's own, the
 * restored events are moved before every cursor (they were published by the server they came
 * from) and the cursors that are ahead start again at the log's head. Nothing to do otherwise,
 * and cheap to find out (the relay index). Several starting processes do it once.
 *
 * @returns how many events and cursors were moved
 */
export async function rebaseEventLogAfterRestore(db: Kysely<Database>): Promise<{ readonly events: number; readonly cursors: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('switchboard:event-log-rebase'))`.execute(trx);
    const ahead = await sql<{ events: boolean; cursors: boolean }>`
      select exists (select 1 from lead_events where txid > pg_current_xact_id()) as events,
             exists (select 1 from event_relay_cursors where txid > pg_current_xact_id()) as cursors`.execute(trx);
    const found = ahead.rows[0];
    if (!found?.events && !found?.cursors) return { events: 0, cursors: 0 };
    const events = await sql`update lead_events set txid = '1'::xid8 where txid > pg_current_xact_id()`.execute(trx);
    const cursors = await sql`delete from event_relay_cursors where txid > pg_current_xact_id()`.execute(trx);
    return { events: Number(events.numAffectedRows ?? 0), cursors: Number(cursors.numAffectedRows ?? 0) };
  });
}
