/**
 * Summarises a V8 CPU profile (`.cpuprofile`, as written by `node --cpu-prof`, e.g. by
 * `BENCH_PROFILE=1 pnpm bench`): busy vs idle, GC, self time by package, the busiest
 * functions, and inclusive time of Switchboard's own functions.
 *
 * `--callers <function>` adds who calls a function (e.g. `writev`), by the package
 * frames above it.
 *
 * @example
 * tsx bench/analyze-profile.ts bench/profiles/switchboard-nats-1700000000000.cpuprofile
 * tsx bench/analyze-profile.ts bench/profiles/switchboard-nats-1700000000000.cpuprofile --callers writev
 */
import { analyzeProfile, largest, packageOf } from './lib/cpu-profile.ts';

const args = process.argv.slice(2);
const callersOf: string[] = [];
for (let i = args.indexOf('--callers'); i >= 0; i = args.indexOf('--callers')) {
  callersOf.push(args[i + 1] ?? '');
  args.splice(i, 2);
}
const file = args[0];
if (!file) {
  console.error('usage: tsx bench/analyze-profile.ts <file.cpuprofile> [top=25] [--callers <function>]…');
  process.exit(2);
}
const top = Number(args[1] ?? 25);
const { total, idle, busy, byPackage, byFunction, inclusive, selfTime, byId, parent } = analyzeProfile(file);
const pct = (us: number, of = busy) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
const sec = (us: number) => `${(us / 1e6).toFixed(2)} s`;
const print = (title: string, entries: ReadonlyMap<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, v] of largest(entries, n)) console.log(`  ${pct(v)}  ${sec(v).padStart(8)}  ${k}`);
};

console.log(`${file}\nprofiled ${sec(total)}: busy ${sec(busy)} (${pct(busy, total)}), idle ${sec(idle)}`);
print('Self time by package (% of busy)', byPackage, top);
print('Self time by function (% of busy)', byFunction, top);
print('Inclusive time of Switchboard functions (% of busy)', inclusive, top);

for (const target of callersOf) {
  // The first frames above the function that belong to a package (not Node or V8 internals).
  const callers = new Map<string, number>();
  let sum = 0;
  for (const [id, us] of selfTime) {
    if (byId.get(id)!.callFrame.functionName !== target) continue;
    sum += us;
    const chain: string[] = [];
    for (let at = parent.get(id); at !== undefined && chain.length < 3; at = parent.get(at)) {
      const frame = byId.get(at)!;
      const pkg = packageOf(frame.callFrame.url, frame.callFrame.functionName);
      if (pkg.startsWith('node:') || pkg.startsWith('(')) continue;
      chain.push(`${frame.callFrame.functionName || '(anonymous)'} [${pkg}]`);
    }
    const key = chain.join(' ← ') || '(no package frame)';
    callers.set(key, (callers.get(key) ?? 0) + us);
  }
  print(`Callers of ${target} (${sec(sum)}, % of busy)`, callers, top);
}
