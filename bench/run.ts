/**
 * `pnpm bench`: measures Switchboard on the NATS + PostgreSQL path and on the embedded
 * path — sustained intake → assigned throughput, latency at a fixed rate — and a floor
 * service on the same PostgreSQL, then prints a summary and writes `bench/RESULTS.md`.
 *
 * Environment: `BENCH_SECONDS` (default 15), `BENCH_CONNECTIONS` (100), `BENCH_RATE`
 * (1000), `BENCH_PATHS` (`nats,embedded`), `BENCH_DATABASE_URL`, `BENCH_NATS_URL`,
 * `BENCH_PROFILE=1` (a V8 CPU profile of the service during each measured phase, in
 * `bench/profiles/`; summarise one with `tsx bench/analyze-profile.ts`),
 * `BENCH_RESULTS` (the report file), `BENCH_VERBOSE=1` (drain progress and the busiest
 * processes of each phase on stderr). Exits 0 when every measurement completed, even if
 * a target was missed; 1 if a path could not be measured.
 *
 * @example
 * BENCH_SECONDS=3 pnpm bench
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptionsFromEnv, BenchPath } from './lib/bench-options.ts';
import { runStatement } from './lib/bench-schema.ts';
import { type CleanupStack, createCleanupStack } from './lib/cleanup-stack.ts';
import { runFloorScenario } from './lib/floor-scenario.ts';
import { codeVersion, readMachineInfo } from './lib/machine-info.ts';
import { natsServerVersion } from './lib/nats-streams.ts';
import { type BenchReport, type PathReport, renderReport } from './lib/results-report.ts';
import { runSwitchboardScenario } from './lib/switchboard-scenario.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const options = benchOptionsFromEnv(process.env, join(benchDir, 'RESULTS.md'));
const log = (line: string) => process.stdout.write(`${line}\n`);

let current: CleanupStack | undefined;
/** Set once a signal arrived: resolves never (the process exits when the cleanup is done). */
let stopping: Promise<never> | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping) return;
  log(`\n${signal}: cleaning up (child processes, schemas, streams, temp dirs)…`);
  stopping = (current?.runAll() ?? Promise.resolve()).then(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const machine = readMachineInfo();
machine.versions['Switchboard (git)'] = codeVersion(repoRoot);
if (options.paths.includes(BenchPath.nats)) {
  try {
    machine.versions['PostgreSQL (NATS path)'] = (await runStatement<{ server_version: string }>(options.databaseUrl, 'show server_version')).rows[0]!.server_version;
  } catch (error) {
    machine.versions['PostgreSQL (NATS path)'] = `unreachable at ${options.databaseUrl}: ${(error as Error).message}`;
  }
  try {
    machine.versions['NATS server'] = await natsServerVersion(options.natsUrl);
  } catch (error) {
    machine.versions['NATS server'] = `unreachable at ${options.natsUrl}: ${(error as Error).message}`;
  }
}

const startedAt = new Date();
log(`Switchboard benchmark: ${machine.nproc} CPUs (${machine.cpuModel}), Node ${machine.node}, ${options.seconds} s per phase`);
const paths: PathReport[] = [];
for (const path of options.paths) {
  log(`\n== ${path} ==`);
  const cleanup = createCleanupStack();
  current = cleanup;
  try {
    const { run, database } = await runSwitchboardScenario(path, options, repoRoot, cleanup, log);
    if (path === BenchPath.embedded) machine.versions['PostgreSQL (embedded path)'] = run.postgresVersion;
    log('  floor service');
    const floor = await runFloorScenario(database, options, repoRoot, cleanup, log);
    paths.push({ path, switchboard: run, floor });
  } catch (error) {
    log(`  failed: ${(error as Error).stack ?? String(error)}`);
    paths.push({ path, error: (error as Error).message });
  } finally {
    await cleanup.runAll();
    current = undefined;
  }
  // An interrupted run writes no report: it would replace the last complete one.
  if (stopping) await stopping;
}

const report: BenchReport = { startedAt, options, machine, paths };
const markdown = renderReport(report);
await writeFile(options.resultsFile, `${markdown}\n`);
log(`\n${markdown}`);
log(`Written to ${relative(process.cwd(), options.resultsFile)}.`);
process.exit(paths.some((p) => p.error) ? 1 : 0);
