import { type Kysely, sql } from 'kysely';

/**
 * The Salesforce connector's state:
 * - `salesforce_sync_state`: one watermark per polled object (`Lead`, `Task`, `Event`,
 *   `Account`) — the last record's timestamp and Id, so a restart resumes exactly there;
 * - `salesforce_attention`: owner write-backs Salesforce refused (validation rule, inactive
 *   user, bad reference), one open row per lead, kept until a later write succeeds;
 * - `reps.salesforce_user_id`: the Salesforce User a rep is (else matched by email).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('salesforce_sync_state')
    .addColumn('object', 'text', (c) => c.primaryKey())
    .addColumn('watermark_at', 'timestamptz')
    .addColumn('watermark_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('salesforce_attention')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('lead_id', 'uuid', (c) => c.notNull().references('leads.id').onDelete('cascade'))
    .addColumn('salesforce_id', 'text', (c) => c.notNull())
    .addColumn('rep_id', 'uuid')
    .addColumn('salesforce_user_id', 'text')
    .addColumn('error_code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await sql`create unique index salesforce_attention_open_lead on salesforce_attention (lead_id) where resolved_at is null`.execute(db);
  await db.schema.alterTable('reps').addColumn('salesforce_user_id', 'text').execute();
  await sql`create unique index reps_salesforce_user_id on reps (salesforce_user_id) where salesforce_user_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists reps_salesforce_user_id`.execute(db);
  await db.schema.alterTable('reps').dropColumn('salesforce_user_id').execute();
  await db.schema.dropTable('salesforce_attention').execute();
  await db.schema.dropTable('salesforce_sync_state').execute();
}
