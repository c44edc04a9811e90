import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, http, TEST_ADMIN_KEY } from '../support/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A command run the way a terminal runs it: in a process group of its own, which Ctrl-C signals whole. */
interface TerminalJob {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C: SIGINT to every process of the job's group, as the terminal sends it. */
  ctrlC(): void;
}

function runInTerminal(command: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): TerminalJob {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited, ctrlC: () => process.kill(-(child.pid as number), 'SIGINT') };
}

/** Lines the service logged at warn or above (pino JSON), and anything that is not JSON but a known failure. */
const complaints = (output: string) =>
  output
    .split('\n')
    .filter((line) => /"level":(4|5|6)0/.test(line) || /ELIFECYCLE|Command failed|terminating connection|Error:/.test(line));

// How the quick start's user runs it: the installed `switchboard` command, and the package
// scripts through pnpm and through npm (the README's form where pnpm is not installed).
const starters: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
  ['switchboard start', join(root, 'node_modules/.bin/switchboard'), ['start']],
  ['pnpm start', 'pnpm', ['start']],
  ['npm start', 'npm', ['start']],
];

describe('Ctrl-C', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function startService() {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-ctrl-c-'));
    dirs.push(dir);
    const [port, pgPort] = [await freePort(), await freePort()];
    // The embedded defaults, as on a fresh machine: no DATABASE_URL, no NATS_URL.
    const env = { DATABASE_URL: '', NATS_URL: '', PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn' };
    return { port, pgPort, env, url: `http://127.0.0.1:${port}` };
  }

  it.each(starters)('stops `%s` cleanly: exit code 0, no ELIFECYCLE, PostgreSQL stopped after the service, not before', async (_name, command, args) => {
    const service = await startService();
    const job = runInTerminal(command, args, service.env);
    await eventually(async () => (await http(service.url, 'GET', '/healthz')).status === 200, 90_000, 'the service to be healthy');
    expect(await portOpen(service.pgPort)).toBe(true);
    // Work in flight when Ctrl-C comes: the service must finish it on a PostgreSQL still up.
    await http(service.url, 'POST', '/v1/reps', { name: 'Ana Ruiz', email: 'ana@acme.test' });

    job.ctrlC();
    const exit = await job.exited;
    expect({ ...exit, complaints: complaints(job.output()) }).toEqual({ code: 0, signal: null, complaints: [] });
    expect(job.output()).toContain('SIGINT: shutting down');
    expect(await portOpen(service.port)).toBe(false);
    expect(await portOpen(service.pgPort)).toBe(false);
  });

  it('leaves no embedded PostgreSQL behind when the service is killed outright (SIGKILL)', async () => {
    const service = await startService();
    const job = runInTerminal(join(root, 'node_modules/.bin/switchboard'), ['start'], service.env);
    await eventually(async () => (await http(service.url, 'GET', '/healthz')).status === 200, 90_000, 'the service to be healthy');
    expect(await portOpen(service.pgPort)).toBe(true);
    job.child.kill('SIGKILL');
    await job.exited;
    // Its own process group kept PostgreSQL out of the terminal's Ctrl-C; the pipe it was
    // started with still ends it with the service.
    await eventually(async () => !(await portOpen(service.pgPort)), 20_000, 'the embedded PostgreSQL to stop');
  });

  it('stops `switchboard watch` with exit code 0', async () => {
    const service = await startService();
    const server = runInTerminal(join(root, 'node_modules/.bin/switchboard'), ['start'], service.env);
    try {
      await eventually(async () => (await http(service.url, 'GET', '/healthz')).status === 200, 90_000, 'the service to be healthy');
      const watch = runInTerminal(join(root, 'node_modules/.bin/switchboard'), ['watch'], { SWITCHBOARD_URL: service.url, SWITCHBOARD_API_KEY: TEST_ADMIN_KEY });
      await eventually(async () => watch.output().includes('Ctrl-C to stop'), 30_000, 'watch to listen');
      watch.ctrlC();
      expect({ ...(await watch.exited), output: watch.output().trim() }).toEqual({ code: 0, signal: null, output: 'watching all events — Ctrl-C to stop' });
    } finally {
      server.ctrlC();
      await server.exited;
    }
  });
});
