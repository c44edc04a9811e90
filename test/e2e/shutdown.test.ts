import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/index.ts';
import { eventually, http } from '../support/index.ts';

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

describe('`switchboard start` as a process', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('shuts down cleanly on %s: exit code 0, embedded PostgreSQL stopped', async (signal) => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-shutdown-'));
    const [port, pgPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/src/main.ts', 'start'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', NATS_URL: '', PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await eventually(async () => (await http(`http://127.0.0.1:${port}`, 'GET', '/healthz')).status === 200, 60_000, 'the service to be healthy');
    expect(await portOpen(pgPort)).toBe(true);

    child.kill(signal);
    expect(await exited).toBe(0);
    expect(stderr).toContain(`${signal}: shutting down`);
    expect(await portOpen(pgPort)).toBe(false);
    expect(await portOpen(port)).toBe(false);
  });
});
