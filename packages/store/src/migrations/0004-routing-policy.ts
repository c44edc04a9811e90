import { type Kysely, sql } from 'kysely';

// The routing policy: accounts for sticky routing, the versioned routing configuration,
// weighted round robin's running credits per team, and the teams' policy settings.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // The name as leads' company names are compared with it (core's normaliseCompanyName).
    .addColumn('normalized_name', 'text', (c) => c.notNull())
    .addColumn('domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // Reps are deactivated, not deleted; should one ever go, its accounts lose their owner, not their rows.
    .addColumn('owner_id', 'uuid', (c) => c.references('reps.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('accounts_name_unique').on('accounts').expression(sql`lower(name)`).unique().execute();
  // `domains && $1`: which accounts already list one of these domains (one domain, one account).
  await db.schema.createIndex('accounts_domains').on('accounts').using('gin').column('domains').execute();
  await db.schema.createIndex('accounts_normalized_name').on('accounts').column('normalized_name').execute();
  await db.schema.createIndex('accounts_owner').on('accounts').column('owner_id').execute();

  // Every routing configuration ever applied; the highest version is the one in force.
  await db.schema
    .createTable('config_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('yaml', 'json')`))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('rolled_back_from', 'integer', (c) => c.references('config_versions.version'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Smooth weighted round robin's credits, one document per team: { repId: credit }.
  await db.schema
    .createTable('team_share_ledgers')
    .addColumn('team_id', 'uuid', (c) => c.primaryKey().references('teams.id').onDelete('cascade'))
    .addColumn('credits', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable('teams')
    .addColumn('fallback', 'text')
    .addColumn('overflow', 'text')
    .addColumn('load_window', 'text', (c) => c.notNull().defaultTo('day'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['load_window', 'overflow', 'fallback']) {
    await db.schema.alterTable('teams').dropColumn(column).execute();
  }
  for (const table of ['team_share_ledgers', 'config_versions', 'accounts']) {
    await db.schema.dropTable(table).execute();
  }
}
