import { type Kysely, sql } from 'kysely';

/**
 * Fencing for routers: the router that holds the router lock has an epoch, raised each time a
 * router takes the lock. Every routing write names the epoch it was made under, and the write
 * statement checks it against this row (holding it `for share`, so a takeover waits for writes in
 * flight and every later write sees the new epoch): a router that lost the lock without knowing —
 * paused, cut off from its lock's connection — can't write a lead, an assignment or a rep's load.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table router_leases (
      name text primary key,
      epoch bigint not null,
      owner text not null,
      acquired_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table router_leases`.execute(db);
}
