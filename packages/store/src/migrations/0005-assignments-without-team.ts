import type { Kysely } from 'kysely';

/**
 * A lead routed to a rep by name, or to its account's owner, may be assigned outside any
 * team (the rep is in none): its assignment has no team, and no team SLA applies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('assignments').alterColumn('team_id', (c) => c.dropNotNull()).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.deleteFrom('assignments' as never).where('team_id' as never, 'is', null).execute();
  await db.schema.alterTable('assignments').alterColumn('team_id', (c) => c.setNotNull()).execute();
}
