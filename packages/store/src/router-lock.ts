import { hostname } from 'node:os';
import pg from 'pg';
import { RouterLockedError } from './errors.ts';

/** Options of `acquireRouterLock`. */
export interface RouterLockOptions {
  /** The database the router works on (a `search_path` in the URL's options counts). */
  readonly url: string;
  /** The router's namespace, shown to a second router that is refused. */
  readonly namespace: string;
  /** Hears that the lock's connection failed and whether it was taken back. @default ignore */
  readonly onConnectionLost?: (error: Error) => void;
  /** The lock's connection came back and the lock is held again. @default ignore */
  readonly onRegained?: () => void;
  /**
   * Another router took the lock while this one's connection was down: this router must
   * stop routing at once, or caps and ownership break. @default ignore
   */
  readonly onLost?: (error: RouterLockedError) => void;
  /** How long to wait between attempts to take the lock back. @default 1000 */
  readonly retryMs?: number;
}

/** The lock a running router holds; see `acquireRouterLock`. */
export interface RouterLock {
  /** Whether the lock is held right now (false while its connection is being re-made). */
  readonly held: boolean;
  /**
   * The fencing epoch of this holding (see migration 0013): raised each time a router takes the
   * lock. Routing writes carry it, and PostgreSQL refuses those of an older epoch.
   */
  readonly epoch: number;
  /** The epoch once a raise under way (taking the lock back) is done: what a fenced write compares with. */
  settledEpoch(): Promise<number>;
  /** Lets the lock go (on shutdown): the next router may start at once. */
  release(): Promise<void>;
}

const PREFIX = 'switchboard-router';
// Advisory lock keys: one fixed class for Switchboard's router, and the schema, so that test
// files and deployments that each have a schema of their own on one server don't collide.
const TRY_LOCK = `select pg_try_advisory_lock(hashtext('${PREFIX}'), hashtext(current_schema())) as locked, current_schema() as schema`;
/** The lease row whose epoch fences routing writes. */
export const ROUTER_LEASE = 'router';
// Raised on the lock's own connection right after the lock is taken: no other router can be
// between taking the lock and raising the epoch.
const RAISE_EPOCH = `
  insert into router_leases (name, epoch, owner, acquired_at) values ($1, 1, $2, now())
  on conflict (name) do update set epoch = router_leases.epoch + 1, owner = excluded.owner, acquired_at = now()
  returning epoch::int as epoch`;
const HOLDER = `
  select a.application_name, host(a.client_addr) as client_addr, a.backend_start
  from pg_locks l join pg_stat_activity a on a.pid = l.pid
  where l.locktype = 'advisory' and l.granted and l.objsubid = 2
    and l.classid = hashtext('${PREFIX}')::oid and l.objid = hashtext(current_schema())::oid
  limit 1`;

/**
 * Takes the router lock of this database schema for a process of the `all` role, which routes
 * everything alone, or refuses with a `RouterLockedError` that names who holds it (another
 * such process, or one of the partitioned routers, which hold it shared: see
 * `joinRouterCluster`). Two routers each routing everything would each keep their own count
 * of the same reps' loads, and every cap would break (3,000 leads assigned against 2,500).
 *
 * The lock is a PostgreSQL session-level advisory lock on a connection of its own, so it is
 * released the moment its process dies, SIGKILL included: a restart never waits for a lease
 * to run out. If that connection fails (a database restart), the lock is taken back as soon
 * as the database answers; should another router have taken it meanwhile, `onLost` is called.
 */
export async function acquireRouterLock(options: RouterLockOptions): Promise<RouterLock> {
  const retryMs = options.retryMs ?? 1000;
  const applicationName = `${PREFIX} ${options.namespace} on ${hostname()} pid ${process.pid}`.slice(0, 63);
  let client: pg.Client | undefined;
  let held = false;
  let released = false;
  let retry: NodeJS.Timeout | undefined;
  let epoch = 0;
  let raising: Promise<unknown> = Promise.resolve();
  const raiseEpoch = (c: pg.Client): Promise<number> => {
    const raised = c.query<{ epoch: number }>(RAISE_EPOCH, [ROUTER_LEASE, applicationName]).then(({ rows }) => rows[0]?.epoch ?? 0);
    raising = raised.catch(() => {});
    return raised;
  };

  const connect = async (): Promise<pg.Client> => {
    const next = new pg.Client({ connectionString: options.url, application_name: applicationName });
    // Until the lock is held, a failed connection is the caller's error, not a lost lock.
    next.on('error', () => {});
    await next.connect();
    return next;
  };

  const tryLock = async (c: pg.Client): Promise<RouterLockedError | undefined> => {
    const { rows } = await c.query<{ locked: boolean; schema: string }>(TRY_LOCK);
    if (rows[0]?.locked) return undefined;
    const holder = (await c.query<{ application_name: string; client_addr: string | null; backend_start: Date }>(HOLDER)).rows[0];
    const who = holder
      ? `"${holder.application_name || 'an unnamed client'}"${holder.client_addr ? ` from ${holder.client_addr}` : ''}, connected since ${holder.backend_start.toISOString()}`
      : 'a process that has just let it go';
    return new RouterLockedError(
      `another Switchboard router is already running on this database (schema "${rows[0]?.schema ?? '?'}"): ${who}. ` +
        'A process of the all role routes everything alone: next to another router it would break caps and routing. ' +
        'To run several routers that share the routing and take over from each other, start each with SWITCHBOARD_ROLE=router (or switchboard start --role router) and the API with SWITCHBOARD_ROLE=api; ' +
        'otherwise stop the other one first, or give this one its own database (DATABASE_URL).',
      { holder: holder?.application_name ?? null, schema: rows[0]?.schema ?? null },
    );
  };

  const onConnectionFailure = (error: Error): void => {
    if (released || !held) return;
    held = false;
    options.onConnectionLost?.(error);
    void client?.end().catch(() => {});
    client = undefined;
    scheduleRetake();
  };

  const adopt = (c: pg.Client): void => {
    client = c;
    held = true;
    c.removeAllListeners('error');
    c.on('error', onConnectionFailure);
    c.on('end', () => onConnectionFailure(new Error('the router lock connection ended')));
  };

  const scheduleRetake = (): void => {
    if (released) return;
    retry = setTimeout(() => {
      void retake();
    }, retryMs);
    retry.unref();
  };

  const retake = async (): Promise<void> => {
    if (released) return;
    let c: pg.Client | undefined;
    try {
      c = await connect();
      const refused = await tryLock(c);
      if (released) {
        await c.end();
        return;
      }
      if (refused) {
        await c.end();
        options.onLost?.(refused);
        return;
      }
      // Held again; if another router held it meanwhile (the epoch moved on), what this one
      // knows is stale: it has lost the lock as surely as if it were still held elsewhere.
      const raised = await raiseEpoch(c);
      if (raised !== epoch + 1) {
        await c.end();
        options.onLost?.(new RouterLockedError(`another router held the router lock while this one's connection was down (epoch ${epoch} → ${raised - 1})`, { holder: null, schema: null }));
        return;
      }
      epoch = raised;
      adopt(c);
      options.onRegained?.();
    } catch {
      await c?.end().catch(() => {});
      scheduleRetake();
    }
  };

  const first = await connect();
  try {
    const refused = await tryLock(first);
    if (refused) throw refused;
  } catch (error) {
    await first.end().catch(() => {});
    throw error;
  }
  try {
    epoch = await raiseEpoch(first);
  } catch (error) {
    await first.end().catch(() => {});
    throw error;
  }
  adopt(first);

  return {
    get held() {
      return held;
    },
    get epoch() {
      return epoch;
    },
    async settledEpoch() {
      await raising;
      return epoch;
    },
    async release() {
      released = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      held = false;
      if (!c) return;
      c.removeAllListeners('end');
      // Ending the session releases its advisory locks.
      await c.end().catch(() => {});
    },
  };
}
