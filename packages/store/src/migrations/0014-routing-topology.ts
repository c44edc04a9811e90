import { type Kysely, sql } from 'kysely';

/**
 * The routing topology's version: raised by the database itself whenever what partitions
 * routing changes — teams, their members, the routing configuration, accounts (their owners),
 * a rep created, deleted or renamed (the configuration names reps by email). Partitioned
 * routers compare it with the version their partition map was built from: a router never
 * takes a partition of a map that is not the current one, so two routers can't each host a
 * rep that moved between partitions. Triggers, not application code, so that no write path
 * (the API, the CLI, a test's SQL) can forget it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table routing_topology (only_row boolean primary key default true check (only_row), version bigint not null)`.execute(db);
  await sql`insert into routing_topology (only_row, version) values (true, 1)`.execute(db);
  await sql`
    create function bump_routing_topology() returns trigger language plpgsql
    -- The schema it was created in, whatever the search path of the statement that fires it.
    set search_path from current as $$
    begin
      update routing_topology set version = version + 1;
      return null;
    end $$`.execute(db);
  for (const table of ['teams', 'team_members', 'config_versions', 'accounts']) {
    await sql.raw(`create trigger ${table}_topology after insert or update or delete or truncate on ${table} for each statement execute function bump_routing_topology()`).execute(db);
  }
  await sql`create trigger reps_topology after insert or delete or truncate on reps for each statement execute function bump_routing_topology()`.execute(db);
  // Rep rows are written on every assignment (their load): only a new email counts.
  await sql`
    create trigger reps_renamed_topology after update of email on reps
    for each row when (old.email is distinct from new.email) execute function bump_routing_topology()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['teams', 'team_members', 'config_versions', 'accounts', 'reps']) {
    await sql.raw(`drop trigger ${table}_topology on ${table}`).execute(db);
  }
  await sql`drop trigger reps_renamed_topology on reps`.execute(db);
  await sql`drop function bump_routing_topology()`.execute(db);
  await sql`drop table routing_topology`.execute(db);
}
