import type { BenchOptions, BenchPath } from './bench-options.ts';
import type { FloorRun } from './floor-scenario.ts';
import type { LatencySummary } from './load-result.ts';
import type { MachineInfo } from './machine-info.ts';
import { otherProcessesShare, type PhaseMeasurement } from './load-phase.ts';
import type { RoutedPhase, SwitchboardRun } from './switchboard-scenario.ts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeProfile, largest } from './cpu-profile.ts';

const PROFILES = fileURLToPath(new URL('../profiles/', import.meta.url));

/**
 * A short CPU-profile summary of each phase profiled in this run (`BENCH_PROFILE=1`): how busy
 * the service was, and where its time went by package and by function.
 */
function profileSummaries(since: Date): string[] {
  if (!existsSync(PROFILES)) return [];
  const files = readdirSync(PROFILES)
    .filter((name) => name.endsWith('.cpuprofile') && statSync(join(PROFILES, name)).mtimeMs >= since.getTime())
    .sort();
  if (files.length === 0) return [];
  const out = ['## CPU profile of each phase', '', 'Self time as a share of the busy time (`tsx bench/analyze-profile.ts bench/profiles/<file>` for the whole picture).', ''];
  for (const name of files) {
    const a = analyzeProfile(join(PROFILES, name));
    const share = ([label, us]: [string, number]) => `${label.replace(/ \[.*\]$/, '').replace(/\|/g, '\\|')} ${((100 * us) / a.busy).toFixed(1)}%`;
    out.push(
      `- **${name.replace('.cpuprofile', '')}**: busy ${((100 * a.busy) / a.total).toFixed(0)}% of ${(a.total / 1e6).toFixed(1)} s.`,
      `  By package: ${largest(a.byPackage, 6).map(share).join(', ')}.`,
      `  By function: ${largest(a.byFunction, 6).map(share).join(', ')}.`,
    );
  }
  out.push('');
  return out;
}

/** The targets of the benchmark. */
export const Targets = {
  /** Leads per second from intake to committed assignment, sustained, with every accepted lead assigned exactly once. */
  sustainedAssignedPerSecond: 2000,
  /** p99 of `assigned_at − created_at` at the fixed rate, in ms (strictly below). */
  latencyP99Ms: 25,
  /** Switchboard's sustained intake → assigned throughput over the floor's sustained throughput. */
  floorRatio: 0.5,
} as const;

/** What was measured on one path (or why not). */
export interface PathReport {
  readonly path: BenchPath;
  readonly switchboard?: SwitchboardRun;
  readonly floor?: FloorRun;
  readonly error?: string;
}

/** The whole run. */
export interface BenchReport {
  readonly startedAt: Date;
  readonly options: BenchOptions;
  readonly machine: MachineInfo;
  readonly paths: ReadonlyArray<PathReport>;
}

const PATH_TITLES: Readonly<Record<BenchPath, string>> = {
  nats: 'NATS + PostgreSQL',
  embedded: 'Embedded (PostgreSQL 18 + in-process bus)',
};

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) : 'n/a');
const cores = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(2));
const latency = (l: LatencySummary) => `p50 ${ms(l.p50)} · p99 ${ms(l.p99)} · max ${ms(l.max)} ms`;
const verdict = (pass: boolean) => (pass ? '✅ pass' : '❌ fail');

/** True if every stored lead of the phase has exactly one assignment and is in state `assigned`. */
export function everyLeadAssignedOnce(phase: RoutedPhase): boolean {
  const o = phase.outcomes;
  return o.stored > 0 && o.assigned === o.stored && o.unassigned === 0 && o.multiplyAssigned === 0 && o.stateMismatch === 0;
}

function assignmentCheck(phase: RoutedPhase): string {
  const o = phase.outcomes;
  const others = Object.entries(o.otherStates)
    .map(([state, n]) => `${int(n)} ${state}`)
    .join(', ');
  return (
    `${int(o.assigned)} of ${int(o.stored)} stored leads assigned exactly once ` +
    `(${int(o.unassigned)} without assignment, ${int(o.multiplyAssigned)} with several, ${int(o.stateMismatch)} state mismatches` +
    `${others ? `; not assigned: ${others}` : ''}); ${int(phase.load.ok)} HTTP 2xx` +
    `${phase.load.notOk + phase.load.errors > 0 ? `, ${int(phase.load.notOk)} non-2xx, ${int(phase.load.errors)} errors` : ''}`
  );
}

/** Result rows of one path: [measurement, result, target, verdict]. */
function pathRows(report: PathReport): string[][] {
  if (report.error) return [['Run', `did not complete: ${report.error}`, '–', '❌ error']];
  const rows: string[][] = [];
  const sb = report.switchboard;
  if (sb) {
    const s = sb.sustained;
    rows.push([
      `Accepted (2xx) at max rate, ${s.load.connections} connections`,
      `**${int(s.load.okPerSecond)} leads/s** over ${s.load.seconds.toFixed(1)} s (HTTP p50 ${ms(s.load.httpLatency.p50)} · p99 ${ms(s.load.httpLatency.p99)} ms)`,
      '–',
      '–',
    ]);
    const allAssigned = everyLeadAssignedOnce(s);
    rows.push([
      'Sustained intake → committed assignment',
      `**${int(s.outcomes.assignedPerSecond)} leads/s** (${int(s.outcomes.assigned)} leads from first intake to last assignment; ` +
        `the router finished ${s.drain.seconds.toFixed(1)} s after the load stopped)`,
      `≥ ${int(Targets.sustainedAssignedPerSecond)} leads/s, every assignment committed`,
      verdict(allAssigned && s.outcomes.assignedPerSecond >= Targets.sustainedAssignedPerSecond),
    ]);
    rows.push(['Every accepted lead assigned exactly once (sustained run)', assignmentCheck(s), 'all', verdict(allAssigned)]);
    const l = sb.latency;
    rows.push([
      `Intake → assigned latency at ${int(report.switchboard ? l.load.sent / l.load.seconds : 0)} leads/s`,
      `**${latency(l.outcomes.intakeToAssigned)}** (${int(l.outcomes.assigned)} of ${int(l.outcomes.stored)} assigned)`,
      `p99 < ${Targets.latencyP99Ms} ms`,
      verdict(everyLeadAssignedOnce(l) && l.outcomes.intakeToAssigned.p99 < Targets.latencyP99Ms),
    ]);
    rows.push([
      `HTTP latency at the fixed rate (${l.load.connections} connections)`,
      `p50 ${ms(l.load.httpLatency.p50)} · p99 ${ms(l.load.httpLatency.p99)} · max ${ms(l.load.httpLatency.max)} ms` +
        (l.load.scheduledLatency ? ` (from the scheduled send time: p99 ${ms(l.load.scheduledLatency.p99)} ms)` : ''),
      '–',
      '–',
    ]);
  }
  const floor = report.floor;
  if (floor) {
    rows.push([
      `Floor service, sustained at max rate, ${floor.load.connections} connections`,
      `**${int(floor.load.okPerSecond)} leads/s** (HTTP p50 ${ms(floor.load.httpLatency.p50)} · p99 ${ms(floor.load.httpLatency.p99)} ms; ` +
        `${int(floor.stored)} leads stored, ${int(floor.missingEvents)} without their event row)`,
      '–',
      '–',
    ]);
  }
  if (sb && floor) {
    const ratio = sb.sustained.outcomes.assignedPerSecond / floor.load.okPerSecond;
    rows.push([
      'Switchboard sustained intake → assigned ÷ floor',
      `**${ratio.toFixed(2)}** (${int(sb.sustained.outcomes.assignedPerSecond)} ÷ ${int(floor.load.okPerSecond)})`,
      `≥ ${Targets.floorRatio}`,
      verdict(ratio >= Targets.floorRatio),
    ]);
  }
  return rows;
}

function phasesOf(report: PathReport): PhaseMeasurement[] {
  return [
    ...(report.switchboard ? [report.switchboard.latency, report.switchboard.sustained] : []),
    ...(report.floor ? [report.floor] : []),
  ];
}

function cpuRow(path: BenchPath, what: string, phase: PhaseMeasurement): string {
  const { cpu } = phase;
  const p = cpu.parts;
  return (
    `| ${PATH_TITLES[path]} | ${what} | ${cores(p.service)} (event loop ${Math.round(phase.serviceEventLoopBusy * 100)}% busy) | ` +
    `${cores(p.postgres)} | ${cores(p['nats-server'])} | ${cores(p.load)} | ${cores(otherProcessesShare(phase))} | ${cores(cpu.machine)} |`
  );
}

function databaseRow(path: BenchPath, what: string, phase: PhaseMeasurement, leads: number): string {
  const { writeTransactions, walBytes } = phase.database;
  const seconds = phase.cpu.seconds;
  return (
    `| ${PATH_TITLES[path]} | ${what} | ${int(writeTransactions / seconds)} | ${(leads / Math.max(1, writeTransactions)).toFixed(1)} | ` +
    `${int(walBytes / Math.max(1, leads))} |`
  );
}

function table(header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** The results as markdown: machine, results with targets, CPU split, and how it was measured. */
export function renderReport(report: BenchReport): string {
  const m = report.machine;
  const o = report.options;
  const out: string[] = [];
  out.push('# Switchboard benchmark results', '');
  out.push(`Run on ${report.startedAt.toISOString()} with \`BENCH_SECONDS=${o.seconds}\` (written by \`pnpm bench\`; do not edit by hand).`, '');
  if (o.profile) out.push('> Profiled run (`BENCH_PROFILE=1`): the measured phases include the CPU profiler\'s overhead.', '');
  out.push(
    table(
      ['Machine', ''],
      [
        ['CPUs (`nproc`)', String(m.nproc)],
        ['CPU model', m.cpuModel],
        ['Memory', `${m.memoryGiB} GiB`],
        ['Kernel', m.kernel],
        ['Node', m.node],
        ...Object.entries(m.versions),
        ['Load average (1 min) before the run', m.loadAverageBefore.toFixed(2)],
        ['Date', report.startedAt.toISOString().slice(0, 10)],
      ],
    ),
    '',
  );
  out.push('## Results', '');
  const resultRows: string[][] = [];
  for (const p of report.paths) for (const row of pathRows(p)) resultRows.push([PATH_TITLES[p.path], ...row]);
  out.push(table(['Path', 'Measurement', 'Result', 'Target', 'Pass/fail'], resultRows), '');
  const busiest = Math.max(0, ...report.paths.flatMap((p) => phasesOf(p).map(otherProcessesShare)));
  if (busiest > 0.15) {
    out.push(
      `> ⚠ Other processes on this machine used up to ${busiest.toFixed(2)} cores during a measured phase (see the CPU ` +
        'table): the affected numbers are lower, and latencies higher, than on a quiet machine.',
      '',
    );
  }

  const cpuRows: string[] = [];
  const databaseRows: string[] = [];
  for (const p of report.paths) {
    const sb = p.switchboard;
    if (sb) {
      const fixed = `Switchboard, ${int(sb.latency.load.sent / sb.latency.load.seconds)} leads/s`;
      cpuRows.push(cpuRow(p.path, fixed, sb.latency), cpuRow(p.path, 'Switchboard, max rate', sb.sustained));
      databaseRows.push(
        databaseRow(p.path, fixed, sb.latency, sb.latency.outcomes.stored),
        databaseRow(p.path, 'Switchboard, max rate', sb.sustained, sb.sustained.outcomes.stored),
      );
    }
    if (p.floor) {
      cpuRows.push(cpuRow(p.path, 'Floor, max rate', p.floor));
      databaseRows.push(databaseRow(p.path, 'Floor, max rate', p.floor, p.floor.stored));
    }
  }
  if (cpuRows.length > 0) {
    out.push(`## Where the CPU went during the load (cores, of ${m.nproc})`, '');
    out.push(
      '| Path | Phase | Service process | postgres (all) | nats-server | Load generator | Other processes | Machine |',
      '|---|---|---|---|---|---|---|---|',
      ...cpuRows,
      '',
    );
    out.push('## PostgreSQL writes during the load (whole server)', '');
    out.push(
      '| Path | Phase | Write transactions/s | Leads per write transaction | WAL bytes per lead |',
      '|---|---|---|---|---|',
      ...databaseRows,
      '',
    );
  }

  if (o.profile) out.push(...profileSummaries(report.startedAt));

  out.push('## How measured', '');
  out.push(
    `Each path gets a fresh start: the NATS path a new PostgreSQL schema (\`search_path\` in \`DATABASE_URL\`) and a random ` +
      '`SWITCHBOARD_NAMESPACE` on the system PostgreSQL and NATS; the embedded path a new data directory and a free port, ' +
      'with `DATABASE_URL` and `NATS_URL` unset. Switchboard runs in its own Node process (`bench/serve-switchboard.ts`, ' +
      `API and router together, as \`switchboard start\` runs them), with 5 reps in one team (no caps). The load generator ` +
      `runs in a third process (\`bench/load-generator.ts\`) and every request is a new lead with a unique email and ` +
      `\`externalId\`. After a ${o.warmupSeconds} s warm-up at max rate, the **latency** phase sends ${int(o.rate)} leads/s ` +
      `for ${o.seconds} s open-loop (request *i* is due at *start + i/rate*, over up to ${o.pacedConnections} keep-alive ` +
      `connections with undici; autocannon's \`overallRate\` sends each second's quota in a burst, so it is not used), and ` +
      `intake → assigned is \`assignments.assigned_at − leads.created_at\` per lead, read from PostgreSQL (both stamped by ` +
      `the service's clock, to the millisecond). The **sustained** phase runs autocannon closed-loop with ${o.connections} ` +
      `connections for ${o.seconds} s; accepted is 2xx answers per second; intake → assigned is the number of leads assigned ` +
      'divided by the time from the first `created_at` to the last `assigned_at`, after waiting until the router has ' +
      'assigned every stored lead; each lead is then checked for exactly one assignment and state `assigned`. The ' +
      '**floor** (`bench/floor-service.ts`) is a bare fastify service in its own process that validates with the same ' +
      '`leadIntakeSchema` and commits the same `leads` and `lead_events` rows in the same PostgreSQL (a fresh schema; ' +
      'for the embedded path, the same data directory started again) with group commit (one multi-row statement per ' +
      'batch, gathered while the previous batch commits; `synchronous_commit` on), driven by the same autocannon ' +
      'settings after the same warm-up. CPU shares come from `/proc` (utime + stime) between the start and the end of ' +
      'each load. The machine may be shared: before each phase the bench waits (up to 2 min) until other processes ' +
      'use under 0.15 cores, and a phase during which they took more than 0.2 cores is measured again (up to 3 ' +
      'times; the least disturbed attempt is reported). Event-loop utilization comes from the service itself (over an IPC probe), write transactions and WAL ' +
      'from `pg_current_xact_id()` and `pg_current_wal_lsn()` (whole server, so other users of it count too); ' +
      `all the processes share the same ${m.nproc} CPUs, the load generator included.`,
    '',
  );
  return out.join('\n');
}
