import { type Kysely, sql } from 'kysely';

/**
 * The fairness and SLA reports read a period: assignments by time, each rep's state log
 * by time, and the breaches by time. Breaches are a sliver of the lead event log, so a
 * partial index finds them without slowing the writes of every other event.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index assignments_assigned_at on assignments (assigned_at)`.execute(db);
  await sql`create index rep_events_rep_occurred on rep_events (rep_id, occurred_at)`.execute(db);
  await sql`create index lead_events_breached_at on lead_events (occurred_at) where type = 'lead.breached'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists lead_events_breached_at`.execute(db);
  await sql`drop index if exists rep_events_rep_occurred`.execute(db);
  await sql`drop index if exists assignments_assigned_at`.execute(db);
}
