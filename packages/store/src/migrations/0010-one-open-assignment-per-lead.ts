import { type Kysely, sql } from 'kysely';

/**
 * PostgreSQL enforces what the README promises: a lead has at most one open assignment.
 * A re-assignment ends the open row and opens the next in one statement, whose rows a
 * plain unique index would check in an unpredictable order; an exclusion constraint that is
 * deferred to commit sees the statement's end state instead. Rows left open by older
 * versions are closed first (all but the newest per lead), so the constraint can be added.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update assignments set ended_at = coalesce(ended_at, now()), end_reason = 'superseded'
    where ended_at is null and id not in (select max(id) from assignments where ended_at is null group by lead_id)`.execute(db);
  await sql`
    alter table assignments add constraint assignments_one_open_per_lead
      exclude using btree (lead_id with =) where (ended_at is null)
      deferrable initially deferred`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table assignments drop constraint if exists assignments_one_open_per_lead`.execute(db);
}
