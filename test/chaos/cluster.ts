import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createTestDatabase, deleteNamespaceStreams, eventually, type TestDatabase, bearer } from '../support/index.ts';
import { killChild, type SwitchboardChild, startSwitchboardChild } from '../support/switchboard-child.ts';

/** What the chaos suite starts: API and router processes on one PostgreSQL schema and one NATS. */
export interface ClusterOptions {
  readonly apis: number;
  readonly routers: number;
  /** The NATS to use. @default NATS_URL */
  readonly natsUrl?: string;
}

/**
 * Switchboard as a deployment: API processes and router processes, each a child process started
 * by the test (`SWITCHBOARD_ROLE=api|router`), on a fresh schema of the test PostgreSQL (each
 * process's connections named `sb-chaos-<namespace>`, so the test can cut exactly those) and a
 * NATS namespace of their own.
 */
export class ChaosCluster {
  readonly namespace = `c${randomBytes(5).toString('hex')}`;
  readonly apis: SwitchboardChild[] = [];
  readonly routers: SwitchboardChild[] = [];
  readonly #all: SwitchboardChild[] = [];
  #next = 0;

  readonly database: TestDatabase;
  readonly natsUrl: string;

  private constructor(database: TestDatabase, natsUrl: string) {
    this.database = database;
    this.natsUrl = natsUrl;
  }

  static async start(options: ClusterOptions): Promise<ChaosCluster> {
    const cluster = new ChaosCluster(await createTestDatabase(), options.natsUrl ?? (process.env.NATS_URL as string));
    await Promise.all([
      ...Array.from({ length: options.apis }, () => cluster.#start('api').then((child) => cluster.apis.push(child))),
      ...Array.from({ length: options.routers }, () => cluster.startRouter()),
    ]);
    await cluster.settled(60_000);
    return cluster;
  }

  /** The application_name of every connection of the cluster's processes to PostgreSQL. */
  get applicationName(): string {
    return `sb-chaos-${this.namespace}`;
  }

  async #start(role: 'api' | 'router'): Promise<SwitchboardChild> {
    const url = new URL(this.database.url);
    url.searchParams.set('application_name', this.applicationName);
    const child = await startSwitchboardChild({
      DATABASE_URL: url.toString(),
      NATS_URL: this.natsUrl,
      SWITCHBOARD_NAMESPACE: this.namespace,
      SWITCHBOARD_ROLE: role,
      LOG_LEVEL: 'warn',
    });
    this.#all.push(child);
    return child;
  }

  async startRouter(): Promise<SwitchboardChild> {
    const router = await this.#start('router');
    this.routers.push(router);
    return router;
  }

  /** The next API process's URL, in turn: a load balancer in front of them. */
  apiUrl(): string {
    const api = this.apis[this.#next++ % this.apis.length] as SwitchboardChild;
    return api.url;
  }

  /**
   * The live routers once they hold every partition between them, each exactly once, and each
   * holds all that falls to it (its /readyz answers 200): with the partitions each routes.
   */
  async settled(timeoutMs = 30_000): Promise<Array<{ router: SwitchboardChild; partitions: string[] }>> {
    return eventually(
      async () => {
        const live = this.routers.filter(isUp);
        const standings = await Promise.all(
          live.map(async (router) => {
            const response = await fetch(`${router.url}/readyz`).catch(() => undefined);
            const body = (await response?.json().catch(() => undefined)) as { partitions?: string[]; of?: number } | undefined;
            return { router, ready: response?.status === 200, partitions: body?.partitions ?? [], of: body?.of ?? 0 };
          }),
        );
        const held = standings.flatMap((s) => s.partitions);
        const of = standings[0]?.of ?? 0;
        const whole = of > 0 && standings.every((s) => s.ready && s.of === of) && held.length === of && new Set(held).size === of;
        return whole ? standings.map(({ router, partitions }) => ({ router, partitions })) : undefined;
      },
      timeoutMs,
      'every partition routed by exactly one live router',
    );
  }

  /** The live router that routes the most partitions. */
  async busiestRouter(): Promise<SwitchboardChild> {
    const standings = await this.settled();
    return standings.reduce((a, b) => (b.partitions.length > a.partitions.length ? b : a)).router;
  }

  /** Kills a router and measures how long until the others route every partition again (ms). */
  async failOver(router: SwitchboardChild, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const from = performance.now();
    await killChild(router, signal);
    const standings = await this.settled();
    if (standings.some((s) => s.router === router)) throw new Error('the killed router still routes');
    return performance.now() - from;
  }

  /** The last output of every process, for a failure message. */
  outputs(): string {
    return this.#all.map((child, i) => `--- process ${i} (${this.apis.includes(child) ? 'api' : 'router'}) ---\n${child.output().slice(-2_500)}`).join('\n');
  }

  async destroy(): Promise<void> {
    await Promise.all(this.#all.map((child) => killChild(child)));
    await this.database.drop();
    await deleteNamespaceStreams(this.namespace).catch(() => {});
  }
}

const isUp = (child: SwitchboardChild) => child.process.exitCode === null && child.process.signalCode === null;

/** What a burst of leads left: the ids acknowledged (2xx) and every answer's status. */
export interface Burst {
  readonly acknowledged: string[];
  readonly statuses: Map<number, number>;
}

/**
 * Posts `count` leads from `clients` concurrent clients, each through the next API process.
 * `at(i)` runs before lead `i` is sent (the chaos: kill this, restart that). A 503 (with
 * Retry-After) is sent again after the time it asks, as a client should; other failures count.
 */
export async function postBurst(cluster: ChaosCluster, options: { count: number; clients: number; lead: (i: number) => Record<string, unknown>; at?: (i: number) => Promise<void> | void }): Promise<Burst> {
  const acknowledged: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const client = async () => {
    while (next < options.count) {
      const i = next++;
      await options.at?.(i);
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(`${cluster.apiUrl()}/v1/leads`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify(options.lead(i)) }).catch(() => undefined);
        const status = response?.status ?? 0;
        const body = (await response?.json().catch(() => undefined)) as { id?: string } | undefined;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 200 && status < 300 && body?.id) {
          acknowledged.push(body.id);
          break;
        }
        if (attempt >= 30) break;
        // A 503 says when to come back; anything else (a connection refused mid-restart) is tried again in a second.
        const retryAfter = Number(response?.headers.get('retry-after') ?? 1);
        await new Promise((resolve) => setTimeout(resolve, Math.min(Number.isFinite(retryAfter) ? retryAfter : 1, 2) * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return { acknowledged, statuses };
}

/** Every acknowledged lead is assigned once or waits with a reason; nothing was assigned twice or had two owners at once. */
export async function checkNothingLostOrDoubled(cluster: ChaosCluster, acknowledged: ReadonlyArray<string>, timeoutMs = 90_000): Promise<void> {
  const db = cluster.database.db;
  const ids = [...new Set(acknowledged)];
  await eventually(
    async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from leads where id = any(${ids}::uuid[]) and (state = 'assigned' or (state = 'waiting' and waiting_reason is not null))`.execute(db);
      return rows[0]!.n === ids.length;
    },
    timeoutMs,
    `all ${ids.length} acknowledged leads assigned or waiting with a reason`,
  ).catch(async (error: unknown) => {
    const { rows } = await sql<{ state: string; n: number }>`select state, count(*)::int as n from leads where id = any(${ids}::uuid[]) group by state`.execute(db);
    throw new Error(`${String(error)}; leads by state: ${JSON.stringify(rows)}\n${cluster.outputs()}`);
  });
  const { rows: stored } = await sql<{ n: number }>`select count(*)::int as n from leads`.execute(db);
  if (stored[0]!.n !== ids.length) throw new Error(`${stored[0]!.n} leads stored for ${ids.length} acknowledged`);
  const { rows: twice } = await sql<{ id: string; n: number }>`select lead_id as id, count(*)::int as n from assignments group by lead_id having count(*) > 1`.execute(db);
  if (twice.length > 0) throw new Error(`leads assigned more than once: ${JSON.stringify(twice.slice(0, 10))}`);
  // Two owners at once: two assignments of one lead whose spans overlap.
  const { rows: overlapping } = await sql<{ id: string }>`
    select a.lead_id as id from assignments a join assignments b on a.lead_id = b.lead_id and a.id < b.id
    where tstzrange(a.assigned_at, coalesce(a.ended_at, 'infinity')) && tstzrange(b.assigned_at, coalesce(b.ended_at, 'infinity'))`.execute(db);
  if (overlapping.length > 0) throw new Error(`leads with two owners at once: ${JSON.stringify(overlapping.slice(0, 10))}`);
}
