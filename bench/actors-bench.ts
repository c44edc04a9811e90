/**
 * `pnpm bench` part two: the actors and their durable timers.
 *
 * - transitions/s through the whole persist path (lead commands over the bus, each a
 *   version-guarded, group-committed transition);
 * - memory per live lead actor;
 * - open leads with pending SLA timers held by one process (target 1,000,000 within 4 GiB);
 * - timer lag (due → acted on) while 10,000 deadlines fall due within one minute.
 *
 * Writes `bench/RESULTS-actors.md`. `BENCH_OPEN_LEADS` (default 1,000,000) and
 * `BENCH_TIMER_LEADS` (default 10,000) scale it down for a quick run.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { encodeJson } from '@switchboard/bus';
import { type LeadId, newId } from '@switchboard/core';
import { leadMachine } from '@switchboard/machines';
import { configFromEnv, type RunningSwitchboard, startSwitchboard } from '@switchboard/server';
import { createDatabase } from '@switchboard/store';
import { sql } from 'kysely';
import pino from 'pino';
import { createActor } from 'xstate';
import { benchAuthorization, benchSwitchboardEnv } from './lib/bench-key.ts';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const openLeads = Number(process.env.BENCH_OPEN_LEADS ?? 1_000_000);
const timerLeads = Number(process.env.BENCH_TIMER_LEADS ?? 10_000);
const rows: Array<[string, string, string, string]> = [];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function withSchema<T>(work: (url: string, schema: string) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = createDatabase({ url: databaseUrl, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  try {
    return await work(url.toString(), schema);
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin);
    await admin.destroy();
  }
}

async function start(url: string): Promise<RunningSwitchboard> {
  return startSwitchboard(
    configFromEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, SWITCHBOARD_NAMESPACE: `b${randomBytes(4).toString('hex')}`, ...benchSwitchboardEnv }),
    { logger: pino({ level: 'warn' }) },
  );
}

async function post(base: string, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { ...benchAuthorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

async function team(base: string, reps: number, sla: Record<string, unknown>): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < reps; i++) ids.push((await post(base, '/v1/reps', { name: `Bench ${i}`, email: `bench${i}@example.com` })).id);
  await post(base, '/v1/teams', { name: 'Bench', members: ids, sla });
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Touches and closes through the lead actors, each a persisted transition. */
async function transitionsPerSecond(): Promise<void> {
  await withSchema(async (url) => {
    const sb = await start(url);
    try {
      await team(sb.url, 5, { response: '1h', followUp: '1h' });
      const leads = 4000;
      const ids: string[] = [];
      for (let i = 0; i < leads; i += 200) {
        const batch = await Promise.all(Array.from({ length: 200 }, (_, j) => post(sb.url, '/v1/leads', { email: `t${i + j}@acme.io` })));
        ids.push(...batch.map((b) => b.id as string));
      }
      await waitFor(async () => Number((await sql<{ n: number }>`select count(*)::int as n from leads where state = 'assigned'`.execute(sb.db)).rows[0]?.n) === leads, 60_000);
      const started = performance.now();
      let transitions = 0;
      // Three transitions per lead: touched, touched again, closed.
      const commands = [{ type: 'touch', touch: 'call' }, { type: 'touch', touch: 'email' }, { type: 'close', outcome: 'won' }];
      for (const command of commands) {
        let next = 0;
        await Promise.all(
          Array.from({ length: 256 }, async () => {
            while (next < ids.length) {
              const id = ids[next++] as string;
              const reply = (await sb.bus.request(sb.subjects.leadCommand(id), encodeJson(command), { timeoutMs: 30_000 })).json<{ ok: boolean }>();
              if (reply.ok) transitions++;
            }
          }),
        );
      }
      const seconds = (performance.now() - started) / 1000;
      rows.push(['Actor transitions through the persist path (in-process bus, PostgreSQL)', `**${Math.round(transitions / seconds).toLocaleString('en')} /s** (${transitions.toLocaleString('en')} touches and closes of passivated leads, 256 in flight)`, '–', '–']);
    } finally {
      await sb.stop();
    }
  });
}

/** Heap per live lead actor holding a deadline. */
function memoryPerActor(): void {
  const count = 100_000;
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const actors = [];
  for (let i = 0; i < count; i++) {
    const actor = createActor(leadMachine, { input: { leadId: newId<LeadId>(), receivedAt: Date.now() } }).start();
    actor.send({ type: 'ROUTE' });
    actor.send({ type: 'NO_CANDIDATE', teamId: null, reason: 'bench', at: Date.now() });
    actors.push(actor);
  }
  globalThis.gc?.();
  const perActor = (process.memoryUsage().heapUsed - before) / count;
  rows.push(['Memory per live lead actor (XState, waiting, in memory)', `**${(perActor / 1024).toFixed(1)} KiB** (${count.toLocaleString('en')} actors${globalThis.gc ? '' : '; run with --expose-gc for a steadier figure'})`, '–', '–']);
  for (const actor of actors) actor.stop();
}

/** A million assigned leads with SLA deadlines spread over a day: rows, not timers. */
async function openLeadsWithTimers(): Promise<void> {
  await withSchema(async (url) => {
    const sb = await start(url);
    try {
      await team(sb.url, 5, { response: '24h' });
      const teamId = (await sb.db.selectFrom('teams').select('id').executeTakeFirstOrThrow()).id;
      const repId = (await sb.db.selectFrom('reps').select('id').executeTakeFirstOrThrow()).id;
      const loadStarted = performance.now();
      // Generated in the database: a snapshot per lead as the lead machine writes it.
      const snapshot = createActor(leadMachine, { input: { leadId: newId<LeadId>() } }).start().getPersistedSnapshot();
      const chunk = 100_000;
      for (let offset = 0; offset < openLeads; offset += chunk) {
        const n = Math.min(chunk, openLeads - offset);
        await sql`
          with generated as (
            select gen_random_uuid() as id, now() + (random() * interval '24 hours') + interval '2 minutes' as due
            from generate_series(1, ${n}::int)
          ), leads_in as (
            insert into leads (id, email, state, owner_id, team_id, snapshot, sla_deadline_at)
            select id, 'open@acme.io', 'assigned', ${repId}::uuid, ${teamId}::uuid, ${JSON.stringify(snapshot)}::jsonb, due from generated
          )
          insert into timers (actor_kind, actor_id, kind, due_at) select 'lead', id, 'sla', due from generated`.execute(sb.db);
      }
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      await sb.stop();
      globalThis.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const restarted = await start(url);
      const startSeconds = (performance.now() - started) / 1000;
      globalThis.gc?.();
      const rss = process.memoryUsage().rss;
      const inMemory = restarted.router!.stats().timersInMemory;
      await restarted.stop();
      rows.push([
        'Open leads with pending SLA timers held by one process',
        `**${openLeads.toLocaleString('en')}** open leads; whole process RSS ${mb(rss)} after the router started on them (${mb(rss - rssBefore)} more than before); ${inMemory} timers in memory (those due within the minute), the rest are rows; router start ${startSeconds.toFixed(1)} s (rows generated in ${loadSeconds.toFixed(0)} s)`,
        '1,000,000 within 4 GiB',
        openLeads >= 1_000_000 && rss < 4 * 1024 ** 3 ? '✅ pass' : '–',
      ]);
    } finally {
      await sb.stop().catch(() => {});
    }
  });
}

/** 10,000 response deadlines falling due within a minute: lag from due to the breach committed. */
async function timerLag(): Promise<void> {
  await withSchema(async (url) => {
    const sb = await start(url);
    try {
      await team(sb.url, 20, { response: '45s', maxBreaches: 5 });
      const started = Date.now();
      for (let i = 0; i < timerLeads; i += 250) {
        await Promise.all(Array.from({ length: Math.min(250, timerLeads - i) }, (_, j) => post(sb.url, '/v1/leads', { email: `lag${i + j}@acme.io` })));
      }
      const postSeconds = (Date.now() - started) / 1000;
      const timers = sb.router!.timers();
      if (!timers) throw new Error('the router has no timers');
      timers.recordLags = true;
      await waitFor(async () => timers.lags.length >= timerLeads, 180_000);
      const lags = [...timers.lags].sort((a, b) => a - b);
      rows.push([
        `Timer lag, ${timerLeads.toLocaleString('en')} SLA deadlines due within one minute (each breach re-routes and commits)`,
        `p50 **${percentile(lags, 50)} ms** · p99 **${percentile(lags, 99)} ms** · max ${lags.at(-1)} ms (deadlines spread over ${postSeconds.toFixed(0)} s of intake)`,
        'p99 < 1 s',
        percentile(lags, 99) < 1000 ? '✅ pass' : '❌ fail',
      ]);
    } finally {
      await sb.stop();
    }
  });
}

// The open-leads figure first, while the process holds nothing else.
await openLeadsWithTimers();
await transitionsPerSecond();
await timerLag();
memoryPerActor();

const report = [
  '# Switchboard actor and timer benchmark',
  '',
  `Run on ${new Date().toISOString()} (written by \`pnpm bench\`; do not edit by hand). Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${mb(totalmem())}, Node ${process.version}, PostgreSQL at ${new URL(databaseUrl).host}.`,
  '',
  '| Measurement | Result | Target | Pass/fail |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
  '## How measured',
  '',
  'Switchboard runs in this process (API, router, in-process bus) on a fresh PostgreSQL schema. Transitions: leads are posted and assigned, then every lead is touched twice and closed through lead commands on the bus — each command restores the passivated lead from its snapshot, applies the event, and commits the transition (group-committed, version-guarded) before answering. Memory per actor: heap growth over 100,000 started lead actors. Open leads: a million assigned leads with SLA rows due over the next day are generated in PostgreSQL, then a router starts on them; only the next minute of deadlines is held in memory. Timer lag: 10,000 leads are posted to a 20-rep team with a 45 s response SLA, so their deadlines fall due within about a minute; the lag is from each deadline to its breach (and re-assignment) being committed.',
  '',
].join('\n');
writeFileSync(new URL('./RESULTS-actors.md', import.meta.url), report);
console.log(report);
process.exit(0);
