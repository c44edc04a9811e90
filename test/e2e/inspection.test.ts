import { availableBuses, bearer, eventually, http, openStream, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterEach, describe, expect, it } from 'vitest';

// Inspection through the API: an actor's live or persisted state and its transitions, a
// lead's timeline, and the two server-sent-event streams (lifecycle events, and one
// actor's XState inspection events), on each bus.

let sb: TestSwitchboard | undefined;
afterEach(async () => {
  await sb?.destroy();
  sb = undefined;
});

async function addRep(url: string, name: string, email: string): Promise<string> {
  const r = await http(url, 'POST', '/v1/reps', { name, email });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

describe.each(availableBuses)('inspection on the %s bus', (bus) => {
  it("shows a rep's live actor and a lead's persisted one, with their transitions and the lead's timeline", async () => {
    sb = await startTestSwitchboard({ bus });
    const ana = await addRep(sb.url, 'Ana Ruiz', 'ana@acme.test');
    expect((await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [ana] })).status).toBe(201);

    const rep = await http(sb.url, 'GET', `/v1/inspect/reps/${ana}`);
    expect(rep.status).toBe(200);
    expect(rep.body).toMatchObject({ kind: 'rep', id: ana, name: 'Ana Ruiz', state: 'available', live: true, value: 'available' });
    expect(rep.body.context).toMatchObject({ repId: ana, activeLeads: 0 });

    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'dana@prospect.io' });
    const id = posted.body.id as string;
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body.state === 'assigned');

    // An assigned lead is passivated: a row with its snapshot, not an actor in memory.
    const lead = await http(sb.url, 'GET', `/v1/inspect/leads/${id}`);
    expect(lead.body).toMatchObject({ kind: 'lead', state: 'assigned', live: false, value: 'assigned' });
    expect(lead.body.context).toMatchObject({ ownerId: ana });
    expect(lead.body.transitions.map((t: any) => t.type)).toEqual(['lead.assigned', 'lead.routing', 'lead.received']);

    const busy = await http(sb.url, 'GET', `/v1/inspect/reps/${ana}`);
    expect(busy.body.context).toMatchObject({ activeLeads: 1 });

    const timeline = await http(sb.url, 'GET', `/v1/leads/${id}/timeline`);
    expect(timeline.body.steps.map((s: any) => s.type)).toEqual(['lead.received', 'lead.routing', 'lead.assigned']);
    expect(timeline.body.steps[0]).toMatchObject({ sinceStartMs: 0, sincePreviousMs: 0 });
    const last = timeline.body.steps.at(-1);
    expect(last.sinceStartMs).toBe(timeline.body.totalMs);
    expect(last.sinceStartMs).toBeGreaterThanOrEqual(last.sincePreviousMs);
  });

  it('answers 404 for an unknown actor and 400 for a bad kind or filter, naming it', async () => {
    sb = await startTestSwitchboard({ bus });
    const unknown = await http(sb.url, 'GET', '/v1/inspect/leads/01900000-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('01900000-0000-7000-8000-000000000000');
    const kind = await http(sb.url, 'GET', '/v1/inspect/teams/01900000-0000-7000-8000-000000000000');
    expect(kind.status).toBe(400);
    expect(kind.body.message).toContain('leads or reps');
    const filter = await fetch(`${sb.url}/v1/events?type=Lead%20Assigned`, { headers: { ...bearer(), accept: 'text/event-stream' } });
    expect(filter.status).toBe(400);
    expect(await filter.text()).toContain('type');
    const team = await fetch(`${sb.url}/v1/events?team=Nowhere`, { headers: { ...bearer(), accept: 'text/event-stream' } });
    expect(team.status).toBe(404);
  });

  it('streams lifecycle events filtered by type and rep, and one actor’s XState inspection events', async () => {
    sb = await startTestSwitchboard({ bus });
    const ana = await addRep(sb.url, 'Ana Ruiz', 'ana@acme.test');
    const bo = await addRep(sb.url, 'Bo Lind', 'bo@acme.test');
    expect((await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [ana, bo] })).status).toBe(201);

    const assignedToAna = await openStream(sb.url, `/v1/events?type=lead.assigned&rep=${ana}`, (events) => events.length >= 1);
    const everything = await openStream(sb.url, '/v1/events?type=lead.*', (events) => events.some((e) => e.event === 'lead.assigned' && (e.data as any).data.repId === bo));
    const anaActor = await openStream(sb.url, `/v1/inspect/reps/${ana}/xstate`, (events) => events.some((e) => (e.data as any).type === '@xstate.snapshot'));

    // Round robin: the first lead goes to Ana, the second to Bo.
    const first = await http(sb.url, 'POST', '/v1/leads', { email: 'one@prospect.io' });
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${first.body.id}`)).body.state === 'assigned');
    await http(sb.url, 'POST', '/v1/leads', { email: 'two@prospect.io' });

    const [onlyAna, all, inspection] = await Promise.all([assignedToAna.done, everything.done, anaActor.done]);
    expect(onlyAna).toHaveLength(1);
    expect(onlyAna[0]).toMatchObject({ event: 'lead.assigned', data: { type: 'lead.assigned', leadId: first.body.id, data: { repId: ana } } });
    expect(all.map((e) => e.event)).toEqual(expect.arrayContaining(['lead.received', 'lead.assigned']));
    expect(all.every((e) => e.event.startsWith('lead.'))).toBe(true);
    const offer = inspection.find((e) => (e.data as any).type === '@xstate.event');
    expect(offer?.data).toMatchObject({ kind: 'rep', id: ana, event: { type: 'OFFER', leadId: first.body.id } });
    expect(inspection.find((e) => (e.data as any).type === '@xstate.snapshot')?.data).toMatchObject({ value: 'available', context: { activeLeads: 1 } });
  });
});
