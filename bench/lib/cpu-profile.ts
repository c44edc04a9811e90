import { readFileSync } from 'node:fs';

// A V8 CPU profile (`.cpuprofile`) read into where the time went: busy and idle, self time by
// package and by function, inclusive time of Switchboard's functions. Used by
// `bench/analyze-profile.ts` and by the bench report of a profiled run.

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: ReadonlyArray<number>;
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>;
  readonly samples: ReadonlyArray<number>;
  readonly timeDeltas: ReadonlyArray<number>;
}

/** Where a profile's time went, in microseconds. */
export interface ProfileAnalysis {
  readonly total: number;
  readonly idle: number;
  readonly busy: number;
  readonly byPackage: ReadonlyMap<string, number>;
  readonly byFunction: ReadonlyMap<string, number>;
  readonly inclusive: ReadonlyMap<string, number>;
  /** Self time per node, and the tree, for following callers. */
  readonly selfTime: ReadonlyMap<number, number>;
  readonly byId: ReadonlyMap<number, ProfileNode>;
  readonly parent: ReadonlyMap<number, number>;
}

/** Where a frame's code lives: a workspace package, an npm package, Node itself, or V8. */
export function packageOf(url: string, functionName: string): string {
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

export function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.split('/').slice(-1)[0] ?? '';
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** Reads a `.cpuprofile` and sums where its time went. */
export function analyzeProfile(file: string): ProfileAnalysis {
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
  return { total, idle, busy: total - idle, byPackage, byFunction, inclusive, selfTime, byId, parent };
}

/** The `top` largest entries, largest first. */
export function largest(entries: ReadonlyMap<string, number>, top: number): Array<[string, number]> {
  return [...entries].sort((a, b) => b[1] - a[1]).slice(0, top);
}
