import { type Kysely, sql } from 'kysely';

/**
 * Webhook intake: each source (a form tool, a CDP) signs its posts with a secret of its own.
 * HMAC needs the secret itself, so it is stored as is (like any webhook provider's); a rotated
 * secret stays valid for a while beside the new one. Each signature is recorded once, so a post
 * replayed within the 5-minute window is refused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table intake_sources (
      name text primary key,
      secret text not null,
      previous_secret text,
      previous_valid_until timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      rotated_at timestamptz
    )`.execute(db);
  await sql`
    create table intake_signatures (
      source text not null references intake_sources (name) on delete cascade,
      signature text not null,
      seen_at timestamptz not null default now(),
      primary key (source, signature)
    )`.execute(db);
  await sql`create index intake_signatures_seen_at on intake_signatures (seen_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table intake_signatures`.execute(db);
  await sql`drop table intake_sources`.execute(db);
}
