import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { availableBuses, freePort, startTestSwitchboard } from '../support/index.ts';
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

describe('stopping the router with leads in flight', () => {
  it.each(availableBuses)('finishes routing them (on the %s bus) before it stops, without waiting on its own rep actors', async (bus) => {
    const sb = await startTestSwitchboard({ bus });
    try {
      const ana = (await http(sb.url, 'POST', '/v1/reps', { name: 'Ana Ruiz', email: 'ana@acme.test' })).body.id;
      await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [ana] });
      const posted = await Promise.all(Array.from({ length: 20 }, (_, i) => http(sb.url, 'POST', '/v1/leads', { email: `lead${i}@prospect.io` })));
      const started = performance.now();
      await sb.running.router!.stop();
      // Offers are answered by the same router's rep actors. Had those stopped first, an
      // in-flight offer would wait out its request timeout (5 s, always) and fail: a bound
      // well under it tells the two apart, not a speed target.
      expect(performance.now() - started).toBeLessThan(4000);
      const states = await sb.running.db
        .selectFrom('leads')
        .select('state')
        .where(
          'id',
          'in',
          posted.map((p) => p.body.id as string),
        )
        .execute();
      // Each lead is assigned, or still new for the next router to pick up: none half-routed.
      expect(states.every((s) => s.state === 'assigned' || s.state === 'new')).toBe(true);
    } finally {
      await sb.destroy();
    }
  });
});
