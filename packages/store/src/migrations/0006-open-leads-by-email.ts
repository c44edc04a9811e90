import { type Kysely, sql } from 'kysely';

/**
 * Dedupe by email looks up the open lead with a new lead's email at every intake
 * batch: index the open leads by lower-cased email. Closed and converted leads are
 * left out — they never take a merge, and they are most of the table over time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index leads_open_by_email on leads (lower(email), created_at) where state not in ('closed', 'converted')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists leads_open_by_email`.execute(db);
}
