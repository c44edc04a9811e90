import { http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let sb: TestSwitchboard;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
});
afterAll(async () => {
  await sb?.destroy();
});

describe('switchboard keys and audit', () => {
  it('creates, lists and revokes keys from the CLI, showing the key once', async () => {
    const created = await runCli(sb.url, 'keys', 'create', '--name', 'HubSpot form', '--role', 'intake');
    expect(created.exitCode).toBe(0);
    const key = /\n {2}(sbk_\S+)/.exec(created.out)?.[1] as string;
    expect(key).toBeDefined();
    expect((await http(sb.url, 'POST', '/v1/leads', { email: 'cli-key@acme.io' }, { key })).status).toBe(202);
    expect((await http(sb.url, 'GET', '/v1/leads', undefined, { key })).status).toBe(403);
    const listed = await runCli(sb.url, 'keys', 'list');
    expect(listed.out).toMatch(/HubSpot form\s+│?\s*intake/);
    expect(listed.out).not.toContain(key);
    const id = /Key created: HubSpot form \(([0-9a-f-]{36})\)/.exec(created.out)?.[1] as string;
    expect((await runCli(sb.url, 'keys', 'revoke', id)).out).toContain('Key revoked: HubSpot form');
    expect((await http(sb.url, 'POST', '/v1/leads', { email: 'after@acme.io' }, { key })).status).toBe(401);
    const bad = await runCli(sb.url, 'keys', 'create', '--name', 'x', '--role', 'root');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.err).toContain('root');
  });

  it('prints the audit log, filtered by actor', async () => {
    const ana = (await http(sb.url, 'POST', '/v1/keys', { name: 'Ana (RevOps)', role: 'admin' })).body.key as string;
    const rep = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@example.com' }, { key: ana })).body.id as string;
    const printed = await runCli(sb.url, 'audit', '--actor', 'Ana (RevOps)');
    expect(printed.exitCode).toBe(0);
    expect(printed.out).toContain('POST /v1/reps');
    expect(printed.out).toContain(`rep ${rep}`);
    expect(printed.out).not.toContain('SWITCHBOARD_ADMIN_KEY');
    const all = await runCli(sb.url, 'audit', '--json');
    const entries = JSON.parse(all.out).items as Array<{ actor: string; action: string }>;
    expect(entries[0]).toMatchObject({ actor: 'Ana (RevOps)', action: 'POST /v1/reps' });
    expect(entries[1]).toMatchObject({ actor: 'SWITCHBOARD_ADMIN_KEY', action: 'POST /v1/keys' });
  });
});
