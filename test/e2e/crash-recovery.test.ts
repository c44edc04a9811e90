import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, createTestDatabase, deleteNamespaceStreams, eventually, http, type TestDatabase } from '../support/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];

/** Starts Switchboard in a child process and resolves with its URL. */
async function startChild(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/switchboard-process.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`switchboard child exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

describe('crash recovery of SLA deadlines', () => {
  let database: TestDatabase | undefined;
  const namespace = `t${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (process.env.NATS_URL) await deleteNamespaceStreams(namespace);
    await database?.drop();
  });

  it('breaches and re-assigns, once each, every lead whose deadline passed while the router was killed with SIGKILL', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, NATS_URL: process.env.NATS_URL ?? '', SWITCHBOARD_NAMESPACE: namespace };
    const first = await startChild(env);
    const { repIds } = await createTeamOfReps(first.url, { count: 3, sla: { response: '4s' } });
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await http(first.url, 'POST', '/v1/leads', { email: `crash${i}@acme.io` })).body.id);
    const owners = await eventually(async () => {
      const leads = await Promise.all(ids.map(async (id) => (await http(first.url, 'GET', `/v1/leads/${id}`)).body));
      return leads.every((l) => l.state === 'assigned') && new Map(leads.map((l) => [l.id as string, l.ownerId as string]));
    });
    const latestDeadline = Math.max(
      ...(await database.db.selectFrom('leads').select('sla_deadline_at').execute()).map((r) => (r.sla_deadline_at as Date).getTime()),
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(await database.db.selectFrom('timers').select('actor_id').where('kind', '=', 'sla').execute()).toHaveLength(9);

    // Every deadline passes while nothing runs.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, latestDeadline - Date.now()) + 500));
    const second = await startChild(env);
    const restartedAt = Date.now();
    const after = await eventually(
      async () => {
        const leads = await Promise.all(ids.map(async (id) => (await http(second.url, 'GET', `/v1/leads/${id}`)).body));
        return leads.every((l) => l.breaches === 1 && l.state === 'assigned') && leads;
      },
      20_000,
      'every lead breached once and re-assigned',
    );
    for (const lead of after) {
      expect(lead.ownerId).not.toBe(owners.get(lead.id));
      expect(repIds).toContain(lead.ownerId);
      expect(lead.events.filter((e: { type: string }) => e.type === 'lead.breached')).toHaveLength(1);
      expect(lead.assignments).toHaveLength(2);
      const breach = lead.events.find((e: { type: string }) => e.type === 'lead.breached');
      // Acted on promptly after start, not at some later poll.
      expect(Date.parse(breach.at) - restartedAt).toBeLessThan(5_000);
    }
    // The new deadlines are armed: one SLA timer per lead, none left over.
    expect(await database.db.selectFrom('timers').select('actor_id').where('kind', '=', 'sla').execute()).toHaveLength(9);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
