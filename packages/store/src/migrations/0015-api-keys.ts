import { type Kysely, sql } from 'kysely';

/**
 * Credentials. An API key is stored only as a scrypt hash of its secret; its id, which the key
 * carries in the clear, finds the row. A console session (a cookie) is stored as a SHA-256 of
 * its token, with whom it was opened for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_keys (
      id uuid primary key,
      name text not null,
      role text not null check (role in ('admin', 'operator', 'viewer', 'intake', 'rep', 'metrics')),
      rep_id uuid references reps (id) on delete cascade,
      secret_hash text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      constraint api_keys_rep_role check ((role = 'rep') = (rep_id is not null))
    )`.execute(db);
  await sql`create unique index api_keys_live_name on api_keys (lower(name)) where revoked_at is null`.execute(db);
  await sql`
    create table console_sessions (
      token_hash text primary key,
      name text not null,
      role text not null,
      rep_id uuid references reps (id) on delete cascade,
      key_id uuid references api_keys (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table console_sessions`.execute(db);
  await sql`drop table api_keys`.execute(db);
}
