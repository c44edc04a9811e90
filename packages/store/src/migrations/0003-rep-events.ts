import { type Kysely, sql } from 'kysely';

// The rep actors' own event log: every state change, with its cause.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rep_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('rep_id', 'uuid', (c) => c.notNull().references('reps.id'))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('active_leads', 'integer', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('rep_events_rep').on('rep_events').columns(['rep_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rep_events').execute();
}
