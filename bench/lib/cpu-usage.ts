import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s on every common kernel. */
const TICKS_PER_SECOND = 100;

/** CPU time read from /proc at one moment. */
export interface CpuSnapshot {
  readonly at: number;
  /** Busy ticks of the whole machine (all CPUs, everything but idle and iowait). */
  readonly machineBusy: number;
  /** Ticks of each process (user + system, all threads), by pid, with its start time (pids are reused). */
  readonly byPid: ReadonlyMap<number, ProcessTicks>;
}

/** Cores used over an interval, by consumer. */
export interface CpuShares {
  readonly seconds: number;
  /** The whole machine, in cores (at most `nproc`). */
  readonly machine: number;
  /** The named processes (by pid) and process groups (by command name), in cores. */
  readonly parts: Readonly<Record<string, number>>;
}

interface ProcessTicks {
  readonly comm: string;
  readonly ticks: number;
  /** When the process started, in ticks since boot: with the pid, it names one process. */
  readonly startedAt: number;
}

function processTicks(pid: number): ProcessTicks | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // Fields 14, 15 and 22 of stat (utime, stime, starttime) are 11, 12 and 19 after the command name.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]), startedAt: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** Reads every process's CPU time and the machine's busy time. Returns an empty snapshot off Linux. */
export function takeCpuSnapshot(): CpuSnapshot {
  const byPid = new Map<number, ProcessTicks>();
  let machineBusy = 0;
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    machineBusy = cpu.reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const ticks = processTicks(Number(entry));
      if (ticks) byPid.set(Number(entry), ticks);
    }
  } catch {
    // Not Linux: no CPU accounting.
  }
  return { at: performance.now(), machineBusy, byPid };
}

/**
 * Ticks a process used between two snapshots. A process is matched by pid and start
 * time, not by name: kernel workers rename themselves after the queue they serve.
 */
function ticksBetween(before: CpuSnapshot, pid: number, after: ProcessTicks): number {
  const b = before.byPid.get(pid);
  return after.ticks - (b && b.startedAt === after.startedAt ? b.ticks : 0);
}

/**
 * Cores used between two snapshots by the given processes (`pids`, by label) and by
 * every process of the given command names (`comms`, e.g. `postgres`), and by the
 * whole machine. A process that exited in between is not counted.
 */
export function cpuSharesBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  pids: Readonly<Record<string, number>>,
  comms: ReadonlyArray<string>,
): CpuShares {
  const seconds = (after.at - before.at) / 1000;
  const cores = (ticks: number) => (seconds > 0 ? ticks / TICKS_PER_SECOND / seconds : 0);
  const delta = (pid: number) => {
    const a = after.byPid.get(pid);
    return a ? ticksBetween(before, pid, a) : 0;
  };
  const parts: Record<string, number> = {};
  for (const [label, pid] of Object.entries(pids)) parts[label] = cores(delta(pid));
  for (const comm of comms) {
    let ticks = 0;
    for (const [pid, p] of after.byPid) if (p.comm === comm) ticks += delta(pid);
    parts[comm] = cores(ticks);
  }
  return { seconds, machine: cores(after.machineBusy - before.machineBusy), parts };
}

/** The processes that used the most CPU between two snapshots, in cores, busiest first. */
export function topProcesses(
  before: CpuSnapshot,
  after: CpuSnapshot,
  count = 8,
): ReadonlyArray<{ readonly pid: number; readonly comm: string; readonly cores: number }> {
  const seconds = (after.at - before.at) / 1000;
  const rows: Array<{ pid: number; comm: string; cores: number }> = [];
  for (const [pid, a] of after.byPid) {
    const ticks = ticksBetween(before, pid, a);
    if (ticks > 0) rows.push({ pid, comm: a.comm, cores: ticks / TICKS_PER_SECOND / seconds });
  }
  return rows.sort((x, y) => y.cores - x.cores).slice(0, count);
}

/** Cores used between two snapshots by every process except `pids` and the commands in `comms`. */
export function otherProcessesCores(
  before: CpuSnapshot,
  after: CpuSnapshot,
  pids: ReadonlyArray<number>,
  comms: ReadonlyArray<string>,
): { readonly cores: number; readonly busiest: string } {
  const seconds = (after.at - before.at) / 1000;
  let ticks = 0;
  let busiest = { comm: '', pid: 0, ticks: 0 };
  for (const [pid, a] of after.byPid) {
    if (pids.includes(pid) || comms.includes(a.comm)) continue;
    const used = ticksBetween(before, pid, a);
    ticks += used;
    if (used > busiest.ticks) busiest = { comm: a.comm, pid, ticks: used };
  }
  return { cores: seconds > 0 ? ticks / TICKS_PER_SECOND / seconds : 0, busiest: `${busiest.comm} (pid ${busiest.pid})` };
}

/**
 * Waits until processes other than ours (`pids`, `comms`) use less than `maxCores` over a
 * one-second window, for at most `timeoutMs`. Resolves with the last window's value: a
 * measurement taken while someone else keeps the CPUs busy is reported, not hidden.
 */
export async function waitForQuietMachine(
  pids: ReadonlyArray<number>,
  comms: ReadonlyArray<string>,
  options: { readonly maxCores?: number; readonly timeoutMs?: number; readonly onWait?: (cores: number, busiest: string) => void } = {},
): Promise<number> {
  const maxCores = options.maxCores ?? 0.15;
  const deadline = performance.now() + (options.timeoutMs ?? 120_000);
  let warned = false;
  for (;;) {
    const before = takeCpuSnapshot();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { cores, busiest } = otherProcessesCores(before, takeCpuSnapshot(), pids, comms);
    if (cores < maxCores || performance.now() > deadline) return cores;
    if (!warned) options.onWait?.(cores, busiest);
    warned = true;
  }
}
