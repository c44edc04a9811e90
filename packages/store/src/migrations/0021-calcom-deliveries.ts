import { type Kysely, sql } from 'kysely';

/**
 * Cal.com webhooks, each acted on once. Cal.com may deliver a booking's webhook more than
 * once (a retry, a webhook set up on both the user and the team); the primary key on the
 * trigger and the booking's uid lets exactly one delivery claim it, also when two arrive at
 * the same moment. A row is the lead touch it made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table calcom_deliveries (
      trigger_event text not null,
      booking_uid text not null,
      lead_id uuid not null references leads (id),
      received_at timestamptz not null default now(),
      primary key (trigger_event, booking_uid)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table calcom_deliveries`.execute(db);
}
