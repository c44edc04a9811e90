import { type Kysely, sql } from 'kysely';

/**
 * - A lead's priority is any finite number its priority field holds (1.5, 2^31, 1e20), not
 *   only a 32-bit integer: an integer column made such a lead impossible to save as waiting,
 *   and it was redelivered forever.
 * - A lead whose routing outcome can't be stored at all is dead-lettered with the reason,
 *   kept here so that neither the sweep nor a restart picks it up again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads alter column priority type double precision`.execute(db);
  await sql`alter table leads add column dead_letter_reason text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads drop column dead_letter_reason`.execute(db);
  await sql`alter table leads alter column priority type integer using least(greatest(round(priority), -2147483648), 2147483647)::integer`.execute(db);
}
