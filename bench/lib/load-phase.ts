import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchChild, spawnChild } from './child-process.ts';
import { type CpuShares, cpuSharesBetween, takeCpuSnapshot, topProcesses, waitForQuietMachine } from './cpu-usage.ts';
import { activityBetween, type DatabaseActivity, markDatabase } from './database-activity.ts';
import type { LoadRequest, LoadResult } from './load-result.ts';
import { type EventLoopSample, eventLoopBusyBetween } from './service-probes.ts';

/** One load phase: what the load generator saw and where the time went meanwhile. */
export interface PhaseMeasurement {
  readonly load: LoadResult;
  /** Cores used during the load: `service` (the process under test), `postgres`, `nats-server`, `load` and the whole machine. */
  readonly cpu: CpuShares;
  /** Share of the load's duration the service's event loop (its one JavaScript thread) was busy, 0–1. */
  readonly serviceEventLoopBusy: number;
  /** PostgreSQL write transactions and WAL written during the load (cluster-wide). */
  readonly database: DatabaseActivity;
}

/** The service under load and where it writes. */
export interface LoadPhaseContext {
  readonly repoRoot: string;
  /** The process under test, for CPU and event-loop accounting. */
  readonly service: BenchChild;
  /** More processes of the service (a split deployment): their CPU is the service's too, not a disturbance. @default none */
  readonly otherServices?: ReadonlyArray<BenchChild>;
  /** The PostgreSQL it writes to, for write accounting. */
  readonly databaseUrl: string;
  /** Write a CPU profile of the service during the load to this file. @default no profile */
  readonly profileFile?: string;
}

/** Where a phase's CPU profile goes: `bench/profiles/<name>.cpuprofile` (the folder is created). */
export function profileFile(repoRoot: string, name: string): string {
  const dir = join(repoRoot, 'bench', 'profiles');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.cpuprofile`);
}

/** Runs the load generator in its own process and waits for its result. */
export async function runLoadPhase(context: LoadPhaseContext, request: LoadRequest): Promise<PhaseMeasurement> {
  // The machine is shared: start when nobody else is busy (or report that they were).
  const servicePids = [context.service.pid, ...(context.otherServices ?? []).map((child) => child.pid)];
  await waitForQuietMachine([process.pid, ...servicePids], ['postgres', 'nats-server'], {
    onWait: (cores, busiest) =>
      process.stderr.write(
        `    other processes use ${cores.toFixed(2)} cores (busiest: ${busiest}); waiting up to 2 min before the ${request.prefix} phase\n`,
      ),
  });
  const child = spawnChild({
    label: `load:${request.prefix}`,
    script: 'bench/load-generator.ts',
    cwd: context.repoRoot,
    env: { ...process.env, BENCH_LOAD: JSON.stringify(request) },
  });
  try {
    await child.nextMessage<{ event: 'ready' }>(60_000);
    const markBefore = await markDatabase(context.databaseUrl);
    const eluBefore = await context.service.probe<EventLoopSample>('elu');
    // Starting the profiler blocks the service for a moment: do it before the load begins.
    if (context.profileFile) await context.service.probe('profile:start');
    const before = takeCpuSnapshot();
    child.tell({ go: true });
    const done = await child.nextMessage<{ event: 'done'; result: LoadResult }>((request.seconds + 120) * 1000);
    const after = takeCpuSnapshot();
    const eluAfter = await context.service.probe<EventLoopSample>('elu');
    if (context.profileFile) await context.service.probe(`profile:stop:${context.profileFile}`, 60_000);
    const markAfter = await markDatabase(context.databaseUrl);
    const cpu = cpuSharesBetween(
      before,
      after,
      { service: context.service.pid, ...Object.fromEntries((context.otherServices ?? []).map((child) => [`service:${child.pid}`, child.pid])) },
      ['postgres', 'nats-server'],
    );
    if (process.env.BENCH_VERBOSE) {
      const top = topProcesses(before, after).map((p) => `${p.comm}(${p.pid}) ${p.cores.toFixed(2)}`);
      process.stderr.write(`    [${request.prefix}] cpu: machine ${cpu.machine.toFixed(2)}; ${top.join(', ')}\n`);
    }
    // The load generator reports its own CPU time: it may have exited before /proc was read.
    const load = done.result;
    return {
      load,
      cpu: { ...cpu, parts: { ...cpu.parts, load: load.cpuSeconds / cpu.seconds } },
      serviceEventLoopBusy: eventLoopBusyBetween(eluBefore, eluAfter),
      database: activityBetween(markBefore, markAfter),
    };
  } finally {
    await child.stop(5_000);
  }
}

/** Cores used during a phase by processes other than the service, PostgreSQL, NATS and the load generator. */
export function otherProcessesShare(phase: PhaseMeasurement): number {
  const p = phase.cpu.parts;
  const service = Object.entries(p).reduce((sum, [label, cores]) => (label === 'service' || label.startsWith('service:') ? sum + cores : sum), 0);
  return Math.max(0, phase.cpu.machine - (service + (p.postgres ?? 0) + (p['nats-server'] ?? 0) + (p.load ?? 0)));
}

/** Above this many cores used by other processes, a phase is measured again. */
const INTERFERENCE_CORES = 0.2;

/**
 * Runs a phase (`attempt`, given a fresh external-id prefix each time) up to three times
 * while other processes on the machine take more than 0.2 cores during it, and keeps
 * the attempt they disturbed least.
 */
export async function runUndisturbed<T extends PhaseMeasurement>(
  prefix: string,
  attempt: (prefix: string) => Promise<T>,
  log: (line: string) => void,
): Promise<T & { readonly prefix: string }> {
  let best: (T & { prefix: string }) | undefined;
  for (let i = 1; i <= 3; i++) {
    const attemptPrefix = i === 1 ? prefix : `${prefix}${i}`;
    const result = { ...(await attempt(attemptPrefix)), prefix: attemptPrefix };
    const others = otherProcessesShare(result);
    if (!best || others < otherProcessesShare(best)) best = result;
    if (others <= INTERFERENCE_CORES) break;
    log(`  other processes took ${others.toFixed(2)} cores during this phase${i < 3 ? ': measuring it again' : ''}`);
  }
  return best!;
}
