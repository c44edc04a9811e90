import { type Kysely, sql } from 'kysely';

/** Every change made through the API: who, when, what, and the state before and after. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor text not null,
      actor_role text not null,
      action text not null,
      target_kind text not null,
      target_id text,
      status integer not null,
      before jsonb,
      after jsonb,
      request_id text
    )`.execute(db);
  await sql`create index audit_log_at on audit_log (at desc, id desc)`.execute(db);
  await sql`create index audit_log_target on audit_log (target_kind, target_id, at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_log`.execute(db);
}
