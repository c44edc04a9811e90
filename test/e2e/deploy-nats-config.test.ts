import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSubjects } from '@switchboard/bus';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, createTestDatabase, eventually, freePort, http, type TestDatabase } from '../support/index.ts';
import { killChild, type SwitchboardChild, startSwitchboardChild } from '../support/switchboard-child.ts';

// deploy/nats/nats-server.conf on the NATS version it names (2.10: `sync_interval` is unknown to
// 2.9, which this machine's Debian ships). CI fetches Debian's nats-server 2.10 package and sets
// DEPLOY_NATS_SERVER_BIN (see .ci/run); Switchboard runs against a server started from that very
// file and routes a lead through it.

const bin = process.env.DEPLOY_NATS_SERVER_BIN;
if (!bin) console.warn('\n[switchboard] the deploy/ NATS config test needs DEPLOY_NATS_SERVER_BIN (a nats-server 2.10 or newer; .ci/run fetches Debian\'s): SKIPPED.\n');

const CONFIG = join(import.meta.dirname, '../../deploy/nats/nats-server.conf');

describe.runIf(Boolean(bin))('deploy/nats/nats-server.conf', () => {
  const store = mkdtempSync(join(tmpdir(), 'sb-deploy-nats-'));
  let server: ChildProcess | undefined;
  let database: TestDatabase | undefined;
  let switchboard: SwitchboardChild | undefined;
  afterAll(async () => {
    await killChild(switchboard);
    await database?.drop();
    if (server && server.exitCode === null) {
      await new Promise((resolve) => {
        server!.once('exit', resolve);
        server!.kill('SIGTERM');
      });
    }
    rmSync(store, { recursive: true, force: true });
  });

  it('is valid on the NATS version it names, and Switchboard routes a lead through a server started from it', { timeout: 120_000 }, async () => {
    const version = execFileSync(bin!, ['--version'], { encoding: 'utf8' });
    const [major, minor] = (version.match(/v(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
    expect(major! * 100 + minor!, `the file needs nats-server 2.10 or newer; DEPLOY_NATS_SERVER_BIN is ${version.trim()}`).toBeGreaterThanOrEqual(210);
    const checked = spawnSync(bin!, ['-c', CONFIG, '-t'], { encoding: 'utf8' });
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stderr + checked.stdout).toContain('is valid');

    // The file as deployed, but on ports and a store directory of the test's own (the server
    // refuses a second store_dir from its command line).
    const [port, monitor] = [await freePort(), await freePort()];
    const deployed = readFileSync(CONFIG, 'utf8');
    expect(deployed).toMatch(/^\s*store_dir: \/data$/m);
    const config = join(store, 'nats-server.conf');
    writeFileSync(config, deployed.replace(/^(\s*)store_dir: \/data$/m, `$1store_dir: ${JSON.stringify(join(store, 'data'))}`));
    server = spawn(bin!, ['-c', config, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor)], { stdio: 'ignore' });
    const natsUrl = `nats://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`).catch(() => undefined))?.status === 200, 20_000, 'NATS from the deploy/ config to be healthy');
    const jsz = (await (await fetch(`http://127.0.0.1:${monitor}/jsz`)).json()) as { config?: { sync_always?: boolean; store_dir?: string } };
    // sync_interval: always is in force (the reason the file needs 2.10).
    expect(jsz.config?.sync_always).toBe(true);

    database = await createTestDatabase();
    const namespace = `d${randomBytes(5).toString('hex')}`;
    switchboard = await startSwitchboardChild({ DATABASE_URL: database.url, NATS_URL: natsUrl, SWITCHBOARD_NAMESPACE: namespace, LOG_LEVEL: 'warn' });
    await createTeamOfReps(switchboard.url, { count: 2 });
    const posted = await http(switchboard.url, 'POST', '/v1/leads', { email: 'deploy@nats.test' });
    expect([201, 202]).toContain(posted.status);
    await eventually(async () => (await http(switchboard!.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'assigned', 20_000, 'the lead to be assigned');
    // Its streams live on this server, in file storage.
    const info = (await (await fetch(`http://127.0.0.1:${monitor}/jsz?streams=true&config=true`)).json()) as {
      account_details?: Array<{ stream_detail?: Array<{ name: string; config?: { storage?: string } }> }>;
    };
    const streams = (info.account_details ?? []).flatMap((a) => a.stream_detail ?? []);
    expect(streams.find((s) => s.name === createSubjects(namespace).streams.intake)?.config?.storage).toBe('file');
  });
});
