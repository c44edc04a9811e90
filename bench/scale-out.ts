/**
 * `pnpm bench`'s scale-out phase: sustained intake → assigned on the NATS + PostgreSQL path with
 * the API and the router in one process (as `pnpm start` runs it), as separate processes (1 API +
 * 1 router), and as 2 API + 2 router processes (the routers share the two teams' partitions); each against
 * the floor service measured in the same run. Writes `bench/RESULTS-scale-out.md`.
 *
 * Environment: as `bench/run.ts` (`BENCH_SECONDS`, `BENCH_CONNECTIONS`, `BENCH_DATABASE_URL`,
 * `BENCH_NATS_URL`), and `BENCH_SCALE_RESULTS` (the report file).
 *
 * @example
 * BENCH_SECONDS=5 pnpm exec tsx bench/scale-out.ts
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchOptionsFromEnv } from './lib/bench-options.ts';
import { postJson, sendJson } from './lib/http-json.ts';
import { createBenchSchema } from './lib/bench-schema.ts';
import { type BenchChild, spawnChild } from './lib/child-process.ts';
import { createCleanupStack } from './lib/cleanup-stack.ts';
import { runFloorScenario } from './lib/floor-scenario.ts';
import { readLeadOutcomes, waitForAssignments } from './lib/lead-outcomes.ts';
import { runLoadPhase, runUndisturbed } from './lib/load-phase.ts';
import { codeVersion, readMachineInfo } from './lib/machine-info.ts';
import { deleteNamespaceStreams } from './lib/nats-streams.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const options = benchOptionsFromEnv(process.env, join(benchDir, 'RESULTS.md'));
const resultsFile = process.env.BENCH_SCALE_RESULTS ?? join(benchDir, 'RESULTS-scale-out.md');
const log = (line: string) => process.stdout.write(`${line}\n`);

/** How the deployment is split into processes. */
interface Topology {
  readonly name: string;
  readonly apis: number;
  readonly routers: number;
}

const TOPOLOGIES: ReadonlyArray<Topology> = [
  { name: 'all-in-one (API and router in one process)', apis: 0, routers: 0 },
  { name: '1 API process + 1 router process', apis: 1, routers: 1 },
  { name: '2 API processes + 2 router processes (sharing the partitions)', apis: 2, routers: 2 },
];

interface TopologyResult {
  readonly topology: Topology;
  readonly acceptedPerSecond: number;
  readonly assignedPerSecond: number;
  readonly stored: number;
  readonly exactlyOnce: boolean;
  readonly httpP99: number;
}

/** Waits until the router processes hold every partition of the current map between them. */
async function waitForRouters(routers: ReadonlyArray<{ url: string }>, timeoutMs: number): Promise<void> {
  if (routers.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const standings = await Promise.all(
      routers.map(async (router) => {
        const response = await fetch(`${router.url}/readyz`);
        return { ready: response.status === 200, ...((await response.json()) as { partitions?: string[]; of?: number }) };
      }),
    );
    const held = standings.flatMap((s) => s.partitions ?? []);
    if (standings.every((s) => s.ready) && held.length > 0 && held.length === standings[0]?.of) return;
    if (Date.now() > deadline) throw new Error(`the routers did not take every partition within ${timeoutMs} ms: ${JSON.stringify(standings)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function measure(topology: Topology): Promise<TopologyResult> {
  const cleanup = createCleanupStack();
  try {
    const schema = await createBenchSchema(options.databaseUrl, 'scale');
    cleanup.defer(`drop schema ${schema.name}`, () => schema.drop());
    const namespace = `bench${randomBytes(4).toString('hex')}`;
    cleanup.defer(`delete streams of ${namespace}`, () => deleteNamespaceStreams(options.natsUrl, namespace));
    const start = (role: 'all' | 'api' | 'router'): Promise<BenchChild & { url: string }> => {
      const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: schema.url, NATS_URL: options.natsUrl, SWITCHBOARD_NAMESPACE: namespace, SWITCHBOARD_ROLE: role };
      const child = spawnChild({ label: `switchboard:${role}`, script: 'bench/serve-switchboard.ts', cwd: repoRoot, env });
      cleanup.defer(`stop Switchboard ${role} (pid ${child.pid})`, () => child.stop());
      return child.nextMessage<{ url: string }>(180_000).then(({ url }) => Object.assign(child, { url }));
    };
    const processes = await Promise.all(
      topology.apis === 0 ? [start('all')] : [...Array.from({ length: topology.apis }, () => start('api')), ...Array.from({ length: topology.routers }, () => start('router'))],
    );
    const apis = topology.apis === 0 ? processes : processes.slice(0, topology.apis);
    const urls = apis.map((api) => api.url);
    // Two teams of five, each lead routed to one by its shard: two partitions (and the loose one).
    for (let i = 1; i <= 10; i++) await postJson(`${urls[0]}/v1/reps`, { name: `Bench Rep ${i}`, email: `rep-${i}@bench.example` });
    const emails = (from: number) => Array.from({ length: 5 }, (_, i) => `rep-${from + i}@bench.example`);
    await sendJson('PUT', `${urls[0]}/v1/config`, {
      teams: [
        { name: 'Bench A', members: emails(1) },
        { name: 'Bench B', members: emails(6) },
      ],
      rules: [
        { name: 'Shard a', when: { shard: 'a' }, route: { team: 'Bench A' } },
        { name: 'Shard b', route: { team: 'Bench B' } },
      ],
    }, 200);
    // The routers take the partitions of the new map before the load starts.
    await waitForRouters(topology.apis === 0 ? [] : processes.slice(topology.apis), 60_000);

    const pool = new pg.Pool({ connectionString: schema.url, max: 2 });
    pool.on('error', () => {});
    cleanup.defer('close the result pool', () => pool.end());
    // The event loop measured is the first API process's (or the one process's); the CPU of every process is the service's.
    const context = { repoRoot, service: apis[0] as BenchChild, otherServices: processes.slice(1), databaseUrl: schema.url };
    await runLoadPhase(context, { mode: 'max', url: urls[0]!, urls, prefix: 'warm', seconds: options.warmupSeconds, connections: options.connections });
    await waitForAssignments(pool, 'warm');
    log(`  ${topology.name}: max rate, ${options.connections} connections, ${options.seconds} s`);
    return await runUndisturbed(
      'sus',
      async (prefix) => {
        const phase = await runLoadPhase(context, { mode: 'max', url: urls[0]!, urls, prefix, seconds: options.seconds, connections: options.connections });
        await waitForAssignments(pool, prefix);
        const outcomes = await readLeadOutcomes(pool, prefix);
        return {
          ...phase,
          result: {
            topology,
            acceptedPerSecond: phase.load.okPerSecond,
            assignedPerSecond: outcomes.assignedPerSecond,
            stored: outcomes.stored,
            exactlyOnce: outcomes.assigned === outcomes.stored && outcomes.multiplyAssigned === 0,
            httpP99: phase.load.httpLatency.p99,
          },
        };
      },
      log,
    ).then((phase) => phase.result);
  } finally {
    await cleanup.runAll();
  }
}

const machine = readMachineInfo();
log(`Switchboard scale-out benchmark: ${machine.nproc} CPUs, ${options.seconds} s per phase, NATS + PostgreSQL`);
const results: TopologyResult[] = [];
for (const topology of TOPOLOGIES) results.push(await measure(topology));
log('  floor service');
const floorCleanup = createCleanupStack();
const floor = await runFloorScenario({ baseUrl: options.databaseUrl }, options, repoRoot, floorCleanup, log).finally(() => floorCleanup.runAll());
const floorRate = floor.load.okPerSecond;

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const lines = [
  '# Switchboard scale-out results',
  '',
  `Run on ${new Date().toISOString()} with \`BENCH_SECONDS=${options.seconds}\` (written by \`pnpm bench\` through \`bench/scale-out.ts\`; do not edit by hand).`,
  `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), Node ${machine.node}, Switchboard ${codeVersion(repoRoot)}. NATS + PostgreSQL path, 10 reps in two teams of five (two partitions), leads split between them by a rule, ${options.connections} connections at max rate split evenly over the API processes.`,
  '',
  '| Processes | Accepted (2xx) | Sustained intake → assigned | ÷ floor | HTTP p99 | Every lead assigned exactly once |',
  '|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.topology.name} | ${n(r.acceptedPerSecond)} leads/s | **${n(r.assignedPerSecond)} leads/s** | **${(r.assignedPerSecond / floorRate).toFixed(2)}** | ${n(r.httpP99)} ms | ${r.exactlyOnce ? `✅ ${n(r.stored)} of ${n(r.stored)}` : '❌'} |`),
  `| Floor service (same run) | ${n(floorRate)} leads/s | – | 1.00 | ${n(floor.load.httpLatency.p99)} ms | – |`,
  '',
  `All processes share the machine's ${machine.nproc} cores with PostgreSQL, NATS and the load generator, so on this machine more processes mostly share the same CPU; the figures show what splitting costs or gains here, not what more machines would give.`,
];
await writeFile(resultsFile, `${lines.join('\n')}\n`);
log(`\n${lines.join('\n')}`);
log(`Written to ${relative(process.cwd(), resultsFile)}.`);
process.exit(results.every((r) => r.exactlyOnce) ? 0 : 1);
