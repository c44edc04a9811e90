import { leadLifecycleEventSchema } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, http, ManualScheduler, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

const MINUTE = 60_000;

// These tests move the manual clock across a night: every 30 s of it the timer poll runs and
// is let settle, which takes real time (about a minute on a loaded machine); not a speed target.
const OVERNIGHT_TIMEOUT_MS = 180_000;

describe('response SLA on a controllable clock', () => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  const leadOf = async (id: string) => (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body;
  const repOf = async (id: string) => (await http(sb!.url, 'GET', `/v1/reps/${id}`)).body;

  it('re-assigns a lead untouched past its 15-minute SLA to another rep, drops the first rep’s load, and keeps both in the history', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const { repIds } = await createTeamOfReps(sb.url, { count: 2, sla: { response: 'PT15M' } });
    const published: unknown[] = [];
    const watch = await sb.running.bus.subscribe(sb.running.subjects.allEvents, (event) => published.push(event.json()));
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'slow@acme.io' });
    const first = await eventually(async () => {
      const lead = await leadOf(posted.body.id);
      return lead.state === 'assigned' && lead;
    });
    expect(Date.parse(first.slaDeadlineAt) - clock.now()).toBeLessThanOrEqual(15 * MINUTE);
    const firstOwner = first.ownerId as string;
    const otherRep = repIds.find((id) => id !== firstOwner) as string;
    expect((await repOf(firstOwner)).activeLeads).toBe(1);

    await clock.advance(14 * MINUTE);
    expect((await leadOf(posted.body.id)).ownerId).toBe(firstOwner);

    await clock.advance(2 * MINUTE);
    const after = await eventually(async () => {
      const lead = await leadOf(posted.body.id);
      return lead.ownerId === otherRep && lead;
    });
    expect(after).toMatchObject({ state: 'assigned', breaches: 1 });
    expect((await repOf(firstOwner)).activeLeads).toBe(0);
    expect((await repOf(otherRep)).activeLeads).toBe(1);
    expect(after.events.map((e: { type: string }) => e.type)).toEqual([
      'lead.received',
      'lead.routing',
      'lead.assigned',
      'lead.breached',
      'lead.routing',
      'lead.assigned',
    ]);
    expect(after.assignments.map((a: { repId: string; endReason: string | null }) => [a.repId, a.endReason])).toEqual([
      [firstOwner, 'breached'],
      [otherRep, null],
    ]);
    const second = after.assignments[1].decision;
    expect(second.candidates.find((c: { repId: string }) => c.repId === firstOwner)).toMatchObject({ verdict: 'excluded', reason: 'breached' });

    // What went out on the event stream matches its documented schemas.
    await eventually(async () => published.length >= 4);
    await watch.stop();
    const types = published.map((event) => leadLifecycleEventSchema.parse(event).type);
    expect(types).toEqual(['lead.received', 'lead.assigned', 'lead.breached', 'lead.assigned']);
  });

  it('stops the clock on a touch, and breaches on the follow-up SLA instead', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    await createTeamOfReps(sb.url, { count: 2, sla: { response: '15m', followUp: '1h' } });
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'touched@acme.io' });
    const first = await eventually(async () => {
      const lead = await leadOf(posted.body.id);
      return lead.state === 'assigned' && lead;
    });
    await clock.advance(5 * MINUTE);
    const touched = await http(sb.url, 'POST', `/v1/leads/${posted.body.id}/touches`, { type: 'call' });
    expect(touched).toMatchObject({ status: 200, body: { state: 'touched', ownerId: first.ownerId } });
    await clock.advance(20 * MINUTE);
    expect(await leadOf(posted.body.id)).toMatchObject({ state: 'touched', ownerId: first.ownerId, breaches: 0 });
    await clock.advance(50 * MINUTE);
    const breached = await eventually(async () => {
      const lead = await leadOf(posted.body.id);
      return lead.breaches === 1 && lead;
    });
    expect(breached.ownerId).not.toBe(first.ownerId);
  });

  it('escalates after the policy’s maximum of breaches, to the last owner’s manager', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const boss = await http(sb.url, 'POST', '/v1/reps', { name: 'Boss', email: 'boss@example.com' });
    const { repIds } = await createTeamOfReps(sb.url, { count: 2, sla: { response: '10m', maxBreaches: 2 }, rep: { managerId: boss.body.id } });
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'hot@acme.io' });
    await eventually(async () => (await leadOf(posted.body.id)).state === 'assigned');
    await clock.advance(11 * MINUTE);
    await eventually(async () => (await leadOf(posted.body.id)).breaches === 1);
    await clock.advance(11 * MINUTE);
    const escalated = await eventually(async () => {
      const lead = await leadOf(posted.body.id);
      return lead.state === 'escalated' && lead;
    });
    expect(escalated).toMatchObject({ breaches: 2, ownerId: boss.body.id });
    for (const id of repIds) expect((await repOf(id)).activeLeads).toBe(0);
  });

  it('counts a business-hours SLA in the owner’s working hours: 17:55 + 15 min breaches at 09:10 the next working day', async () => {
    // Monday 2026-11-23, 17:55 in Berlin.
    const clock = new ManualScheduler(Date.parse('2026-11-23T17:55:00+01:00'));
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const hours = { mon: [{ from: '09:00', to: '18:00' }], tue: [{ from: '09:00', to: '18:00' }] };
    await createTeamOfReps(sb.url, {
      count: 2,
      sla: { response: '15m', businessHours: true },
      rep: { timezone: 'Europe/Berlin', workingHours: hours },
    });
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'late@acme.io' });
    const lead = await eventually(async () => {
      const l = await leadOf(posted.body.id);
      return l.state === 'assigned' && l;
    });
    expect(lead.slaDeadlineAt).toBe(new Date('2026-11-24T09:10:00+01:00').toISOString());
    await clock.advanceTo(Date.parse('2026-11-24T09:09:00+01:00'));
    expect(await leadOf(posted.body.id)).toMatchObject({ ownerId: lead.ownerId, breaches: 0 });
    await clock.advanceTo(Date.parse('2026-11-24T09:11:00+01:00'));
    await eventually(async () => (await leadOf(posted.body.id)).breaches === 1);
  }, OVERNIGHT_TIMEOUT_MS);
});

describe('rep schedules on a controllable clock', () => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('brings a rep on shift by itself at the start of its working hours, and hands it the lead that waited', async () => {
    // Monday 2026-11-23, 08:30 in New York; the shift starts at 09:00.
    const clock = new ManualScheduler(Date.parse('2026-11-23T08:30:00-05:00'));
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const { repIds } = await createTeamOfReps(sb.url, {
      count: 1,
      rep: { timezone: 'America/New_York', workingHours: { mon: [{ from: '09:00', to: '17:00' }] } },
    });
    expect((await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`)).body.state).toBe('offline');
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'early-bird@acme.io' });
    const waiting = await eventually(async () => {
      const lead = (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
      return lead.state === 'waiting' && lead;
    });
    expect(waiting.waitingReason).toContain('1 offline');

    await clock.advanceTo(Date.parse('2026-11-23T09:00:01-05:00'));
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body.ownerId === repIds[0]);
    expect((await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`)).body).toMatchObject({ state: 'available', activeLeads: 1 });

    await clock.advanceTo(Date.parse('2026-11-23T17:00:01-05:00'));
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/reps/${repIds[0]}`)).body.state === 'offline');
  }, OVERNIGHT_TIMEOUT_MS);
});

describe('waiting leads on a controllable clock', () => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('raises a "time unassigned" alert once a lead has waited longer than the team allows', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const { repIds } = await createTeamOfReps(sb.url, { count: 1, sla: { response: '15m', unassignedAlert: '10m' } });
    await http(sb.url, 'PATCH', `/v1/reps/${repIds[0]}`, { available: false });
    const alerts: unknown[] = [];
    const watch = await sb.running.bus.subscribe(sb.running.subjects.event('lead.unassigned_alert'), (event) => alerts.push(event.json()));
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'nobody-home@acme.io' });
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'waiting');
    await clock.advance(9 * MINUTE);
    expect(alerts).toHaveLength(0);
    await clock.advance(2 * MINUTE);
    await eventually(async () => alerts.length === 1);
    expect(leadLifecycleEventSchema.parse(alerts[0])).toMatchObject({ type: 'lead.unassigned_alert', leadId: posted.body.id });
    const lead = (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
    expect(lead.state).toBe('waiting');
    expect(lead.events.at(-1).type).toBe('lead.unassigned_alert');
    // Once: not again when a slow timer poll arms the same (already fired) timer a second time.
    expect(lead.events.filter((e: { type: string }) => e.type === 'lead.unassigned_alert')).toHaveLength(1);
    await watch.stop();
  });
});

describe('cap windows on a controllable clock', () => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('caps a rep at its hourly cap and gives it the waiting lead when the next hour begins', async () => {
    const clock = new ManualScheduler(Date.parse('2026-11-23T10:10:00Z'));
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const { repIds } = await createTeamOfReps(sb.url, { count: 1, rep: { caps: { hour: 2 } } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await http(sb.url, 'POST', '/v1/leads', { email: `hourly${i}@acme.io` })).body.id);
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=waiting')).body.items.length === 1);
    expect((await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`)).body).toMatchObject({ state: 'capped', activeLeads: 2 });
    // The hour rolls over at 11:00: the rep frees up by itself and takes the waiting lead.
    await clock.advanceTo(Date.parse('2026-11-23T11:00:01Z'));
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${ids[2]}`)).body.ownerId === repIds[0]);
    expect((await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`)).body).toMatchObject({ activeLeads: 3 });
  });
});
