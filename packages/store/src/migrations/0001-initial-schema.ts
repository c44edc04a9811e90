import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<any>: they must keep working after database.ts moves on.
// biome-ignore lint: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reps')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('weight', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('cap', 'integer')
    .addColumn('tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('available', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('available'))
    .addColumn('active_leads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_assigned_at', 'timestamptz')
    .addColumn('last_assignment_seq', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('reps_email_unique').on('reps').expression(sql`lower(email)`).unique().execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('position', 'bigserial', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('teams_name_unique').on('teams').expression(sql`lower(name)`).unique().execute();

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'uuid', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('rep_id', 'uuid', (c) => c.notNull().references('reps.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'rep_id'])
    .execute();
  await db.schema.createIndex('team_members_rep').on('team_members').column('rep_id').execute();

  await db.schema
    .createTable('leads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('external_id', 'text', (c) => c.unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('company', 'text')
    .addColumn('source', 'text')
    .addColumn('requested_team', 'text')
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'uuid', (c) => c.references('reps.id'))
    .addColumn('team_id', 'uuid', (c) => c.references('teams.id'))
    .addColumn('waiting_reason', 'text')
    .addColumn('snapshot', 'jsonb')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trace_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('leads_state_created').on('leads').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('leads_owner').on('leads').column('owner_id').execute();

  await db.schema
    .createTable('assignments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('lead_id', 'uuid', (c) => c.notNull().references('leads.id'))
    .addColumn('rep_id', 'uuid', (c) => c.notNull().references('reps.id'))
    .addColumn('team_id', 'uuid', (c) => c.notNull().references('teams.id'))
    .addColumn('decision', 'jsonb', (c) => c.notNull())
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  // Exactly one owner at a time, enforced by the database as well as by the actors.
  await db.schema
    .createIndex('assignments_one_open_per_lead')
    .on('assignments')
    .column('lead_id')
    .unique()
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema.createIndex('assignments_rep').on('assignments').columns(['rep_id', 'assigned_at']).execute();

  await db.schema
    .createTable('lead_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('lead_id', 'uuid', (c) => c.notNull().references('leads.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('trace_id', 'text')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lead_events_lead').on('lead_events').columns(['lead_id', 'id']).execute();
}

// biome-ignore lint: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['lead_events', 'assignments', 'leads', 'team_members', 'teams', 'reps']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
