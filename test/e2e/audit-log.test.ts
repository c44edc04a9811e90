import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

let sb: TestSwitchboard;
let ana: string;
let ops: string;
let repIds: string[];
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  ({ repIds } = await createTeamOfReps(sb.url, { count: 2, cap: 5 }));
  ana = (await http(sb.url, 'POST', '/v1/keys', { name: 'Ana (RevOps)', role: 'admin' })).body.key;
  ops = (await http(sb.url, 'POST', '/v1/keys', { name: 'Ops desk', role: 'operator' })).body.key;
});
afterAll(async () => {
  await sb?.destroy();
});

const entries = async (query = '') => (await http(sb.url, 'GET', `/v1/audit${query}`)).body.items as Array<Record<string, any>>;

describe('the audit log', () => {
  it('records who changed a rep, the configuration and a lead, with the state before and after, and no secrets', async () => {
    const rep = repIds[0] as string;
    expect((await http(sb.url, 'PATCH', `/v1/reps/${rep}`, { cap: 9 }, { key: ana })).status).toBe(200);
    const change = (await entries(`?kind=rep&target=${rep}`))[0];
    expect(change).toMatchObject({ actor: 'Ana (RevOps)', actorRole: 'admin', action: 'PATCH /v1/reps/:id', targetKind: 'rep', targetId: rep, status: 200 });
    expect(change?.before.cap).toBe(5);
    expect(change?.after.cap).toBe(9);

    const lead = (await http(sb.url, 'POST', '/v1/leads', { email: 'audit@acme.io' })).body.id as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${lead}`)).body.state === 'assigned');
    expect((await http(sb.url, 'POST', `/v1/leads/${lead}/close`, { outcome: 'won' }, { key: ops })).status).toBe(200);
    const closed = (await entries(`?target=${lead}`))[0];
    expect(closed).toMatchObject({ actor: 'Ops desk', actorRole: 'operator', action: 'POST /v1/leads/:id/close', targetKind: 'lead' });
    expect(closed?.before.state).toBe('assigned');
    const config = { teams: [{ name: 'Sales', members: repIds, strategy: 'round_robin' }] };
    const applied = await http(sb.url, 'PUT', '/v1/config', config, { key: ana });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const configChange = (await entries('?kind=config'))[0];
    expect(configChange).toMatchObject({ actor: 'Ana (RevOps)', action: 'PUT /v1/config', before: null });
    expect(configChange?.after.teams[0]).toMatchObject({ name: 'Sales', strategy: 'round_robin' });

    // Intake is not a change anyone made: it has its own history.
    expect((await entries()).some((e) => e.action === 'POST /v1/leads')).toBe(false);

    // A refused change is not one. (The rep's entries: made, then its cap changed.)
    expect((await entries(`?kind=rep&target=${rep}`)).map((e) => e.action)).toEqual(['PATCH /v1/reps/:id', 'POST /v1/reps']);
    expect((await http(sb.url, 'PATCH', `/v1/reps/${rep}`, { cap: -1 }, { key: ana })).status).toBe(400);
    expect(await entries(`?kind=rep&target=${rep}`)).toHaveLength(2);

    // A sign-in to the console is made by whom it signs in, and keeps no key.
    expect((await http(sb.url, 'POST', '/v1/session', { key: ops }, { key: null })).status).toBe(200);
    const signIn = (await entries('?kind=session'))[0];
    expect(signIn).toMatchObject({ actor: 'Ops desk', actorRole: 'operator', action: 'POST /v1/session' });
    expect(JSON.stringify(signIn)).not.toContain('sbk_');

    // Keys are recorded without their secrets.
    const keyEntries = await entries('?kind=key');
    expect(keyEntries.map((e) => e.after.name)).toEqual(expect.arrayContaining(['Ana (RevOps)', 'Ops desk']));
    expect(JSON.stringify(keyEntries)).not.toContain('sbk_');
    expect(keyEntries.every((e) => e.after.key === '[redacted]')).toBe(true);
  });

  it('is an admin’s to read, filtered by actor', async () => {
    expect((await http(sb.url, 'GET', '/v1/audit', undefined, { key: ops })).status).toBe(403);
    const mine = await entries(`?actor=${encodeURIComponent('Ops desk')}`);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actor === 'Ops desk')).toBe(true);
  });
});
