import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookMeeting, cancelMeeting } from '../support/booking-commands.ts';
import {
  eventually,
  type FakeRecord,
  type FakeSalesforce,
  http,
  startFakeSalesforce,
  startTestSwitchboard,
  type TestSwitchboard,
} from '../support/index.ts';

// Meetings booked through Switchboard, mirrored as Salesforce Events on the lead by the connector
// running inside a real Switchboard, through jsforce, against the local fake of the REST API.
// Bookings are made as the booking service makes them (the rows, then the router's book command).

const SUBJECT = 'Meeting booked through Switchboard';

describe('Salesforce Events for booked meetings', () => {
  let sf: FakeSalesforce;
  let sb: TestSwitchboard;
  const reps: Array<{ id: string; userId: string }> = [];

  beforeAll(async () => {
    sf = await startFakeSalesforce();
    sb = await startTestSwitchboard({
      bus: 'in-process',
      env: {
        SALESFORCE_INSTANCE_URL: sf.url,
        SALESFORCE_ACCESS_TOKEN: sf.issueAccessToken(),
        SALESFORCE_POLL_SECONDS: '0.2',
        SALESFORCE_POLL_LAG_SECONDS: '0',
        SALESFORCE_INGEST_SINCE: '2000-01-01T00:00:00Z',
      },
    });
    for (const [i, name] of ['Ana Silva', 'Ben Ode'].entries()) {
      const email = `booking-rep${i}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const userId = sf.org.create('User', { Username: email, Email: email, LastName: name }).Id as string;
      const rep = await http(sb.url, 'POST', '/v1/reps', { name, email });
      expect(rep.status).toBe(201);
      reps.push({ id: rep.body.id, userId });
    }
    // Only the first rep takes leads; the second is booked only by a move.
    const booking = { duration: '30m', window: 'P2D', buffer: '10m', minNotice: '1h' };
    expect((await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [reps[0]!.id], booking })).status).toBe(201);
  });

  afterAll(async () => {
    await sb?.destroy();
    await sf?.close();
  });

  /** A Lead created in Salesforce, routed by Switchboard. */
  const salesforceLead = async (lastName: string) => {
    const record = sf.org.create('Lead', { FirstName: 'Lee', LastName: lastName, Company: 'Prospect GmbH', Email: `${lastName.toLowerCase()}@prospect.io` });
    const salesforceId = record.Id as string;
    const lead = await eventually(
      async () => sb.running.db.selectFrom('leads').select(['id', 'owner_id', 'state']).where('external_id', '=', salesforceId).where('state', '=', 'assigned').executeTakeFirst(),
      20_000,
      'the Salesforce lead routed',
    );
    return { salesforceId, leadId: lead.id, ownerId: lead.owner_id as string };
  };
  const eventsOf = (salesforceId: string): FakeRecord[] => sf.org.all('Event').filter((e) => e.WhoId === salesforceId);
  const touchesOf = async (leadId: string) => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.events.filter((e: { type: string }) => e.type === 'lead.touched').length as number;

  it('creates an Event on the Salesforce Lead, owned by the rep’s User; a move updates the same Event (times and owner); a cancellation deletes it', async () => {
    const { salesforceId, leadId, ownerId } = await salesforceLead('Booked');
    expect(ownerId).toBe(reps[0]!.id);
    const first = await bookMeeting(sb.running, { leadId, repId: ownerId, start: '2031-01-06T09:00:00Z', end: '2031-01-06T09:30:00Z', timeZone: 'Europe/Berlin' });

    const [created] = await eventually(async () => (eventsOf(salesforceId).length === 1 ? eventsOf(salesforceId) : undefined), 15_000, 'the Event');
    expect(created).toMatchObject({
      WhoId: salesforceId,
      OwnerId: reps[0]!.userId,
      Subject: SUBJECT,
      StartDateTime: new Date('2031-01-06T09:00:00Z'),
      EndDateTime: new Date('2031-01-06T09:30:00Z'),
      DurationInMinutes: 30,
    });
    expect(String(created!.Description)).toContain(`Booking: ${first.id}`);
    const eventId = created!.Id as string;
    expect(sf.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/sobjects/Event'))).toHaveLength(1);

    // The Event is the connector's own write: the Event poll passes it without a second touch (the booking was the touch).
    const touches = await touchesOf(leadId);
    expect(touches).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sb.running.salesforce!.pollOnce();
    const watermark = await sb.running.db.selectFrom('salesforce_sync_state').select('watermark_id').where('object', '=', 'Event').executeTakeFirst();
    expect(watermark?.watermark_id).toBe(eventId);
    expect(await touchesOf(leadId)).toBe(touches);

    // Moved, and to the other rep: the same Event, new times, new owner.
    const moved = await bookMeeting(sb.running, { leadId, repId: reps[1]!.id, start: '2031-01-07T14:30:00Z', end: '2031-01-07T15:15:00Z', timeZone: 'Europe/Berlin', replaces: first });
    await eventually(async () => (sf.org.get('Event', eventId)?.StartDateTime as Date | undefined)?.toISOString() === '2031-01-07T14:30:00.000Z', 15_000, 'the Event moved');
    expect(sf.org.get('Event', eventId)).toMatchObject({ OwnerId: reps[1]!.userId, EndDateTime: new Date('2031-01-07T15:15:00Z'), DurationInMinutes: 45 });
    expect(String(sf.org.get('Event', eventId)?.Description)).toContain(`Booking: ${moved.id}`);
    expect(eventsOf(salesforceId)).toHaveLength(1);
    expect(sf.requests.some((r) => r.method === 'PATCH' && r.path.endsWith(`/sobjects/Event/${eventId}`) && r.status === 204)).toBe(true);

    await cancelMeeting(sb.running, moved);
    await eventually(async () => sf.org.get('Event', eventId) === undefined, 15_000, 'the Event deleted');
    expect(sf.org.deleted('Event').map((e) => e.Id)).toEqual([eventId]);
    expect(sf.requests.filter((r) => r.method === 'DELETE').map((r) => `${r.path.split('/').at(-1)} ${r.status}`)).toEqual([`${eventId} 204`]);
    const row = await sb.running.db.selectFrom('salesforce_booking_events').selectAll().where('salesforce_event_id', '=', eventId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ booking_id: moved.id, error: null });
    expect(row.deleted_at).not.toBeNull();
  });

  it('through the prospect’s booking link: the booked slot becomes an Event, and cancelling deletes it', async () => {
    const { salesforceId, leadId } = await salesforceLead('Linked');
    const link = await http(sb.url, 'POST', `/v1/leads/${leadId}/booking-link`, {});
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    const [slot] = (await http(sb.url, 'GET', `/v1/booking/${link.body.token}/slots`, undefined, { key: null })).body.slots as Array<{ start: string; end: string }>;
    const booked = await http(sb.url, 'POST', `/v1/booking/${link.body.token}`, { start: slot!.start, timeZone: 'Asia/Tokyo' }, { key: null });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const [event] = await eventually(async () => (eventsOf(salesforceId).length === 1 ? eventsOf(salesforceId) : undefined), 15_000, 'the Event');
    expect(event).toMatchObject({ OwnerId: reps[0]!.userId, StartDateTime: new Date(slot!.start), EndDateTime: new Date(slot!.end), Subject: SUBJECT });
    expect(String(event!.Description)).toContain(`Booking: ${booked.body.bookingId}`);
    expect((await http(sb.url, 'DELETE', `/v1/booking/${link.body.token}`, undefined, { key: null })).status).toBe(200);
    await eventually(async () => sf.org.get('Event', event!.Id as string) === undefined, 15_000, 'the Event deleted');
  });

  it('makes one Event when Salesforce saved it but the answer was lost, and when a create first met a 503', async () => {
    const lost = await salesforceLead('Lost');
    sf.failNext(1, { afterApplying: true, match: (method, path) => method === 'POST' && path.endsWith('/sobjects/Event') });
    await bookMeeting(sb.running, { leadId: lost.leadId, repId: lost.ownerId, start: '2031-02-03T10:00:00Z', end: '2031-02-03T10:30:00Z', timeZone: 'Europe/Berlin' });

    const refused = await salesforceLead('Unavailable');
    await eventually(async () => eventsOf(lost.salesforceId).length === 1 && (await rowOf(lost.leadId))?.salesforce_event_id, 15_000, 'the lost create found');
    sf.failNext(1, { match: (method, path) => method === 'POST' && path.endsWith('/sobjects/Event') });
    await bookMeeting(sb.running, { leadId: refused.leadId, repId: refused.ownerId, start: '2031-02-04T10:00:00Z', end: '2031-02-04T10:30:00Z', timeZone: 'Europe/Berlin' });
    await eventually(async () => (await rowOf(refused.leadId))?.salesforce_event_id, 15_000, 'the Event created on a later round');

    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(eventsOf(lost.salesforceId)).toHaveLength(1);
    expect((await rowOf(lost.leadId))?.salesforce_event_id).toBe(eventsOf(lost.salesforceId)[0]?.Id);
    expect(eventsOf(refused.salesforceId)).toHaveLength(1);
    expect((await rowOf(refused.leadId))?.salesforce_event_id).toBe(eventsOf(refused.salesforceId)[0]?.Id);
    expect(sf.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/sobjects/Event') && r.status === 503)).toHaveLength(2);
  });

  it('leaves leads that did not come from Salesforce alone', async () => {
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'web@prospect.io', company: 'Web Ltd' });
    const lead = await eventually(async () => {
      const found = (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
      return found.state === 'assigned' && found;
    });
    const before = sf.org.all('Event').length + sf.org.deleted('Event').length;
    await bookMeeting(sb.running, { leadId: lead.id, repId: lead.ownerId, start: '2031-03-03T10:00:00Z', end: '2031-03-03T10:30:00Z', timeZone: 'Europe/Berlin' });
    const report = await eventually(async () => {
      const round = await sb.running.salesforce!.syncBookings();
      return (await rowOf(lead.id)) === undefined && round;
    });
    expect(report.created).toBe(0);
    expect(sf.org.all('Event').length + sf.org.deleted('Event').length).toBe(before);
  });

  const rowOf = (leadId: string) => sb.running.db.selectFrom('salesforce_booking_events').selectAll().where('lead_id', '=', leadId).executeTakeFirst();
});
