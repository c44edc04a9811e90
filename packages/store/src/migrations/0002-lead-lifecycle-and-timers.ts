import { type Kysely, sql } from 'kysely';

// Lead lifecycle after assignment (touches, SLA breaches, close), rep schedules and caps,
// team SLA policies, and durable timers.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('leads')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sla_deadline_at', 'timestamptz')
    .addColumn('breaches', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcome', 'text')
    .execute();
  await db.schema
    .alterTable('reps')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('caps', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('working_hours', 'jsonb')
    .addColumn('holidays', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('out_of_office', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('away_reason', 'text')
    .addColumn('manager_id', 'uuid', (c) => c.references('reps.id'))
    .addColumn('snapshot', 'jsonb')
    .execute();
  await db.schema.alterTable('teams').addColumn('sla', 'jsonb').execute();
  await db.schema.alterTable('assignments').addColumn('end_reason', 'text').execute();
  // A lead's owner is one column (leads.owner_id): exactly one owner at a time. The
  // assignments table is the history, and a re-assignment ends the open row and opens
  // the next in one statement, which a unique index would check in an unpredictable order.
  await db.schema.dropIndex('assignments_one_open_per_lead').execute();
  await db.schema.createIndex('assignments_lead').on('assignments').columns(['lead_id', 'id']).execute();

  // Durable timers: one row per actor and kind, indexed by due time. Only the near
  // horizon is held in memory; a process that was down acts on overdue rows at start.
  await db.schema
    .createTable('timers')
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addPrimaryKeyConstraint('timers_pk', ['actor_kind', 'actor_id', 'kind'])
    .execute();
  await db.schema.createIndex('timers_due').on('timers').column('due_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('timers').execute();
  await db.schema.dropIndex('assignments_lead').execute();
  await db.schema.createIndex('assignments_one_open_per_lead').on('assignments').column('lead_id').unique().where(sql.ref('ended_at'), 'is', null).execute();
  await db.schema.alterTable('assignments').dropColumn('end_reason').execute();
  await db.schema.alterTable('teams').dropColumn('sla').execute();
  for (const column of ['snapshot', 'manager_id', 'away_reason', 'out_of_office', 'holidays', 'working_hours', 'caps', 'active']) {
    await db.schema.alterTable('reps').dropColumn(column).execute();
  }
  for (const column of ['outcome', 'breaches', 'sla_deadline_at', 'priority']) {
    await db.schema.alterTable('leads').dropColumn(column).execute();
  }
}
