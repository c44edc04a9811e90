import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { RouterLockedError } from './errors.ts';
import { ROUTER_LEASE } from './router-lock.ts';

/** Options of `joinRouterCluster`. */
export interface RouterClusterOptions {
  /** The database the routers work on (a `search_path` in the URL's options counts). */
  readonly url: string;
  /** The deployment's namespace, in the connection's name. */
  readonly namespace: string;
  /**
   * The cluster's connection failed: every partition lease went with it (another router may
   * take them now), so routing must stop at once. Rejoin with a new `joinRouterCluster`.
   */
  readonly onLost?: (error: Error) => void;
  /** How long to wait between attempts to join while a process of the `all` role routes alone. @default 1000 */
  readonly retryMs?: number;
  /** Told each time joining is refused because a process of the `all` role holds the router lock. */
  readonly onRefused?: (error: RouterLockedError) => void;
  /** Stops trying to join (rejecting with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** One partition lease held by this router. */
export interface PartitionLease {
  readonly key: string;
  /** The routing topology version (migration 0014) of the partition map the key belongs to. */
  readonly version: number;
  /** Its row in `router_leases`, which routing writes are fenced by: `partition:<version>:<key>`. */
  readonly name: string;
  /** The fencing epoch, raised each time a router takes this lease. */
  readonly epoch: number;
}

/** Why `take` did not give a lease. */
export type TakeRefusal =
  /** Another router holds it. */
  | 'held'
  /** The routing topology moved on: build the partition map again. */
  | 'stale-map'
  /** A router still holds a partition of another map: wait until it lets go. */
  | 'other-map-held';

/** This router's membership of the cluster of partitioned routers; see `joinRouterCluster`. */
export interface RouterCluster {
  /** This router's id among the members (a random positive 31-bit integer). */
  readonly memberId: number;
  /** The ids of the live members, this one included, ascending. */
  members(): Promise<number[]>;
  /** The current routing topology version: a partition map of another version is stale. */
  topologyVersion(): Promise<number>;
  /**
   * Takes the lease of partition `key` of the map built at topology `version`, given every key
   * of that map: refused if another router holds it, if the topology moved on, or while any
   * partition of another map is still held (its router has not let go yet).
   */
  take(version: number, key: string, allKeys: ReadonlyArray<string>): Promise<PartitionLease | TakeRefusal>;
  /** Lets a partition go: another router may take it at once. */
  release(lease: PartitionLease): Promise<void>;
  /**
   * Stops being a member while still holding its leases (on shutdown): the others spread the
   * partitions without this router and take each one the moment it is released.
   */
  resign(): Promise<void>;
  /** Leaves the cluster (on shutdown): every lease goes with the connection. */
  leave(): Promise<void>;
}

const ROUTER_CLASS = 'switchboard-router';
const leaseName = (version: number, key: string) => `partition:${version}:${key}`;

/**
 * Joins the routers that spread the partitions between them. Every lock is a PostgreSQL
 * session-level advisory lock on one connection of the router's own, so all of them go with its
 * process, SIGKILL included, and the survivors can take its partitions at once:
 *
 * - the router lock, shared: a process of the `all` role (which routes everything alone and
 *   takes it exclusively) and partitioned routers never run at once;
 * - a member lock, whose holders are the live members;
 * - one lock per partition lease, with a row in `router_leases` whose epoch fences writes.
 *
 * Joining waits while a process of the `all` role holds the router lock.
 */
export async function joinRouterCluster(options: RouterClusterOptions): Promise<RouterCluster> {
  const retryMs = options.retryMs ?? 1000;
  const memberId = randomInt(1, 2 ** 31 - 1);
  const applicationName = `switchboard-router ${options.namespace} on ${hostname()} pid ${process.pid}`.slice(0, 63);
  const client = new pg.Client({ connectionString: options.url, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  let left = false;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { rows } = await client.query<{ locked: boolean; schema: string }>(
        `select pg_try_advisory_lock_shared(hashtext('${ROUTER_CLASS}'), hashtext(current_schema())) as locked, current_schema() as schema`,
      );
      if (rows[0]?.locked) break;
      options.onRefused?.(
        new RouterLockedError(
          `a Switchboard process of the "all" role routes alone on this database (schema "${rows[0]?.schema ?? '?'}"); partitioned routers wait until it stops`,
          { holder: null, schema: rows[0]?.schema ?? null },
        ),
      );
      await sleep(retryMs, options.signal);
    }
    await client.query(`select pg_advisory_lock(hashtext('switchboard-member:' || current_schema()), $1)`, [memberId]);
    // A process of the `all` role that lost its lock's connection without knowing may still be
    // writing: raising its epoch fences it off.
    await client.query(`update router_leases set epoch = epoch + 1 where name = $1`, [ROUTER_LEASE]);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  const lost = (error: Error) => {
    if (left) return;
    left = true;
    options.onLost?.(error);
  };
  client.removeAllListeners('error');
  client.on('error', lost);
  client.on('end', () => lost(new Error('the router cluster connection ended')));

  // Every query of the cluster goes through one connection: queue them, so that one's
  // statements never interleave with another's.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const partitionClass = `hashtext('switchboard-partition:' || current_schema())`;

  return {
    memberId,
    members: () =>
      serially(async () => {
        const { rows } = await client.query<{ member: string }>(
          `select objid::bigint as member from pg_locks
           where locktype = 'advisory' and granted and objsubid = 2 and classid = hashtext('switchboard-member:' || current_schema())::oid
             and database = (select oid from pg_database where datname = current_database())
           order by 1`,
        );
        return rows.map((row) => Number(row.member));
      }),
    topologyVersion: () =>
      serially(async () => {
        const { rows } = await client.query<{ version: string }>('select version from routing_topology');
        return Number(rows[0]?.version ?? 0);
      }),
    take: (version, key, allKeys) =>
      serially(async (): Promise<PartitionLease | TakeRefusal> => {
        const name = leaseName(version, key);
        const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${partitionClass}, hashtext($1)) as locked`, [name]);
        if (!rows[0]?.locked) return 'held';
        const unlock = () => client.query(`select pg_advisory_unlock(${partitionClass}, hashtext($1))`, [name]);
        // The lock first, then the checks: a router of an older map that took a lock before the
        // topology moved is seen below; one that comes later sees the new version and backs off.
        const current = Number((await client.query<{ version: string }>('select version from routing_topology')).rows[0]?.version ?? 0);
        if (current !== version) {
          await unlock();
          return 'stale-map';
        }
        const others = await client.query<{ n: number }>(
          `select count(*)::int as n from pg_locks
           where locktype = 'advisory' and granted and objsubid = 2 and classid = ${partitionClass}::oid
             and database = (select oid from pg_database where datname = current_database())
             and objid not in (select hashtext(k)::oid from unnest($1::text[]) as k)`,
          [allKeys.map((k) => leaseName(version, k))],
        );
        if ((others.rows[0]?.n ?? 0) > 0) {
          await unlock();
          return 'other-map-held';
        }
        // No router holds a partition of another map: their rows go, and with them any write a
        // router cut off from its locks may still send (its fence finds no row).
        await client.query(`delete from router_leases where name like 'partition:%' and name not like $1`, [`partition:${version}:%`]);
        const raised = await client.query<{ epoch: number }>(
          `insert into router_leases (name, epoch, owner, acquired_at) values ($1, 1, $2, now())
           on conflict (name) do update set epoch = router_leases.epoch + 1, owner = excluded.owner, acquired_at = now()
           returning epoch::int as epoch`,
          [name, applicationName],
        );
        return { key, version, name, epoch: raised.rows[0]?.epoch ?? 0 };
      }),
    release: (lease) =>
      serially(async () => {
        if (left) return;
        await client.query(`select pg_advisory_unlock(${partitionClass}, hashtext($1))`, [lease.name]);
      }),
    resign: () =>
      serially(async () => {
        if (left) return;
        await client.query(`select pg_advisory_unlock(hashtext('switchboard-member:' || current_schema()), $1)`, [memberId]);
      }),
    async leave() {
      left = true;
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('stopped waiting to join the routers'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
