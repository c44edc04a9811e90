import { afterEach, describe, expect, it } from 'vitest';
import {
  availableBuses,
  createTeamOfReps,
  eventually,
  http,
  mapConcurrent,
  startTestSwitchboard,
  type TestSwitchboard,
} from '../support/index.ts';

async function snapshotOfAssignments(sb: TestSwitchboard) {
  const leads = await sb.database.db.selectFrom('leads').select(['id', 'state', 'owner_id']).orderBy('id').execute();
  const assignments = await sb.database.db.selectFrom('assignments').select(['lead_id', 'rep_id']).orderBy('lead_id').execute();
  return { leads, assignments };
}

describe.each(availableBuses)('restart on the %s bus', (bus) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('keeps every lead and assignment across a restart, and keeps the rotation going', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds } = await createTeamOfReps(sb.url, { count: 3 });
    await mapConcurrent(Array.from({ length: 30 }, (_, i) => i), 10, (i) => http(sb!.url, 'POST', '/v1/leads', { email: `r${i}@acme.io` }));
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=assigned&limit=100')).body.items.length === 30);
    const before = await snapshotOfAssignments(sb);

    sb = await sb.restart();
    expect(await snapshotOfAssignments(sb)).toEqual(before);
    const reps = (await http(sb.url, 'GET', '/v1/reps')).body.items;
    expect(reps.map((r: { activeLeads: number }) => r.activeLeads)).toEqual([10, 10, 10]);

    // Round robin continues where it stopped: three more leads, one per rep.
    for (let i = 0; i < 3; i++) await http(sb.url, 'POST', '/v1/leads', { email: `after${i}@acme.io` });
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=assigned&limit=100')).body.items.length === 33);
    const after = (await http(sb.url, 'GET', '/v1/reps')).body.items;
    expect(after.map((r: { activeLeads: number }) => r.activeLeads)).toEqual([11, 11, 11]);
    expect(after.map((r: { id: string }) => r.id).sort()).toEqual([...repIds].sort());
  });

  it('routes leads that were accepted while no router was running, once one starts', async () => {
    sb = await startTestSwitchboard({ bus, router: false });
    // Without a router the API still stores the team; the router reads it on start.
    await createTeamOfReps(sb.url, { count: 2 });
    const posted = await Promise.all([0, 1, 2, 3].map((i) => http(sb!.url, 'POST', '/v1/leads', { email: `down${i}@acme.io` })));
    expect(posted.every((p) => p.status === 202)).toBe(true);
    expect((await http(sb.url, 'GET', '/v1/leads?state=new')).body.items).toHaveLength(4);

    sb = await sb.restart();
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=assigned')).body.items.length === 4);
    const assignments = await sb.database.db.selectFrom('assignments').select('lead_id').execute();
    expect(assignments).toHaveLength(4);
  });

  it('keeps waiting leads waiting across a restart, and offers the oldest first', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds } = await createTeamOfReps(sb.url, { count: 1, cap: 1 });
    await http(sb.url, 'PATCH', `/v1/reps/${repIds[0]}`, { available: false });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await http(sb.url, 'POST', '/v1/leads', { email: `wait${i}@acme.io` })).body.id);
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=waiting')).body.items.length === 3);

    sb = await sb.restart();
    expect((await http(sb.url, 'GET', '/v1/leads?state=waiting')).body.items).toHaveLength(3);
    // One free slot: the oldest waiting lead takes it.
    expect((await http(sb.url, 'PATCH', `/v1/reps/${repIds[0]}`, { available: true })).body.state).toBe('available');
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${ids[0]}`)).body.state === 'assigned');
    expect((await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`)).body).toMatchObject({ state: 'capped', activeLeads: 1 });
    const stillWaiting = (await http(sb.url, 'GET', '/v1/leads?state=waiting')).body.items.map((l: { id: string }) => l.id);
    expect(stillWaiting.sort()).toEqual([ids[1], ids[2]].sort());
    // Two more slots: the other two, and nothing is left waiting.
    await http(sb.url, 'PATCH', `/v1/reps/${repIds[0]}`, { cap: 3 });
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=assigned')).body.items.length === 3);
    expect((await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`)).body).toMatchObject({ state: 'capped', activeLeads: 3 });
  });
});
