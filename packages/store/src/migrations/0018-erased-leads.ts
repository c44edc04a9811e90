import { type Kysely, sql } from 'kysely';

/** When a lead's personal data was erased (by request, or by the retention policy). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads add column erased_at timestamptz`.execute(db);
  // The retention sweep looks for closed leads not erased yet, oldest first.
  await sql`create index leads_retention on leads (updated_at) where erased_at is null and state in ('closed', 'converted')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index leads_retention`.execute(db);
  await sql`alter table leads drop column erased_at`.execute(db);
}
