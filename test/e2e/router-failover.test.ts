import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, createTestDatabase, deleteNamespaceStreams, eventually, http, mapConcurrent, openStream, type TestDatabase, bearer } from '../support/index.ts';
import { killChild, type SwitchboardChild, startSwitchboardChild } from '../support/switchboard-child.ts';

// Process roles, partitions and failover: one API process and router processes, each a child
// process on the test's PostgreSQL schema and NATS. Two teams with reps of their own are two
// partitions (with the loose one, three), spread over the routers: both route. The router of
// one team's partition is SIGKILLed mid-stream and the other takes its partitions over. Every
// acknowledged lead ends assigned exactly once, to a rep of its team.

const runs = Boolean(process.env.NATS_URL);
if (!runs) console.warn('\n[switchboard] the router failover test needs NATS_URL (API and router processes reach each other through NATS): SKIPPED.\n');

const LEADS = 900;
const CLIENTS = 16;

interface RouterStanding {
  /** /activez: it routes at least one partition. */
  readonly active: boolean;
  /** /readyz: it holds every partition that falls to it. */
  readonly ready: boolean;
  readonly partitions: string[];
  readonly of: number;
}

async function standing(router: SwitchboardChild): Promise<RouterStanding> {
  const [active, ready] = await Promise.all([fetch(`${router.url}/activez`), fetch(`${router.url}/readyz`)]);
  const body = (await ready.json()) as { partitions?: string[]; of?: number };
  await active.body?.cancel();
  return { active: active.status === 200, ready: ready.status === 200, partitions: body.partitions ?? [], of: body.of ?? 0 };
}

describe.runIf(runs)('several processes: an API process and routers that share the partitions and take them over', () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  let database: TestDatabase | undefined;
  const children: SwitchboardChild[] = [];
  const routers: SwitchboardChild[] = [];
  const env = (role: string) => ({ DATABASE_URL: database!.url, NATS_URL: process.env.NATS_URL, SWITCHBOARD_NAMESPACE: namespace, SWITCHBOARD_ROLE: role, LOG_LEVEL: 'warn' });
  const startRouter = async () => {
    const router = await startSwitchboardChild(env('router'));
    children.push(router);
    routers.push(router);
    return router;
  };
  const failure = (what: string) => `${what}\n${children.map((c, i) => `--- process ${i} ---\n${c.output().slice(-3_000)}`).join('\n')}`;
  /** Waits until the routers hold every partition between them, each exactly once and each router its share. */
  const spreadOver = (live: SwitchboardChild[], within: number, what: string) =>
    eventually(async () => {
      const all = await Promise.all(live.map(standing));
      const held = all.flatMap((s) => s.partitions);
      if (!all.every((s) => s.ready) || held.length !== all[0]!.of || new Set(held).size !== held.length) return false;
      return all;
    }, within, what);
  /** Every lead whose external id is like `pattern` ends assigned (`count` of them), and no lead was assigned twice. */
  const expectAssignedOnce = async (db: TestDatabase['db'], pattern: string, count: number) => {
    await eventually(
      async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from leads where external_id like ${pattern} and state = 'assigned'`.execute(db);
        return rows[0]!.n === count;
      },
      60_000,
      `all ${count} leads to be assigned`,
    ).catch((error: unknown) => {
      throw new Error(failure(String(error)));
    });
    const { rows: twice } = await sql<{ id: string }>`select lead_id as id from assignments group by lead_id having count(*) > 1`.execute(db);
    expect(twice).toEqual([]);
  };
  /**
   * Each rep's stored load settles to the leads it holds. Not at every instant: a rep counts an
   * offer it accepted at once (that is what keeps its cap), and stores that count with the next
   * step that commits, so a step still in flight when every lead is assigned may be counted for
   * a moment.
   */
  const expectLoadsSettled = async (db: TestDatabase['db']) => {
    let off: unknown[] = [];
    await eventually(
      async () => {
        const { rows } = await sql<{ id: string; active: number; held: number }>`
          select r.id, r.active_leads as active, (select count(*)::int from assignments a where a.rep_id = r.id and a.ended_at is null) as held from reps r`.execute(db);
        off = rows.filter((load) => load.active !== load.held);
        return off.length === 0;
      },
      10_000,
      'every rep’s stored load to be the leads it holds',
    ).catch(() => {
      throw new Error(failure(`stored loads that are not what the reps hold: ${JSON.stringify(off)}`));
    });
  };
  afterAll(async () => {
    await Promise.all(children.map((child) => killChild(child)));
    await database?.drop();
    await deleteNamespaceStreams(namespace);
  });

  it('spreads the partitions over the routers; a SIGKILLed router’s partitions are taken over within 10 s, and nothing is lost or assigned twice', { timeout: 240_000 }, async () => {
    database = await createTestDatabase();
    const api = await startSwitchboardChild(env('api'));
    children.push(api);
    await startRouter();
    await startRouter();
    const east = await createTeamOfReps(api.url, { count: 3, team: 'East', prefix: 'east' });
    const west = await createTeamOfReps(api.url, { count: 3, team: 'West', prefix: 'west' });

    // Three partitions (East, West, and the loose one for queues): both routers route some.
    const spread = await spreadOver(routers, 30_000, 'the partitions to be spread over both routers').catch((error: unknown) => {
      throw new Error(failure(String(error)));
    });
    expect(spread.map((s) => s.of)).toEqual([3, 3]);
    expect(spread.every((s) => s.active && s.partitions.length >= 1)).toBe(true);
    // Every process serves /metrics; a router's says how many partitions it routes.
    for (const [i, router] of routers.entries()) {
      expect(await (await fetch(`${router.url}/metrics`, { headers: bearer() })).text()).toMatch(new RegExp(`switchboard_router_partitions\\{[^}]*of="3"[^}]*\\} ${spread[i]!.partitions.length}`));
    }
    expect((await fetch(`${api.url}/metrics`, { headers: bearer() })).status).toBe(200);
    // A router's /metrics takes a key too; its probes do not.
    expect((await fetch(`${routers[0]!.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${routers[0]!.url}/readyz`)).status).not.toBe(401);
    // The API process serves no router, and the router process no API.
    expect((await http(routers[0]!.url, 'GET', '/v1/reps')).status).toBe(404);

    // The API process asks whichever router hosts an actor, over NATS, for its live state.
    for (const repId of [east.repIds[0]!, west.repIds[0]!]) {
      const inspected = await http(api.url, 'GET', `/v1/inspect/reps/${repId}`);
      expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
      expect(inspected.body).toMatchObject({ kind: 'rep', id: repId, live: true, value: 'available' });
    }
    const eastKey = `t-${east.teamId}`;
    const victim = spread[0]!.partitions.includes(eastKey) ? routers[0]! : routers[1]!;
    const survivor = routers.find((router) => router !== victim)!;
    let killedAt: number | undefined;
    let tookOverAt: number | undefined;
    const acknowledged = new Map<string, string>();
    await mapConcurrent(
      Array.from({ length: LEADS }, (_, i) => i),
      CLIENTS,
      async (i) => {
        if (i === Math.floor(LEADS * 0.3) && killedAt === undefined) {
          killedAt = performance.now();
          await killChild(victim);
          void spreadOver([survivor], 30_000, 'the survivor to take every partition').then(() => (tookOverAt = performance.now()));
        }
        const team = i % 2 === 0 ? 'East' : 'West';
        const response = await http(api.url, 'POST', '/v1/leads', { email: `lead${i}@failover.test`, externalId: `failover-${i}`, team });
        if (response.status === 201 || response.status === 202) acknowledged.set(response.body.id as string, team === 'East' ? east.teamId : west.teamId);
      },
    );
    await eventually(async () => tookOverAt !== undefined, 30_000, 'the survivor to take over').catch((error: unknown) => {
      throw new Error(failure(String(error)));
    });
    const failoverMs = tookOverAt! - killedAt!;
    console.log(`[switchboard] partitions taken over after SIGKILL: ${(failoverMs / 1000).toFixed(1)} s`);
    expect(failoverMs, failure('failover took too long')).toBeLessThanOrEqual(10_000);
    expect(acknowledged.size, failure('the API refused leads while a router was down')).toBe(LEADS);

    // Every acknowledged lead is assigned, exactly once, to a rep of its team, and no rep's load is off.
    const db = database.db;
    await expectAssignedOnce(db, 'failover-%', LEADS);
    const { rows: assignments } = await sql<{ lead_id: string; team_id: string; rep_id: string }>`select lead_id, team_id, rep_id from assignments where ended_at is null`.execute(db);
    expect(assignments.length).toBe(LEADS);
    const membersOf = new Map([[east.teamId, new Set(east.repIds)], [west.teamId, new Set(west.repIds)]]);
    for (const a of assignments) {
      expect(a.team_id).toBe(acknowledged.get(a.lead_id));
      expect(membersOf.get(a.team_id)?.has(a.rep_id)).toBe(true);
    }
    await expectLoadsSettled(db);
  });

  it('a router that joins takes its share; on SIGTERM a router lets its partitions go at once', { timeout: 120_000 }, async () => {
    const survivor = routers.find((router) => router.process.exitCode === null && router.process.signalCode === null)!;
    const joiner = await startRouter();
    const spread = await spreadOver([survivor, joiner], 15_000, 'the joining router to take its share');
    expect(spread[1]!.partitions.length).toBeGreaterThanOrEqual(1);
    const stoppedAt = performance.now();
    await killChild(survivor, 'SIGTERM');
    await spreadOver([joiner], 15_000, 'the other router to take every partition');
    const handOffMs = performance.now() - stoppedAt;
    console.log(`[switchboard] partitions handed off after SIGTERM: ${(handOffMs / 1000).toFixed(1)} s`);
    expect(handOffMs, failure('the hand-off took too long')).toBeLessThan(5_000);
    // And it routes them: a lead to each team is assigned. The API process streams their
    // lifecycle events (published by the router of the loose partition) and a rep's XState
    // inspection events (from the router of its partition), whichever router that is.
    const api = children[0]!;
    const eastReps = (await http(api.url, 'GET', '/v1/teams/East')).body.members as string[];
    const leadOf = (e: { data: unknown }) => (e.data as { leadId?: string }).leadId;
    // One stream per team: each ends with its first event, whenever it comes.
    const assigned = await Promise.all(['East', 'West'].map((team) => openStream(api.url, `/v1/events?type=lead.assigned&team=${team}`, (events) => events.length >= 1)));
    // Every East rep's actor, watched: round robin decides which one gets the lead.
    const watched = await Promise.all(eastReps.map((rep) => openStream(api.url, `/v1/inspect/reps/${rep}/xstate`, (events) => events.some((e) => (e.data as { type?: string }).type === '@xstate.snapshot'))));
    const leadIds: string[] = [];
    for (const team of ['East', 'West']) {
      const { body } = await http(api.url, 'POST', '/v1/leads', { email: `after-${team}@failover.test`, team });
      leadIds.push(body.id as string);
      await eventually(async () => (await http(api.url, 'GET', `/v1/leads/${body.id}`)).body.state === 'assigned', 15_000, `the ${team} lead to be assigned`);
    }
    const [east, west] = await Promise.all([assigned[0]!.done, assigned[1]!.done]);
    expect([east.map(leadOf), west.map(leadOf)]).toEqual([[leadIds[0]], [leadIds[1]]]);
    const owner = (await http(api.url, 'GET', `/v1/leads/${leadIds[0]}`)).body.ownerId as string;
    const inspection = await watched[eastReps.indexOf(owner)]!.done;
    for (const watch of watched) watch.close();
    expect(inspection.find((e) => (e.data as { type?: string }).type === '@xstate.event')?.data).toMatchObject({ kind: 'rep', id: owner, event: { type: 'OFFER', leadId: leadIds[0] } });
  });

  it('a team change mid-burst moves a rep to another partition: the routers take the new map, and no lead is lost or assigned twice', { timeout: 180_000 }, async () => {
    const api = children[0]!;
    const alive = routers.filter((router) => router.process.exitCode === null && router.process.signalCode === null);
    const running = [...alive, await startRouter()];
    await spreadOver(running, 30_000, 'the two routers to share the partitions');
    const reps = (await http(api.url, 'GET', '/v1/reps')).body.items as Array<{ id: string; email: string }>;
    const emailOf = new Map(reps.map((rep) => [rep.id, rep.email]));
    const east = await http(api.url, 'GET', '/v1/teams/East');
    const west = await http(api.url, 'GET', '/v1/teams/West');
    const eastMembers = (east.body.members as string[]).map((id) => emailOf.get(id)!);
    const westMembers = (west.body.members as string[]).map((id) => emailOf.get(id)!);
    const moved = eastMembers.at(-1)!;
    const topology = async () => Number((await sql<{ version: string }>`select version from routing_topology`.execute(database!.db)).rows[0]!.version);
    const before = await topology();
    const acknowledged: string[] = [];
    let change: Promise<void> | undefined;
    await mapConcurrent(Array.from({ length: 400 }, (_, i) => i), 8, async (i) => {
      if (i === 150) {
        change = (async () => {
          const applied = await http(api.url, 'PUT', '/v1/config', {
            teams: [
              { name: 'East', members: eastMembers.slice(0, -1) },
              { name: 'West', members: [...westMembers, moved] },
            ],
            rules: [{ name: 'Everyone', route: { team: 'West' } }],
          });
          expect(applied.status, JSON.stringify(applied.body)).toBe(200);
        })();
      }
      const response = await http(api.url, 'POST', '/v1/leads', { email: `moved${i}@failover.test`, externalId: `moved-${i}`, team: i % 2 === 0 ? 'East' : 'West' });
      if (response.status === 201 || response.status === 202) acknowledged.push(response.body.id as string);
    });
    await change;
    expect(acknowledged.length).toBe(400);
    expect(await topology()).toBeGreaterThan(before);
    // The routers moved to the new map: every partition of it routed once, the moved rep in West's.
    const spread = await spreadOver(running, 30_000, 'the routers to take the partitions of the new map');
    expect(spread.flatMap((s) => s.partitions).length).toBe(spread[0]!.of);
    const db = database!.db;
    await expectAssignedOnce(db, 'moved-%', 400);
    await expectLoadsSettled(db);
  });
});
