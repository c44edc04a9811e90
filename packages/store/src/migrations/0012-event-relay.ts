import { type Kysely, sql } from 'kysely';

/**
 * The lead event log is the outbox of the event stream: every lifecycle event is written in
 * its transition's transaction, and a relay publishes the log to the bus in commit order.
 *
 * - `lead_events.txid`: the id of the transaction that wrote the row. Ids from a sequence
 *   commit out of order, so a relay that followed `id` alone could pass a row whose
 *   transaction had not committed yet and never come back for it. A relay that reads only
 *   rows of transactions older than every running one (`txid < pg_snapshot_xmin(...)`) and
 *   follows (txid, id) sees each row exactly once, in order.
 * - `event_relay_cursors`: how far each relay has published, so a restart resumes there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table lead_events add column txid xid8 not null default pg_current_xact_id()`.execute(db);
  await sql`create index lead_events_relay on lead_events (txid, id)`.execute(db);
  await sql`
    create table event_relay_cursors (
      name text primary key,
      txid xid8 not null,
      event_row bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table event_relay_cursors`.execute(db);
  await sql`drop index lead_events_relay`.execute(db);
  await sql`alter table lead_events drop column txid`.execute(db);
}
