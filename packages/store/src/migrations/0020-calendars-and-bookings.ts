import { type Kysely, sql } from 'kysely';

/**
 * Calendars and instant booking.
 * - `rep_calendars`: each rep's calendar feeds (ICS, CalDAV free-busy) with what the last poll
 *   found: validators for a conditional GET, and the failure people should see on the rep.
 * - `reps.busy`: the rep's busy time, calendars and bookings merged, as routing reads it.
 * - `teams.busy` (skip | allow) and `teams.booking` (the team's booking policy, or null).
 * - `booking_links`: a lead's link, found by the SHA-256 of its token (the token is the
 *   prospect's credential, shown once).
 * - `bookings`: meetings booked through a link. A slot is taken under a per-rep advisory lock,
 *   and at most one confirmed booking per link holds at once. `announced` is what the lead's actor
 *   has been told (booked, cancelled): a booking made while no router answered is told later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reps add column busy jsonb not null default '[]'`.execute(db);
  await sql`alter table teams add column busy text not null default 'skip'`.execute(db);
  await sql`alter table teams add column booking jsonb`.execute(db);
  await sql`
    create table rep_calendars (
      id uuid primary key,
      rep_id uuid not null references reps (id) on delete cascade,
      position integer not null,
      kind text not null,
      url text not null,
      username text,
      password text,
      etag text,
      last_modified text,
      busy jsonb not null default '[]',
      synced_at timestamptz,
      read_at timestamptz,
      error text,
      failing_since timestamptz,
      next_poll_at timestamptz not null default now(),
      leased_until timestamptz,
      created_at timestamptz not null default now(),
      constraint rep_calendars_once unique (rep_id, url)
    )`.execute(db);
  await sql`create index rep_calendars_due on rep_calendars (next_poll_at)`.execute(db);
  await sql`
    create table booking_links (
      id uuid primary key,
      lead_id uuid not null references leads (id) on delete cascade,
      token_hash text not null unique,
      team_id uuid references teams (id) on delete set null,
      expires_at timestamptz not null,
      created_by text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index booking_links_by_lead on booking_links (lead_id, created_at desc)`.execute(db);
  await sql`
    create table bookings (
      id uuid primary key,
      link_id uuid not null references booking_links (id) on delete cascade,
      lead_id uuid not null references leads (id) on delete cascade,
      rep_id uuid not null references reps (id) on delete cascade,
      start_at timestamptz not null,
      end_at timestamptz not null,
      time_zone text not null,
      status text not null default 'confirmed',
      sequence integer not null default 0,
      replaces uuid references bookings (id),
      announced text,
      created_at timestamptz not null default now(),
      cancelled_at timestamptz
    )`.execute(db);
  await sql`create unique index bookings_one_per_link on bookings (link_id) where status = 'confirmed'`.execute(db);
  await sql`create index bookings_by_rep on bookings (rep_id, start_at) where status = 'confirmed'`.execute(db);
  await sql`create index bookings_by_lead on bookings (lead_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table bookings`.execute(db);
  await sql`drop table booking_links`.execute(db);
  await sql`drop table rep_calendars`.execute(db);
  await sql`alter table teams drop column booking`.execute(db);
  await sql`alter table teams drop column busy`.execute(db);
  await sql`alter table reps drop column busy`.execute(db);
}
