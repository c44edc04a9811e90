/**
 * The `switchboard` command's speed: the wall time of `switchboard reps list` against a
 * running service, from process start to exit, next to its floor measured in the same run —
 * a bare `node` process that sends the same request and prints the answer, the least any
 * command-line client written in Node can do. Also `npx switchboard` and `pnpm switchboard`
 * (their launchers' own cost). Writes `bench/RESULTS-cli.md`.
 *
 * Environment: `BENCH_CLI_RUNS` (default 25 per command, alternating).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { BENCH_ADMIN_KEY, benchAuthorization, benchSwitchboardEnv } from './lib/bench-key.ts';
import { spawnChild } from './lib/child-process.ts';
import { codeVersion, readMachineInfo } from './lib/machine-info.ts';

/** A TCP port nobody listens on now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const runs = Number(process.env.BENCH_CLI_RUNS || 25);
const TARGET_SECONDS = 0.3;

const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-cli-bench-'));
// The embedded defaults, on free ports: what `npx pnpm@10 start` gives a new user. In a
// process of its own: the commands are timed with synchronous spawns.
const service = spawnChild({
  label: 'switchboard',
  script: 'bench/serve-switchboard.ts',
  cwd: repoRoot,
  env: { ...process.env, ...benchSwitchboardEnv, DATABASE_URL: '', NATS_URL: '', SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_EMBEDDED_PG_PORT: String(await freePort()) },
});
const running = await service.nextMessage<{ url: string }>(180_000);
try {
  // A directory of 50 reps: `reps list` reads and prints them all.
  for (let i = 0; i < 50; i++) {
    const answer = await fetch(`${running.url}/v1/reps`, {
      method: 'POST',
      headers: { ...benchAuthorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Rep ${i}`, email: `rep${i}@bench.test`, cap: 10 }),
    });
    if (answer.status !== 201) throw new Error(`could not create a rep: ${answer.status} ${await answer.text()}`);
  }
  const env = { ...process.env, SWITCHBOARD_URL: running.url, SWITCHBOARD_API_KEY: BENCH_ADMIN_KEY };
  const floorScript = `const r = await fetch(process.env.SWITCHBOARD_URL + '/v1/reps?limit=1000', { headers: { authorization: 'Bearer ' + process.env.SWITCHBOARD_API_KEY } }); process.stdout.write(await r.text());`;
  const commands: ReadonlyArray<{ name: string; file: string; args: ReadonlyArray<string> }> = [
    { name: 'floor: node + one fetch', file: process.execPath, args: ['--input-type=module', '-e', floorScript] },
    { name: 'switchboard reps list', file: join(repoRoot, 'node_modules/.bin/switchboard'), args: ['reps', 'list'] },
    { name: 'npx switchboard reps list', file: 'npx', args: ['switchboard', 'reps', 'list'] },
    { name: 'pnpm switchboard reps list', file: 'pnpm', args: ['-s', 'switchboard', 'reps', 'list'] },
  ];
  const times = new Map(commands.map((c) => [c.name, [] as number[]]));
  // Once each first: the file cache warm for all, as for a user's second command.
  for (const command of commands) execFileSync(command.file, command.args, { cwd: repoRoot, env, stdio: 'ignore' });
  for (let i = 0; i < runs; i++) {
    for (const command of commands) {
      const started = performance.now();
      const run = spawnSync(command.file, command.args, { cwd: repoRoot, env, encoding: 'utf8' });
      const elapsed = (performance.now() - started) / 1000;
      if (run.status !== 0 || !run.stdout.includes('rep49@bench.test')) throw new Error(`${command.name} failed (${run.status}): ${run.stderr}`);
      times.get(command.name)!.push(elapsed);
    }
  }
  const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] as number;
  const floor = quantile(times.get(commands[0]!.name)!, 0.5);
  const rows = commands.map((command) => {
    const values = times.get(command.name)!;
    const median = quantile(values, 0.5);
    return { name: command.name, median, p90: quantile(values, 0.9), ratio: median / floor };
  });
  const cli = rows[1]!;
  const machine = readMachineInfo();
  const report = [
    '# CLI benchmark',
    '',
    `Run ${new Date().toISOString()} on ${machine.cpuModel} (${machine.nproc} cores), Node ${process.versions.node}, Switchboard ${codeVersion(repoRoot)}.`,
    `Wall time from process start to exit, ${runs} runs of each command, alternating, against one running Switchboard (embedded PostgreSQL) with 50 reps.`,
    '',
    '| Command | Median | p90 | × floor |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.median.toFixed(3)} s | ${r.p90.toFixed(3)} s | ${r.ratio.toFixed(1)} |`),
    '',
    `Target: \`switchboard reps list\` ≤ ${TARGET_SECONDS} s. Measured median ${cli.median.toFixed(3)} s, p90 ${cli.p90.toFixed(3)} s: ${cli.p90 <= TARGET_SECONDS ? '✅ met' : '❌ missed'}.`,
    '',
  ].join('\n');
  await writeFile(join(benchDir, 'RESULTS-cli.md'), report);
  process.stdout.write(`${report}\n`);
} finally {
  await service.stop();
  await rm(dataDir, { recursive: true, force: true });
}
