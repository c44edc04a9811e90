import type { Kysely } from 'kysely';

/**
 * The W3C `traceparent` of a lead's first routing step, so that everything that happens
 * to the lead later — an SLA timer firing hours on, a touch, a close — continues the same
 * trace as a child of that step. `trace_id` keeps the bare trace id (for lookups and the
 * event log); the span id is what only this column holds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leads').addColumn('traceparent', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leads').dropColumn('traceparent').execute();
}
