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
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: ReadonlyArray<number>;
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>;
  readonly samples: ReadonlyArray<number>;
  readonly timeDeltas: ReadonlyArray<number>;
}

/** Where a frame's code lives: a workspace package, an npm package, Node itself, or V8. */
function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native/V8)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm?.[1]) return pnpm[1];
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm?.[1]) return nm[1];
  const workspace = /\/(packages|services|bench)\/([^/]+)\//.exec(url);
  if (workspace) return workspace[1] === 'bench' ? 'bench' : `@switchboard/${workspace[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.split('/').slice(-1)[0] ?? '';
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

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
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTime = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  total += dt;
});

const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
let idle = 0;
for (const [id, us] of selfTime) {
  const node = byId.get(id)!;
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle += us;
    continue;
  }
  const pkg = packageOf(node.callFrame.url, name);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const fn = `${frameName(node)} [${pkg}]`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  // Inclusive time of Switchboard frames: count each distinct frame once per stack.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)!;
    const framePkg = packageOf(frame.callFrame.url, frame.callFrame.functionName);
    if (!framePkg.startsWith('@switchboard/')) continue;
    const key = `${frameName(frame)} [${framePkg}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const busy = total - idle;
const pct = (us: number, of = busy) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
const sec = (us: number) => `${(us / 1e6).toFixed(2)} s`;
const print = (title: string, entries: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(v)}  ${sec(v).padStart(8)}  ${k}`);
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
