import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

let sb: TestSwitchboard;
let repIds: string[];
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  ({ repIds } = await createTeamOfReps(sb.url, { count: 2 }));
});
afterAll(async () => {
  await sb?.destroy();
});

async function assignedLead(email: string): Promise<{ id: string; ownerId: string }> {
  const posted = await http(sb.url, 'POST', '/v1/leads', { email });
  return eventually(async () => {
    const lead = (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
    return lead.state === 'assigned' && lead;
  });
}

describe('after assignment: touches, close, reject, deactivation', () => {
  it('closes a lead, freeing its owner’s slot, and refuses to touch or close it again with 409', async () => {
    const lead = await assignedLead('close@acme.io');
    const before = (await http(sb.url, 'GET', `/v1/reps/${lead.ownerId}`)).body.activeLeads;
    expect(await http(sb.url, 'POST', `/v1/leads/${lead.id}/close`, { outcome: 'converted' })).toMatchObject({ status: 200, body: { state: 'converted' } });
    expect((await http(sb.url, 'GET', `/v1/reps/${lead.ownerId}`)).body.activeLeads).toBe(before - 1);
    const touch = await http(sb.url, 'POST', `/v1/leads/${lead.id}/touches`, { type: 'call' });
    expect(touch.status).toBe(409);
    expect(touch.body.message).toContain('is converted');
    const again = await http(sb.url, 'POST', `/v1/leads/${lead.id}/close`, { outcome: 'won' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already converted');
    const events = (await http(sb.url, 'GET', `/v1/leads/${lead.id}`)).body.events.map((e: { type: string }) => e.type);
    expect(events.at(-1)).toBe('lead.converted');
  });

  it('answers 404 for an unknown lead and 400 for a bad touch type, changing nothing', async () => {
    const missing = await http(sb.url, 'POST', '/v1/leads/0190f0f0-0000-7000-8000-000000000000/touches', { type: 'call' });
    expect(missing).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const lead = await assignedLead('badtouch@acme.io');
    const bad = await http(sb.url, 'POST', `/v1/leads/${lead.id}/touches`, { type: 'carrier-pigeon' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('type: must be one of call, email, status_change, meeting');
    expect((await http(sb.url, 'GET', `/v1/leads/${lead.id}`)).body.state).toBe('assigned');
  });

  it('lets the owner reject a lead, which goes to another rep and never back', async () => {
    const lead = await assignedLead('reject@acme.io');
    const notOwner = repIds.find((id) => id !== lead.ownerId) as string;
    const wrong = await http(sb.url, 'POST', `/v1/leads/${lead.id}/reject`, { repId: notOwner, reason: 'not mine' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.message).toContain("only the lead's owner can reject it");
    const rejected = await http(sb.url, 'POST', `/v1/leads/${lead.id}/reject`, { reason: 'wrong language' });
    expect(rejected).toMatchObject({ status: 200, body: { state: 'assigned', ownerId: notOwner } });
    const detail = (await http(sb.url, 'GET', `/v1/leads/${lead.id}`)).body;
    expect(detail.events.map((e: { type: string }) => e.type)).toContain('lead.rejected');
    expect(detail.assignments.map((a: { endReason: string | null }) => a.endReason)).toEqual(['rejected', null]);
  });

  it('limits rejections per rep per day: the eleventh is refused with 409 and changes nothing', async () => {
    const { repIds: solo } = await createTeamOfReps(sb.url, { count: 1, team: 'Solo' });
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push((await http(sb.url, 'POST', '/v1/leads', { email: `picky${i}@acme.io`, team: 'Solo' })).body.id);
    await eventually(async () => {
      const states = await Promise.all(ids.map(async (id) => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body.ownerId));
      return states.every((owner) => owner === solo[0]);
    });
    for (const id of ids.slice(0, 10)) {
      // Nobody else is in the team: a rejected lead waits.
      expect(await http(sb.url, 'POST', `/v1/leads/${id}/reject`, { reason: 'not my segment' })).toMatchObject({ status: 200, body: { state: 'waiting' } });
    }
    const eleventh = await http(sb.url, 'POST', `/v1/leads/${ids[10]}/reject`, { reason: 'not my segment' });
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.message).toContain('has rejected 10 leads today, the daily limit');
    expect((await http(sb.url, 'GET', `/v1/leads/${ids[10]}`)).body).toMatchObject({ state: 'assigned', ownerId: solo[0] });
  });

  it('re-routes the open leads of a deactivated rep: no lead keeps an inactive owner', async () => {
    const { repIds: team } = await createTeamOfReps(sb.url, { count: 2, team: 'Deactivation' });
    const leads: string[] = [];
    for (let i = 0; i < 4; i++) {
      const posted = await http(sb.url, 'POST', '/v1/leads', { email: `deact${i}@acme.io`, team: 'Deactivation' });
      leads.push(posted.body.id as string);
    }
    await eventually(async () => {
      const states = await Promise.all(leads.map(async (id) => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body.state));
      return states.every((s) => s === 'assigned');
    });
    const gone = team[0] as string;
    const answer = await http(sb.url, 'PATCH', `/v1/reps/${gone}`, { active: false });
    expect(answer.body.state).toBe('inactive');
    for (const id of leads) {
      const lead = (await http(sb.url, 'GET', `/v1/leads/${id}`)).body;
      expect(lead.ownerId).toBe(team[1]);
    }
    expect((await http(sb.url, 'GET', `/v1/reps/${gone}`)).body.activeLeads).toBe(0);
    // The rep actor's own log records the change and its cause.
    const log = await sb.database.db.selectFrom('rep_events').selectAll().where('rep_id', '=', gone).orderBy('id').execute();
    expect(log.at(-1)).toMatchObject({ from_state: 'available', to_state: 'inactive', cause: 'profile-changed', active_leads: 2 });
  });

  it('rejects an invalid time zone and an overlapping working-hours interval, naming the field', async () => {
    const tz = await http(sb.url, 'PATCH', `/v1/reps/${repIds[0]}`, { timezone: 'Mars/Base' });
    expect(tz.status).toBe(400);
    expect(tz.body.message).toContain('timezone: unknown time zone "Mars/Base"');
    const hours = await http(sb.url, 'PATCH', `/v1/reps/${repIds[0]}`, {
      workingHours: { mon: [{ from: '09:00', to: '13:00' }, { from: '12:00', to: '18:00' }] },
    });
    expect(hours.status).toBe(400);
    expect(hours.body.errors[0].path).toMatch(/^workingHours\.mon/);
    const sla = await http(sb.url, 'POST', '/v1/teams', { name: 'Bad SLA', members: [], sla: { response: 'soon' } });
    expect(sla.status).toBe(400);
    expect(sla.body.message).toContain('sla.response');
  });
});
