import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, createTestDatabase, deleteNamespaceStreams, eventually, http, mapConcurrent, type TestDatabase } from '../support/index.ts';
import { killChild, type SwitchboardChild, startSwitchboardChild } from '../support/switchboard-child.ts';

// Process roles and router failover: one API process and two router processes, each a child
// process on the test's PostgreSQL schema and NATS. One router routes, the other stands by;
// the active one is SIGKILLed mid-stream and the standby takes over. Every acknowledged lead
// ends assigned exactly once.

const runs = Boolean(process.env.NATS_URL);
if (!runs) console.warn('\n[switchboard] the router failover test needs NATS_URL (API and router processes reach each other through NATS): SKIPPED.\n');

const LEADS = 900;
const CLIENTS = 16;

/** A router process's /activez (200 while it holds the router lock) and /readyz (200 routing or standing by). */
async function readiness(router: SwitchboardChild): Promise<{ ready: boolean; up: boolean; router?: string; epoch?: number | null }> {
  const [active, ready] = await Promise.all([fetch(`${router.url}/activez`), fetch(`${router.url}/readyz`)]);
  const body = (await active.json()) as { router?: string; epoch?: number | null };
  return { ready: active.status === 200, up: ready.status === 200, ...body };
}

describe.runIf(runs)('several processes: an API process and routers that stand by and take over', () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  let database: TestDatabase | undefined;
  const children: SwitchboardChild[] = [];
  afterAll(async () => {
    await Promise.all(children.map((child) => killChild(child)));
    await database?.drop();
    await deleteNamespaceStreams(namespace);
  });

  it('routes through whichever router holds the lock; a SIGKILLed router’s standby takes over within 10 s, and nothing is lost or assigned twice', { timeout: 240_000 }, async () => {
    database = await createTestDatabase();
    const env = (role: string) => ({ DATABASE_URL: database!.url, NATS_URL: process.env.NATS_URL, SWITCHBOARD_NAMESPACE: namespace, SWITCHBOARD_ROLE: role, LOG_LEVEL: 'warn' });
    const api = await startSwitchboardChild(env('api'));
    children.push(api);
    const startRouter = async () => {
      const router = await startSwitchboardChild(env('router'));
      children.push(router);
      return router;
    };
    const [a, b] = [await startRouter(), await startRouter()];
    const failure = (what: string) => `${what}\n${children.map((c, i) => `--- process ${i} ---\n${c.output().slice(-3_000)}`).join('\n')}`;

    // One of them routes; the other stands by.
    const active = await eventually(async () => {
      const [ra, rb] = await Promise.all([readiness(a!), readiness(b!)]);
      if (ra.ready === rb.ready) return false;
      return ra.ready ? { active: a!, standby: b!, epoch: ra.epoch } : { active: b!, standby: a!, epoch: rb.epoch };
    }, 30_000, 'one active router and one standby');
    // A standby is up (a rollout or disruption budget counts it) but not active.
    expect(await readiness(active.standby)).toMatchObject({ ready: false, up: true, router: 'standby', epoch: null });
    expect(await readiness(active.active)).toMatchObject({ ready: true, up: true, router: 'active' });
    // Every process serves /metrics; a router's says whether it routes.
    expect(await (await fetch(`${active.active.url}/metrics`)).text()).toMatch(/switchboard_router_active\{[^}]*\} 1/);
    expect(await (await fetch(`${active.standby.url}/metrics`)).text()).toMatch(/switchboard_router_active\{[^}]*\} 0/);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(200);
    // The API process serves no router, and the router process no API.
    expect((await http(active.active.url, 'GET', '/v1/reps')).status).toBe(404);

    const { repIds } = await createTeamOfReps(api.url, { count: 4 });
    // The API process asks whichever router routes, over NATS, for an actor's live state.
    const inspected = await http(api.url, 'GET', `/v1/inspect/reps/${repIds[0]}`);
    expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
    expect(inspected.body).toMatchObject({ kind: 'rep', id: repIds[0], live: true, value: 'available' });
    let killedAt: number | undefined;
    let tookOverAt: number | undefined;
    const acknowledged: string[] = [];
    await mapConcurrent(
      Array.from({ length: LEADS }, (_, i) => i),
      CLIENTS,
      async (i) => {
        if (i === Math.floor(LEADS * 0.3) && killedAt === undefined) {
          killedAt = performance.now();
          await killChild(active.active);
          void eventually(async () => (await readiness(active.standby)).ready, 30_000, 'the standby to take over').then(() => (tookOverAt = performance.now()));
        }
        const response = await http(api.url, 'POST', '/v1/leads', { email: `lead${i}@failover.test`, externalId: `failover-${i}` });
        if (response.status === 201 || response.status === 202) acknowledged.push(response.body.id as string);
      },
    );
    await eventually(async () => tookOverAt !== undefined, 30_000, 'the standby to take over');
    const failoverMs = tookOverAt! - killedAt!;
    console.log(`[switchboard] router failover after SIGKILL: ${(failoverMs / 1000).toFixed(1)} s`);
    expect(failoverMs, failure('failover took too long')).toBeLessThanOrEqual(10_000);
    const taken = await readiness(active.standby);
    expect(taken.epoch).toBeGreaterThan(active.epoch ?? 0);
    expect(acknowledged.length, failure('the API refused leads while a router was down')).toBe(LEADS);

    // Every acknowledged lead is assigned, exactly once, and no rep holds more than its share of leads.
    const db = database.db;
    await eventually(
      async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from leads where state = 'assigned'`.execute(db);
        return rows[0]!.n === LEADS;
      },
      60_000,
      'every lead to be assigned',
    ).catch((error: unknown) => {
      throw new Error(failure(String(error)));
    });
    const { rows: twice } = await sql<{ id: string }>`select lead_id as id from assignments group by lead_id having count(*) > 1`.execute(db);
    expect(twice).toEqual([]);
    const { rows: open } = await sql<{ n: number }>`select count(*)::int as n from assignments where ended_at is null`.execute(db);
    expect(open[0]!.n).toBe(LEADS);
    // Each rep's stored load is what its open assignments say.
    const { rows: loads } = await sql<{ active: number; held: number }>`
      select r.active_leads as active, (select count(*)::int from assignments a where a.rep_id = r.id and a.ended_at is null) as held from reps r`.execute(db);
    for (const load of loads) expect(load.active).toBe(load.held);
  });

  it('hands off at once on SIGTERM: the standby routes within a couple of seconds', { timeout: 120_000 }, async () => {
    const routers = children.filter((child) => child.process.exitCode === null && child.process.signalCode === null).slice(1);
    const standby = await startSwitchboardChild({ DATABASE_URL: database!.url, NATS_URL: process.env.NATS_URL, SWITCHBOARD_NAMESPACE: namespace, SWITCHBOARD_ROLE: 'router', LOG_LEVEL: 'warn' });
    children.push(standby);
    const active = routers.find((router) => router !== standby);
    expect(active).toBeDefined();
    await eventually(async () => (await readiness(active!)).ready, 15_000, 'the surviving router to be active');
    expect((await readiness(standby)).ready).toBe(false);
    const stoppedAt = performance.now();
    await killChild(active, 'SIGTERM');
    await eventually(async () => (await readiness(standby)).ready, 15_000, 'the standby to take over');
    const handOffMs = performance.now() - stoppedAt;
    console.log(`[switchboard] router hand-off after SIGTERM: ${(handOffMs / 1000).toFixed(1)} s`);
    expect(handOffMs).toBeLessThan(5_000);
  });
});
