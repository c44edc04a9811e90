import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '@switchboard/store';
import { freePort, http, testDatabaseUrl } from '../support/index.ts';
import { NATS_SERVER, OwnNatsServer } from '../support/own-nats-server.ts';
import { killChild } from '../support/switchboard-child.ts';
import { ChaosCluster, checkNothingLostOrDoubled, postBurst } from './cluster.ts';

// The chaos suite: Switchboard as a deployment — API and router processes, each a child process
// started by the test — under load while its parts fail. Every scenario ends with the same
// checks: every acknowledged lead assigned (or waiting with a reason) exactly once, no lead with
// two owners at once. `pnpm test:chaos` runs it alone; `pnpm test` runs it with everything else.

const runs = Boolean(process.env.NATS_URL) && existsSync(NATS_SERVER);
if (!runs) console.warn(`\n[switchboard] the chaos suite needs NATS_URL set and ${NATS_SERVER} (NATS_SERVER_BIN): SKIPPED.\n`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates `count` reps with these weights and caps, and a team of them. */
async function team(api: string, name: string, strategy: string, reps: ReadonlyArray<{ weight: number; cap: number | null }>): Promise<{ id: string; reps: Array<{ id: string; weight: number; cap: number | null }> }> {
  const members: Array<{ id: string; weight: number; cap: number | null }> = [];
  for (const [i, rep] of reps.entries()) {
    const created = await http(api, 'POST', '/v1/reps', { name: `${name} ${i}`, email: `${name.toLowerCase()}${i}@chaos.test`, weight: rep.weight, cap: rep.cap });
    if (created.status !== 201) throw new Error(`creating a rep: ${JSON.stringify(created.body)}`);
    members.push({ id: created.body.id as string, ...rep });
  }
  const created = await http(api, 'POST', '/v1/teams', { name, members: members.map((m) => m.id), strategy });
  if (created.status !== 201) throw new Error(`creating a team: ${JSON.stringify(created.body)}`);
  return { id: created.body.id as string, reps: members };
}

describe.runIf(runs)('chaos', () => {
  let cluster: ChaosCluster | undefined;
  let nats: OwnNatsServer | undefined;
  afterEach(async () => {
    await cluster?.destroy();
    cluster = undefined;
    await nats?.destroy();
    nats = undefined;
  });

  it('routers killed under load: one SIGKILLed at 30% of the burst and restarted at 60%; caps, weighted shares and one owner hold', { timeout: 600_000 }, async () => {
    cluster = await ChaosCluster.start({ apis: 2, routers: 3 });
    const c = cluster;
    const api = c.apiUrl();
    const weighted = [
      await team(api, 'North', 'weighted_round_robin', [1, 2, 3, 4].map((weight) => ({ weight, cap: null }))),
      await team(api, 'South', 'weighted_round_robin', [1, 1, 2, 2].map((weight) => ({ weight, cap: null }))),
    ];
    const capped = [
      await team(api, 'East', 'round_robin', [20, 30, 40, 50].map((cap) => ({ weight: 1, cap }))),
      await team(api, 'West', 'load_balanced', [25, 25, 35, 35].map((cap) => ({ weight: 1, cap }))),
    ];
    const teams = [...weighted, ...capped];
    const LEADS = 10_000;
    let failoverMs: number | undefined;
    let killed: Promise<void> | undefined;
    const burst = await postBurst(c, {
      count: LEADS,
      clients: 32,
      lead: (i) => ({ email: `lead${i}@chaos.test`, externalId: `chaos-${i}`, team: teams[i % teams.length]!.id }),
      at: (i) => {
        if (i === Math.floor(LEADS * 0.3)) {
          killed = c.busiestRouter().then(async (router) => {
            failoverMs = await c.failOver(router);
          });
        }
        if (i === Math.floor(LEADS * 0.6)) void c.startRouter();
      },
    });
    await killed;
    console.log(`[switchboard chaos] partitions taken over after a router's SIGKILL, under load: ${((failoverMs ?? NaN) / 1000).toFixed(1)} s; answers: ${JSON.stringify([...burst.statuses])}`);
    expect(failoverMs, c.outputs()).toBeLessThanOrEqual(10_000);
    expect(new Set(burst.acknowledged).size).toBe(LEADS);
    await checkNothingLostOrDoubled(c, burst.acknowledged, 180_000);

    const db = c.database.db;
    const { rows: counts } = await sql<{ rep: string; n: number }>`select rep_id as rep, count(*)::int as n from assignments group by rep_id`.execute(db);
    const assigned = new Map(counts.map((row) => [row.rep, row.n]));
    // No cap exceeded: a rep's assignments (none end here), and the loads its own log recorded.
    const { rows: peaks } = await sql<{ rep: string; peak: number }>`select rep_id as rep, max(active_leads)::int as peak from rep_events group by rep_id`.execute(db);
    const peak = new Map(peaks.map((row) => [row.rep, row.peak]));
    for (const rep of capped.flatMap((t) => t.reps)) {
      expect(assigned.get(rep.id) ?? 0, `rep with cap ${rep.cap}`).toBeLessThanOrEqual(rep.cap!);
      expect(peak.get(rep.id) ?? 0).toBeLessThanOrEqual(rep.cap!);
    }
    // The capped teams filled up: the rest of their leads wait, with the reason.
    const { rows: waiting } = await sql<{ n: number }>`select count(*)::int as n from leads where state = 'waiting' and waiting_reason is not null`.execute(db);
    expect(waiting[0]!.n).toBe(LEADS / 2 - capped.flatMap((t) => t.reps).reduce((sum, rep) => sum + rep.cap!, 0));
    // Weighted shares within 3 leads of each rep's share, per team, across the failover.
    for (const t of weighted) {
      const total = t.reps.reduce((sum, rep) => sum + rep.weight, 0);
      const leads = t.reps.reduce((sum, rep) => sum + (assigned.get(rep.id) ?? 0), 0);
      const off = t.reps.map((rep) => Math.abs((assigned.get(rep.id) ?? 0) - (leads * rep.weight) / total));
      expect(Math.max(...off), JSON.stringify(t.reps.map((rep) => [rep.weight, assigned.get(rep.id)]))).toBeLessThanOrEqual(3);
    }
  });

  it('NATS restarted mid-burst: the API keeps accepting (each lead is committed first), and everything recovers by itself', { timeout: 300_000 }, async () => {
    nats = new OwnNatsServer(await freePort());
    await nats.start();
    cluster = await ChaosCluster.start({ apis: 2, routers: 2, natsUrl: nats.url });
    const c = cluster;
    const own = nats;
    await team(c.apiUrl(), 'Inbound', 'round_robin', [1, 1, 1, 1].map((weight) => ({ weight, cap: null })));
    const LEADS = 3_000;
    let outage: Promise<void> | undefined;
    const burst = await postBurst(c, {
      count: LEADS,
      clients: 16,
      lead: (i) => ({ email: `lead${i}@nats.test`, externalId: `nats-${i}` }),
      at: (i) => {
        if (i === Math.floor(LEADS * 0.3)) {
          outage = (async () => {
            await own.stop();
            await sleep(5_000);
            await own.start();
          })();
        }
      },
    });
    await outage;
    console.log(`[switchboard chaos] NATS restart mid-burst: answers ${JSON.stringify([...burst.statuses])}`);
    expect(new Set(burst.acknowledged).size).toBe(LEADS);
    await checkNothingLostOrDoubled(c, burst.acknowledged, 180_000);
  });

  it('PostgreSQL connections cut mid-burst: intake answers 503 with Retry-After meanwhile and recovers by itself', { timeout: 300_000 }, async () => {
    cluster = await ChaosCluster.start({ apis: 2, routers: 2 });
    const c = cluster;
    await team(c.apiUrl(), 'Inbound', 'round_robin', [1, 1, 1, 1].map((weight) => ({ weight, cap: null })));
    const admin = createDatabase({ url: testDatabaseUrl(), poolSize: 1 });
    const LEADS = 3_000;
    let cut: Promise<void> | undefined;
    let terminated = 0;
    try {
      const burst = await postBurst(c, {
        count: LEADS,
        clients: 16,
        lead: (i) => ({ email: `lead${i}@pg.test`, externalId: `pg-${i}` }),
        at: (i) => {
          if (i === Math.floor(LEADS * 0.3)) {
            // Every connection of the cluster's processes, the routers' locks included, three times over two seconds.
            cut = (async () => {
              for (let round = 0; round < 3; round++) {
                const { rows } = await sql<{ ok: boolean }>`
                  select pg_terminate_backend(pid) as ok from pg_stat_activity
                  where application_name = ${c.applicationName} or application_name like ${`switchboard-router ${c.namespace} %`}`.execute(admin);
                terminated += rows.filter((row) => row.ok).length;
                await sleep(700);
              }
            })();
          }
        },
      });
      await cut;
      console.log(`[switchboard chaos] PostgreSQL connections cut mid-burst (${terminated} terminated): answers ${JSON.stringify([...burst.statuses])}`);
      expect(terminated).toBeGreaterThan(0);
      // Nothing but acknowledgements and clean refusals.
      for (const status of burst.statuses.keys()) expect([200, 201, 202, 503]).toContain(status);
      expect(new Set(burst.acknowledged).size).toBe(LEADS);
      await checkNothingLostOrDoubled(c, burst.acknowledged, 180_000);
      expect((await http(c.apiUrl(), 'GET', '/healthz')).status).toBe(200);
    } finally {
      await admin.destroy();
    }
  });

  it('rolling restart of every router in turn, under load: no lead waits more than 15 s for its decision', { timeout: 300_000 }, async () => {
    cluster = await ChaosCluster.start({ apis: 1, routers: 3 });
    const c = cluster;
    await team(c.apiUrl(), 'Inbound', 'round_robin', [1, 1, 1, 1].map((weight) => ({ weight, cap: null })));
    let posting = true;
    // About 150 leads a second from 4 clients, paced, while the routers restart one by one.
    const load = (async () => {
      let i = 0;
      const acknowledged: string[] = [];
      const start = performance.now();
      const clients = Array.from({ length: 4 }, async () => {
        while (posting) {
          const n = i++;
          const due = start + (n * 1000) / 150;
          if (due > performance.now()) await sleep(due - performance.now());
          const burst = await postBurst(c, { count: 1, clients: 1, lead: () => ({ email: `lead${n}@rolling.test`, externalId: `rolling-${n}` }) });
          acknowledged.push(...burst.acknowledged);
        }
      });
      await Promise.all(clients);
      return acknowledged;
    })();
    await sleep(2_000);
    for (const router of [...c.routers]) {
      const replacement = c.startRouter();
      // SIGTERM: the router lets its partitions go at once; the others and its replacement take them.
      await killChild(router, 'SIGTERM');
      await replacement;
      await c.settled();
      await sleep(1_000);
    }
    posting = false;
    const acknowledged = await load;
    await checkNothingLostOrDoubled(c, acknowledged, 120_000);
    const { rows } = await sql<{ worst: number; leads: number }>`
      select max(extract(epoch from (a.assigned_at - l.created_at)))::float8 as worst, count(*)::int as leads
      from leads l join assignments a on a.lead_id = l.id`.execute(c.database.db);
    console.log(`[switchboard chaos] rolling restart of 3 routers: ${rows[0]!.leads} leads, longest wait for a decision ${rows[0]!.worst.toFixed(1)} s`);
    expect(rows[0]!.leads).toBe(acknowledged.length);
    expect(rows[0]!.worst).toBeLessThanOrEqual(15);
  });
});
