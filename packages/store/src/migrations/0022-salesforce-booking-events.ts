import { type Kysely, sql } from 'kysely';

/**
 * The Salesforce Events the connector made for meetings booked through Switchboard: one row per
 * meeting, keyed by the booking it shows now (a reschedule moves the row to the new booking and
 * updates the same Event). `salesforce_event_id` is null while the Event is being created, so a
 * create cut short is looked for in Salesforce before it is made again; `deleted_at` is set when
 * the meeting was cancelled and the Event deleted; `error` keeps what Salesforce last refused.
 * The connector also skips these Events when it turns Salesforce Events into touches: they are
 * its own writes, and the booking already touched the lead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table salesforce_booking_events (
      booking_id uuid primary key,
      lead_id uuid not null references leads (id) on delete cascade,
      salesforce_event_id text,
      error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create unique index salesforce_booking_events_by_event on salesforce_booking_events (salesforce_event_id) where salesforce_event_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table salesforce_booking_events`.execute(db);
}
