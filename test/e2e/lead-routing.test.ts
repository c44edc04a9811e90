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

describe.each(availableBuses)('lead routing on the %s bus', (bus) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('assigns 1,000 leads posted concurrently exactly once each, 200 ± 1 per rep of a 5-rep team', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds } = await createTeamOfReps(sb.url, { count: 5 });
    const answers = await mapConcurrent(Array.from({ length: 1000 }, (_, i) => i), 64, (i) =>
      http(sb!.url, 'POST', '/v1/leads', { email: `lead${i}@acme.io`, company: 'Acme', externalId: `burst-${i}` }),
    );
    expect(answers.map((a) => a.status).every((s) => s === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1000);

    const db = sb.database.db;
    await eventually(
      async () => {
        const row = await db
          .selectFrom('leads')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', '=', 'assigned')
          .executeTakeFirstOrThrow();
        return Number(row.n) === 1000;
      },
      30_000,
      '1,000 assigned leads',
    );
    const assignments = await db.selectFrom('assignments').select(['lead_id', 'rep_id', 'ended_at']).execute();
    expect(assignments).toHaveLength(1000);
    expect(new Set(assignments.map((a) => a.lead_id)).size).toBe(1000);
    expect(assignments.every((a) => a.ended_at === null)).toBe(true);
    const perRep = new Map<string, number>();
    for (const a of assignments) perRep.set(a.rep_id, (perRep.get(a.rep_id) ?? 0) + 1);
    expect([...perRep.keys()].sort()).toEqual([...repIds].sort());
    for (const n of perRep.values()) expect(Math.abs(n - 200)).toBeLessThanOrEqual(1);
    // The owner column agrees with the assignment log, and each rep's load is what it holds.
    const owners = await db.selectFrom('leads').select(['id', 'owner_id']).execute();
    const ownerOf = new Map(owners.map((o) => [o.id, o.owner_id]));
    for (const a of assignments) expect(ownerOf.get(a.lead_id)).toBe(a.rep_id);
    const reps = await http(sb.url, 'GET', '/v1/reps');
    for (const rep of reps.body.items) expect(rep.activeLeads).toBe(perRep.get(rep.id));
  });

  it('explains the assignment and records the lead’s history', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds, teamId } = await createTeamOfReps(sb.url, { count: 2, team: 'EMEA' });
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'ana@acme.io', firstName: 'Ana', team: 'emea' });
    expect(posted.status).toBe(202);
    const lead = await eventually(async () => {
      const r = await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`);
      return r.body.state === 'assigned' && r.body;
    });
    expect(lead.teamId).toBe(teamId);
    expect(repIds).toContain(lead.ownerId);
    expect(lead.events.map((e: { type: string }) => e.type)).toEqual(['lead.received', 'lead.routing', 'lead.assigned']);
    expect(lead.events.map((e: { from: string | null; to: string }) => `${e.from ?? '·'}→${e.to}`)).toEqual(['·→new', 'new→routing', 'routing→assigned']);
    const decision = lead.assignments[0].decision;
    expect(decision).toMatchObject({ teamName: 'EMEA', strategy: 'round_robin', chosenRepId: lead.ownerId, rule: null, configVersion: null });
    expect(decision.steps).toHaveLength(1);
    expect(decision.steps[0].via).toBe('team named in the lead');
    expect(decision.candidates).toHaveLength(2);
    expect(decision.summary).toMatch(/^team EMEA \(named in the lead\); 2 candidates; rep 0 and rep 1 eligible; round robin picked rep [01]/);
    // The same decision, from the explanation endpoint.
    const explained = await http(sb.url, 'GET', `/v1/leads/${posted.body.id}/decision`);
    expect(explained.status).toBe(200);
    expect(explained.body).toEqual(decision);
  });

  it('answers the same externalId again with 200 and the first lead, routing it once', async () => {
    sb = await startTestSwitchboard({ bus });
    await createTeamOfReps(sb.url, { count: 1 });
    const first = await http(sb.url, 'POST', '/v1/leads', { email: 'bo@acme.io', externalId: '00Q5e000001' });
    const again = await http(sb.url, 'POST', '/v1/leads', { email: 'bo@acme.io', externalId: '00Q5e000001' });
    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 200, body: { id: first.body.id, duplicate: true, merged: false } });
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${first.body.id}`)).body.state === 'assigned');
    const rows = await sb.database.db.selectFrom('leads').select('id').execute();
    expect(rows).toHaveLength(1);
  });

  it('holds leads as waiting while every rep is away, then assigns them when a rep comes back', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds } = await createTeamOfReps(sb.url, { count: 2 });
    for (const id of repIds) expect((await http(sb.url, 'PATCH', `/v1/reps/${id}`, { available: false })).body.state).toBe('away');
    const posted = await Promise.all([1, 2, 3].map((i) => http(sb!.url, 'POST', '/v1/leads', { email: `w${i}@acme.io` })));
    const waiting = await eventually(async () => {
      const r = await http(sb!.url, 'GET', '/v1/leads?state=waiting');
      return r.body.items.length === 3 && r.body.items;
    });
    expect(waiting[0].ownerId).toBeNull();
    const detail = await http(sb.url, 'GET', `/v1/leads/${posted[0]!.body.id}`);
    expect(detail.body.waitingReason).toBe('no rep of team "Sales" can take the lead now (2 away)');

    const back = await http(sb.url, 'PATCH', `/v1/reps/${repIds[1]}`, { available: true });
    expect(back.body.state).toBe('available');
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads?state=assigned&owner=${repIds[1]}`)).body.items.length === 3);
    expect((await http(sb.url, 'GET', '/v1/leads?state=waiting')).body.items).toHaveLength(0);
  });

  it('waits for a team when none exists, and routes once one is created', async () => {
    sb = await startTestSwitchboard({ bus });
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'early@acme.io' });
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'waiting');
    await createTeamOfReps(sb.url, { count: 1 });
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'assigned');
  });

  it('lists leads by state and owner, newest first, page by page', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds } = await createTeamOfReps(sb.url, { count: 2 });
    for (let i = 0; i < 6; i++) await http(sb.url, 'POST', '/v1/leads', { email: `p${i}@acme.io` });
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=assigned')).body.items.length === 6);
    const page1 = await http(sb.url, 'GET', `/v1/leads?owner=${repIds[0]}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.next).toBe(page1.body.items[1].id);
    const page2 = await http(sb.url, 'GET', `/v1/leads?owner=${repIds[0]}&limit=2&before=${page1.body.next}`);
    expect(page2.body.items).toHaveLength(1);
    const emails = [...page1.body.items, ...page2.body.items].map((l: { email: string }) => l.email);
    expect(emails).toEqual(['p4@acme.io', 'p2@acme.io', 'p0@acme.io']);
  });
});
