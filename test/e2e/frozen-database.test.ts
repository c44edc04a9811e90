import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, type RunningSwitchboard, startSwitchboard } from '@switchboard/server';
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from '@switchboard/store';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, freePort, http, TEST_ADMIN_KEY } from '../support/index.ts';

// A PostgreSQL that stops answering without closing its connections (frozen here with SIGSTOP;
// a network partition looks the same) held every request for good: nothing failed, nothing
// answered. Now a query waits SWITCHBOARD_DATABASE_TIMEOUT_SECONDS at most, and the request
// answers 503 saying that whether it was stored is not known yet (or, when it was still waiting
// for a connection, that nothing was stored).

/** The postmaster's pid and every backend it started. */
function postgresProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number);
  return [postmaster, ...children];
}

const signal = (pids: ReadonlyArray<number>, name: NodeJS.Signals) => {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // gone already
    }
  }
};

describe('a PostgreSQL that stops answering', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-frozen-'));
  let database: EmbeddedPostgresServer | undefined;
  let sb: RunningSwitchboard | undefined;
  let frozen: number[] = [];
  afterAll(async () => {
    signal(frozen, 'SIGCONT');
    await sb?.stop();
    await database?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 within the query timeout instead of hanging, and works again once it answers', { timeout: 120_000 }, async () => {
    const dataDir = join(dir, 'pg');
    database = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    sb = await startSwitchboard(
      configFromEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, SWITCHBOARD_NAMESPACE: 'frozen', SWITCHBOARD_DATABASE_TIMEOUT_SECONDS: '2', SWITCHBOARD_ADMIN_KEY: TEST_ADMIN_KEY }),
      { logger: pino({ level: 'silent' }) },
    );
    const url = sb.url;
    await createTeamOfReps(url, { count: 2 });
    expect((await http(url, 'POST', '/v1/leads', { email: 'before@frozen.test', externalId: 'before' })).status).toBe(202);

    frozen = postgresProcesses(dataDir);
    signal(frozen, 'SIGSTOP');
    const started = Date.now();
    const during = await http(url, 'POST', '/v1/leads', { email: 'during@frozen.test', externalId: 'during' });
    const waited = Date.now() - started;
    expect(during.status).toBe(503);
    // Sent on a connection the pool had: the statement may have reached the database, so
    // "not known yet". Waiting for a new connection (the pool had none idle): "nothing stored".
    // Both are true of their case; which one happens depends on the pool at that moment.
    expect(during.body).toMatchObject({
      error: 'database_unavailable',
      message: expect.stringMatching(/whether this request was stored is not known yet|nothing was stored or changed/),
    });
    // The 2 s timeout, perhaps twice (a connection wait then a query): never minutes.
    expect(waited).toBeLessThan(10_000);
    expect((await http(url, 'GET', '/v1/reps')).status).toBe(503);

    signal(frozen, 'SIGCONT');
    frozen = [];
    // The lead sent during the freeze is sent again with its externalId, as the 503 says: stored once.
    const again = await eventually(async () => {
      const response = await http(url, 'POST', '/v1/leads', { email: 'during@frozen.test', externalId: 'during' });
      return response.status < 500 && response;
    }, 30_000, 'the API to answer again');
    expect([200, 202]).toContain(again.status);
    const listed = await eventually(async () => {
      const { body } = await http(url, 'GET', '/v1/leads?limit=10');
      const items = body.items as Array<{ externalId: string | null; state: string }>;
      return items.filter((lead) => lead.externalId === 'during').length === 1 && items.every((lead) => lead.state === 'assigned') && items;
    }, 30_000, 'both leads assigned, the one sent during the freeze once');
    expect(listed.map((lead) => lead.externalId).sort()).toEqual(['before', 'during']);
  });
});
