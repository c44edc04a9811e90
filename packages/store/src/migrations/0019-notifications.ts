import { type Kysely, sql } from 'kysely';

/**
 * Notifications out of Switchboard: webhook subscriptions, and each notification to send as a
 * row — planned from the lead event log (the outbox) in the same transaction that moves the
 * planner's cursor, so each event makes each notification exactly once — with every attempt
 * to deliver it. A notification is unique per event and destination.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhooks (
      id uuid primary key,
      url text not null,
      events text[] not null,
      secret text not null,
      description text,
      active boolean not null default true,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table notifications (
      id uuid primary key,
      event_id uuid not null,
      event_type text not null,
      lead_id uuid,
      channel text not null,
      destination text not null,
      webhook_id uuid references webhooks (id) on delete cascade,
      payload jsonb not null,
      status text not null default 'pending',
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      leased_until timestamptz,
      give_up_at timestamptz not null,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      last_error text,
      constraint notifications_once unique (event_id, channel, destination)
    )`.execute(db);
  await sql`create index notifications_due on notifications (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index notifications_by_webhook on notifications (webhook_id, created_at desc)`.execute(db);
  await sql`create index notifications_by_lead on notifications (lead_id, created_at desc)`.execute(db);
  await sql`
    create table notification_attempts (
      notification_id uuid not null references notifications (id) on delete cascade,
      attempt integer not null,
      started_at timestamptz not null,
      duration_ms integer not null,
      status_code integer,
      error text,
      primary key (notification_id, attempt)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table notification_attempts`.execute(db);
  await sql`drop table notifications`.execute(db);
  await sql`drop table webhooks`.execute(db);
}
