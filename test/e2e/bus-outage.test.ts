import { existsSync } from 'node:fs';
import { type BusMessage, connectNatsBus, createSubjects } from '@switchboard/bus';
import { configFromEnv, type RunningSwitchboard, startSwitchboard } from '@switchboard/server';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, createTestDatabase, eventually, freePort, http, type TestDatabase, TEST_ADMIN_KEY } from '../support/index.ts';
import { NATS_SERVER, OwnNatsServer } from '../support/own-nats-server.ts';

// NATS went away for 10 s while leads kept coming: 2,494 of the 2,508 leads accepted meanwhile
// never got a lead.received event, and they were routed only about 30 s after NATS came back
// (issue 11, item 7). The event log is now the outbox (a relay publishes it once the bus takes
// it again), and the router routes the leads stored meanwhile as soon as the bus reconnects.

const runs = Boolean(process.env.NATS_URL) && existsSync(NATS_SERVER);
if (!runs) {
  console.warn(`\n[switchboard] the NATS outage test needs NATS_URL set and ${NATS_SERVER} (NATS_SERVER_BIN): SKIPPED.\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(runs)('NATS down for a while, mid-stream', () => {
  let nats: OwnNatsServer | undefined;
  let database: TestDatabase | undefined;
  let running: RunningSwitchboard | undefined;
  afterAll(async () => {
    await running?.stop();
    await nats?.destroy();
    await database?.drop();
  });

  it('publishes every event exactly once, in order per lead, and routes the leads accepted meanwhile as soon as NATS is back', { timeout: 180_000 }, async () => {
    nats = new OwnNatsServer(await freePort());
    await nats.start();
    database = await createTestDatabase();
    const namespace = `t${Math.random().toString(36).slice(2, 10)}`;
    running = await startSwitchboard(
      configFromEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, NATS_URL: nats.url, SWITCHBOARD_NAMESPACE: namespace, SWITCHBOARD_ADMIN_KEY: TEST_ADMIN_KEY }),
      { logger: pino({ level: 'silent' }) },
    );
    const url = running.url;
    await createTeamOfReps(url, { count: 4 });

    // About 50 leads a second, before, during and after the outage.
    const accepted: Array<{ id: string; at: number }> = [];
    let posting = true;
    let failures = 0;
    const poster = (async () => {
      for (let i = 0; posting; i++) {
        const sent = Date.now();
        const r = await http(url, 'POST', '/v1/leads', { email: `outage${i}@lead.io` }).catch(() => undefined);
        if (r?.status === 202) accepted.push({ id: r.body.id as string, at: sent });
        else failures += 1;
        await sleep(20);
      }
    })();

    await sleep(2_000);
    await nats.stop();
    const downAt = Date.now();
    await sleep(10_000);
    await nats.start();
    const backAt = Date.now();
    await sleep(3_000);
    posting = false;
    await poster;
    expect(failures, 'intake answers 202 while NATS is down: the lead is committed in PostgreSQL first').toBe(0);
    const duringOutage = accepted.filter((a) => a.at >= downAt && a.at < backAt);
    expect(duringOutage.length).toBeGreaterThan(100);

    // Every lead is assigned; those accepted while NATS was down right after it came back, not at
    // the next 15 s sweep of leads older than 10 s.
    const db = database.db;
    await eventually(
      async () => {
        const row = await db.selectFrom('leads').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'assigned').executeTakeFirstOrThrow();
        return Number(row.n) === accepted.length;
      },
      60_000,
      `all ${accepted.length} leads assigned`,
    );
    const assignedAt = await db
      .selectFrom('assignments')
      .select(['lead_id', 'assigned_at'])
      .where('lead_id', 'in', duringOutage.map((a) => a.id))
      .execute();
    const latest = Math.max(...assignedAt.map((a) => a.assigned_at.getTime()));
    expect(latest - backAt, 'leads stored during the outage are routed once the bus reconnects').toBeLessThan(10_000);

    // Every published entry of the log is on the stream exactly once, in log order per lead.
    const logged = await db
      .selectFrom('lead_events')
      .select(['event_id', 'lead_id', 'type', 'id'])
      .where('type', '<>', 'lead.routing')
      .orderBy('id')
      .execute();
    const reader = await connectNatsBus({ servers: nats.url });
    const subjects = createSubjects(namespace);
    const seen: Array<{ id: string; leadId: string; type: string }> = [];
    const subscription = await reader.consume(subjects.streams.events, { durable: 'outage_test_reader' }, (message: BusMessage) => {
      seen.push(message.json<{ id: string; leadId: string; type: string }>());
      message.ack();
    });
    try {
      await eventually(async () => seen.length >= logged.length, 30_000, `${logged.length} events on the stream (${seen.length} so far)`);
      await sleep(1_000);
    } finally {
      await subscription.stop();
      await reader.close();
    }
    const counts = new Map<string, number>();
    for (const event of seen) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
    const missing = logged.filter((e) => !counts.has(e.event_id));
    const repeated = [...counts].filter(([, n]) => n > 1);
    expect(missing, 'events never published').toEqual([]);
    expect(repeated, 'events published twice').toEqual([]);
    expect(seen).toHaveLength(logged.length);
    const received = seen.filter((e) => e.type === 'lead.received').map((e) => e.leadId);
    expect(new Set(received)).toEqual(new Set(accepted.map((a) => a.id)));

    const logOrder = new Map<string, string[]>();
    for (const e of logged) logOrder.set(e.lead_id, [...(logOrder.get(e.lead_id) ?? []), e.event_id]);
    const streamOrder = new Map<string, string[]>();
    for (const e of seen) streamOrder.set(e.leadId, [...(streamOrder.get(e.leadId) ?? []), e.id]);
    expect(streamOrder).toEqual(logOrder);
  });
});
