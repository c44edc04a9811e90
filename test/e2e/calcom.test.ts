import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

const SECRET = 'calcom-test-secret-5f2a9c0e7b1d4e38';
const WEBHOOK = '/v1/integrations/calcom/webhook';
const ROUTE = '/v1/integrations/calcom/route';

/**
 * Cal.com's signature, computed as Cal.com computes it: the hex HMAC-SHA256 of the body as sent
 * (calcom/cal.com, packages/features/webhooks/lib/sendPayload.ts, `createWebhookSignature`).
 */
const calcomSignature = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

/**
 * A BOOKING_CREATED delivery as Cal.com sends it: the example payload of Cal.com's webhook
 * documentation (calcom/cal.com, docs/developing/guides/automation/webhooks.mdx, "An example
 * webhook payload"), with this test's booker, booking uid and metadata. Cal.com's body is
 * `JSON.stringify({ triggerEvent, createdAt, payload })` (sendPayload.ts).
 */
function bookingCreated(booker: { email: string; name: string }, uid: string, metadata: Record<string, string> = {}) {
  return {
    triggerEvent: 'BOOKING_CREATED',
    createdAt: '2026-12-04T09:30:00.538Z',
    payload: {
      type: '60min',
      title: `60min between Pro Example and ${booker.name}`,
      description: '',
      additionalNotes: '',
      customInputs: {},
      startTime: '2026-12-07T09:30:00Z',
      endTime: '2026-12-07T10:30:00Z',
      organizer: {
        id: 5,
        name: 'Pro Example',
        email: 'pro@example.com',
        username: 'pro',
        timeZone: 'Asia/Kolkata',
        language: { locale: 'en' },
        timeFormat: 'h:mma',
      },
      responses: {
        name: { label: 'your_name', value: booker.name },
        email: { label: 'email_address', value: booker.email },
        location: { label: 'location', value: { optionValue: '', value: 'inPerson' } },
        notes: { label: 'additional_notes' },
        guests: { label: 'additional_guests' },
        rescheduleReason: { label: 'reschedule_reason' },
      },
      userFieldsResponses: {},
      attendees: [{ email: booker.email, name: booker.name, timeZone: 'Asia/Kolkata', language: { locale: 'en' } }],
      location: 'Calcom HQ',
      destinationCalendar: {
        id: 10,
        integration: 'apple_calendar',
        externalId: 'https://caldav.icloud.com/1234567/calendars/XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX/',
        userId: 5,
        eventTypeId: null,
        credentialId: 1,
      },
      hideCalendarNotes: false,
      requiresConfirmation: null,
      eventTypeId: 7,
      seatsShowAttendees: true,
      seatsPerTimeSlot: null,
      uid,
      appsStatus: [{ appName: 'Apple Calendar', type: 'apple_calendar', success: 1, failures: 0, errors: [], warnings: [] }],
      eventTitle: '60min',
      eventDescription: '',
      price: 0,
      currency: 'usd',
      length: 60,
      bookingId: 91,
      metadata,
      status: 'ACCEPTED',
    },
  };
}

/**
 * The BOOKING_CANCELLED delivery of the same booking: the same calendar event with the fields
 * the 2021-10-20 payload builder adds for a cancellation (calcom/cal.com,
 * packages/features/webhooks/lib/factory/versioned/v2021-10-20/BookingPayloadBuilder.ts:
 * `status: CANCELLED`, `cancelledBy`, `cancellationReason`, `requestReschedule`).
 */
function bookingCancelled(booker: { email: string; name: string }, uid: string) {
  // The builder adds `metadata` only to created, requested and rescheduled bookings.
  const event: Partial<ReturnType<typeof bookingCreated>['payload']> = { ...bookingCreated(booker, uid).payload };
  delete event.metadata;
  return {
    triggerEvent: 'BOOKING_CANCELLED',
    createdAt: '2026-12-05T08:00:00.000Z',
    payload: { ...event, status: 'CANCELLED', cancelledBy: booker.email, cancellationReason: 'Schedule conflict', requestReschedule: false },
  };
}

/**
 * What Cal.com's "Ping test" sends (calcom/cal.com,
 * packages/trpc/server/routers/viewer/webhook/testTrigger.handler.ts): no booking uid.
 */
const ping = {
  triggerEvent: 'PING',
  createdAt: '2026-12-04T09:00:00.000Z',
  payload: {
    type: 'Test',
    title: 'Test trigger event',
    description: '',
    startTime: '2026-12-04T09:00:00.000Z',
    endTime: '2026-12-04T09:00:00.000Z',
    attendees: [{ email: 'jdoe@example.com', name: 'John Doe', timeZone: 'Europe/London', language: { locale: 'en' } }],
    organizer: { name: 'Cal', email: 'no-reply@cal.com', timeZone: 'Europe/London', language: { locale: 'en' } },
  },
};

/** Posts a delivery the way Cal.com does: JSON, signed (or with the header given), no API key. */
async function deliver(url: string, delivery: unknown, signature?: string | null) {
  const body = typeof delivery === 'string' ? delivery : JSON.stringify(delivery);
  const response = await fetch(`${url}${WEBHOOK}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature !== null && { 'x-cal-signature-256': signature ?? calcomSignature(body) }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Opens a routing-form redirect as the prospect's browser would, without following it. */
async function openRoute(url: string, query: Record<string, string>, path = ROUTE) {
  const response = await fetch(`${url}${path}?${new URLSearchParams(query)}`, { redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), body: text ? (JSON.parse(text) as any) : undefined };
}

let sb: TestSwitchboard;
let sales: Array<{ id: string; email: string }>;
let partner: { id: string; email: string };
let away: { id: string; email: string };

const leadOf = async (id: string) => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body;
const touchesOf = async (id: string) =>
  ((await leadOf(id)).events as Array<{ type: string; data: { touch?: string } }>).filter((e) => e.type === 'lead.touched').map((e) => e.data.touch);

async function assignedLead(email: string): Promise<{ id: string; ownerId: string; slaDeadlineAt: string | null }> {
  const posted = await http(sb.url, 'POST', '/v1/leads', { email, company: 'Acme' });
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  return eventually(async () => {
    const lead = await leadOf(posted.body.id);
    return lead.state === 'assigned' && lead;
  });
}

beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_CALCOM_WEBHOOK_SECRET: SECRET } });
  const reps = async (ids: string[]) => Promise.all(ids.map(async (id) => (await http(sb.url, 'GET', `/v1/reps/${id}`)).body as { id: string; email: string }));
  sales = await reps((await createTeamOfReps(sb.url, { count: 2, team: 'Sales', prefix: 'sales' })).repIds);
  partner = (await reps((await createTeamOfReps(sb.url, { count: 1, team: 'Partners', prefix: 'partner' })).repIds))[0]!;
  away = (await reps((await createTeamOfReps(sb.url, { count: 1, team: 'Closed', prefix: 'away' })).repIds))[0]!;
  expect((await http(sb.url, 'PATCH', `/v1/reps/${away.id}`, { available: false })).status).toBe(200);
  const applied = await http(sb.url, 'PUT', '/v1/config', {
    teams: [
      { name: 'Sales', members: sales.map((r) => r.email), sla: { response: 'PT1H' } },
      { name: 'Partners', members: [partner.email] },
      { name: 'Closed', members: [away.email] },
    ],
    rules: [
      { name: 'Partners', when: { segment: 'partner' }, route: { team: 'Partners' } },
      { name: 'Closed', when: { segment: 'closed' }, route: { team: 'Closed' } },
      { name: 'Everyone else', route: { team: 'Sales' } },
    ],
    calcom: {
      users: { [sales[0]!.email.toUpperCase()]: 'sarah-chen', [sales[1]!.email]: 'li.wei' },
      fallbackUrl: 'https://cal.com/team/acme/intro',
    },
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
});
afterAll(async () => {
  await sb?.destroy();
});

describe('the Cal.com webhook', () => {
  it('records a meeting touch for a signed BOOKING_CREATED on the latest open lead with the booker’s email, which stops its SLA', async () => {
    const lead = await assignedLead('ana.booker@acme.io');
    expect(lead.slaDeadlineAt).not.toBeNull();

    // Cal.com writes the email as the booker typed it.
    const answer = await deliver(sb.url, bookingCreated({ email: 'Ana.Booker@ACME.io', name: 'Ana Booker' }, 'bFJeNb2uX8ANpT3JL5EfXw'));
    expect(answer).toEqual({ status: 200, body: { triggerEvent: 'BOOKING_CREATED', matched: true, leadId: lead.id, touched: true, state: 'touched' } });
    const after = await leadOf(lead.id);
    expect(after).toMatchObject({ state: 'touched', ownerId: lead.ownerId, slaDeadlineAt: null });
    expect(await touchesOf(lead.id)).toEqual(['meeting']);
    // Like the signed intake, a delivery is not a change anyone made: the lead's events keep it.
    expect((await http(sb.url, 'GET', '/v1/audit')).body.items.filter((e: { action: string }) => e.action.includes('calcom'))).toEqual([]);
  });

  it('refuses a missing, wrong or unsigned signature with 401 naming X-Cal-Signature-256, and changes nothing', async () => {
    const lead = await assignedLead('eve.target@acme.io');
    const delivery = bookingCreated({ email: 'eve.target@acme.io', name: 'Eve' }, 'uid-forged');
    const body = JSON.stringify(delivery);

    const missing = await deliver(sb.url, body, null);
    expect(missing).toMatchObject({ status: 401, body: { error: 'unauthorized', message: expect.stringContaining('X-Cal-Signature-256 header is missing') } });
    const wrongSecret = await deliver(sb.url, body, calcomSignature(body, 'not-the-secret-at-all'));
    expect(wrongSecret).toMatchObject({ status: 401, body: { message: expect.stringContaining('X-Cal-Signature-256 does not match the body') } });
    // Signed, then one field changed on the way.
    const tampered = await deliver(sb.url, body.replace('uid-forged', 'uid-forgee'), calcomSignature(body));
    expect(tampered.status).toBe(401);
    // Cal.com's header for a webhook without a secret.
    const noSecret = await deliver(sb.url, body, 'no-secret-provided');
    expect(noSecret).toMatchObject({ status: 401, body: { message: expect.stringContaining('has no secret') } });
    expect((await deliver(sb.url, body, 'zz')).status).toBe(401);
    // An API key is no signature.
    expect((await http(sb.url, 'POST', WEBHOOK, delivery)).status).toBe(401);

    expect(await leadOf(lead.id)).toMatchObject({ state: 'assigned', slaDeadlineAt: lead.slaDeadlineAt });
    expect(await touchesOf(lead.id)).toEqual([]);
    // The real delivery, signed, still gets through afterwards: nothing was claimed.
    expect((await deliver(sb.url, delivery)).body).toMatchObject({ matched: true, touched: true });
  });

  it('touches once for a webhook delivered many times, also when the deliveries arrive at the same moment', async () => {
    const lead = await assignedLead('twice@acme.io');
    const delivery = bookingCreated({ email: 'twice@acme.io', name: 'Tom Twice' }, 'uid-delivered-twice');
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(sb.url, delivery)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.touched === true)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(4);
    // And again later: Cal.com retrying.
    expect((await deliver(sb.url, delivery)).body).toEqual({ triggerEvent: 'BOOKING_CREATED', matched: true, leadId: lead.id, touched: false, duplicate: true });
    expect(await touchesOf(lead.id)).toEqual(['meeting']);
  });

  it('records a status-change touch for BOOKING_CANCELLED, once, after the meeting touch', async () => {
    const lead = await assignedLead('cancels@acme.io');
    const booker = { email: 'cancels@acme.io', name: 'Cleo Cancel' };
    expect((await deliver(sb.url, bookingCreated(booker, 'uid-to-cancel'))).body).toMatchObject({ touched: true });
    const cancelled = await deliver(sb.url, bookingCancelled(booker, 'uid-to-cancel'));
    expect(cancelled).toEqual({ status: 200, body: { triggerEvent: 'BOOKING_CANCELLED', matched: true, leadId: lead.id, touched: true, state: 'touched' } });
    expect((await deliver(sb.url, bookingCancelled(booker, 'uid-to-cancel'))).body).toMatchObject({ duplicate: true });
    expect(await touchesOf(lead.id)).toEqual(['meeting', 'status_change']);
  });

  it('touches the lead the booking’s metadata names, even when the booker typed another email', async () => {
    const lead = await assignedLead('named.in.metadata@acme.io');
    const answer = await deliver(sb.url, bookingCreated({ email: 'private.address@gmail.com', name: 'Nia' }, 'uid-metadata', { switchboardLeadId: lead.id, videoCallUrl: 'https://cal.com/video/x' }));
    expect(answer.body).toMatchObject({ matched: true, leadId: lead.id, touched: true });
    expect(await touchesOf(lead.id)).toEqual(['meeting']);
  });

  it('answers 200 { matched: false } for a booking of nobody it knows, and ignores other triggers', async () => {
    const before = (await http(sb.url, 'GET', '/v1/leads?state=touched&limit=1000')).body.items.length;
    expect(await deliver(sb.url, bookingCreated({ email: 'stranger@nowhere.example', name: 'Stranger' }, 'uid-stranger'))).toEqual({
      status: 200,
      body: { triggerEvent: 'BOOKING_CREATED', matched: false },
    });
    expect(await deliver(sb.url, ping)).toEqual({ status: 200, body: { ignored: true, triggerEvent: 'PING' } });
    const rescheduled = { ...bookingCreated({ email: 'ana.booker@acme.io', name: 'Ana' }, 'uid-new'), triggerEvent: 'BOOKING_RESCHEDULED' };
    expect((await deliver(sb.url, rescheduled)).body).toEqual({ ignored: true, triggerEvent: 'BOOKING_RESCHEDULED' });
    expect((await http(sb.url, 'GET', '/v1/leads?state=touched&limit=1000')).body.items.length).toBe(before);
  });

  it('refuses a signed but malformed delivery with 400 naming the problem', async () => {
    const withoutUid: Partial<ReturnType<typeof bookingCreated>['payload']> = { ...bookingCreated({ email: 'x@acme.io', name: 'X' }, 'uid-x').payload };
    delete withoutUid.uid;
    const noUid = await deliver(sb.url, { triggerEvent: 'BOOKING_CREATED', createdAt: '2026-12-04T09:30:00Z', payload: withoutUid });
    expect(noUid.status).toBe(400);
    expect(noUid.body).toMatchObject({ error: 'validation_failed', errors: [{ path: 'payload.uid', message: expect.stringContaining('uid') }] });
    const badStart = bookingCreated({ email: 'x@acme.io', name: 'X' }, 'uid-x');
    badStart.payload.startTime = 'next tuesday';
    expect((await deliver(sb.url, badStart)).body.errors).toEqual([{ path: 'payload.startTime', message: expect.stringContaining('ISO 8601') }]);
    expect((await deliver(sb.url, { payload: {} })).body.errors[0].path).toBe('triggerEvent');
    expect((await deliver(sb.url, '{"triggerEvent":')).body.error).toBe('invalid_json');
  });
});

describe('routing forms', () => {
  it('sends the prospect to the owner’s Cal.com page, pre-filled and tagged with the lead, and the same lead when the link is opened again', async () => {
    // What Cal.com appends to an External Redirect: each answer under its field's identifier,
    // and its own cal.* parameters (routing-forms getUrlSearchParamsToForward / getRoutedUrl).
    const query = {
      email: 'bo.berg@acme.io',
      name: 'Bo Berg',
      company: 'Acme GmbH',
      country: 'DE',
      event: 'demo',
      'cal.routingFormResponseId': '4711',
      'cal.action': 'externalRedirectUrl',
    };
    const opened = await openRoute(sb.url, query);
    expect(opened.status, JSON.stringify(opened.body)).toBe(302);
    const location = new URL(opened.location!);
    const leadId = location.searchParams.get('metadata[switchboardLeadId]')!;
    const lead = await leadOf(leadId);
    const owner = sales.findIndex((r) => r.id === lead.ownerId);
    expect(owner).toBeGreaterThanOrEqual(0);
    expect(`${location.origin}${location.pathname}`).toBe(`https://cal.com/${['sarah-chen', 'li.wei'][owner]}/demo`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ name: 'Bo Berg', email: 'bo.berg@acme.io', 'metadata[switchboardLeadId]': leadId });
    expect(lead).toMatchObject({
      email: 'bo.berg@acme.io',
      firstName: 'Bo',
      lastName: 'Berg',
      company: 'Acme GmbH',
      source: 'calcom-routing-form',
      externalId: 'calcom-form-response:4711',
      attributes: { country: 'DE' },
      state: 'assigned',
    });

    const again = await openRoute(sb.url, query);
    expect(again.location).toBe(opened.location);
    // A route of the form may name its event type in the path instead (its URL can't carry a query).
    const withoutEvent: Record<string, string> = { ...query };
    delete withoutEvent.event;
    const byPath = new URL((await openRoute(sb.url, withoutEvent, `${ROUTE}/intro-30`)).location!);
    expect(byPath.pathname).toBe(`/${['sarah-chen', 'li.wei'][owner]}/intro-30`);
    expect(byPath.searchParams.get('metadata[switchboardLeadId]')).toBe(leadId);

    // The booking made on that page comes back with the lead's id in its metadata.
    const booked = await deliver(sb.url, bookingCreated({ email: 'bo.berg@acme.io', name: 'Bo Berg' }, 'uid-from-form', { switchboardLeadId: leadId }));
    expect(booked.body).toMatchObject({ leadId, touched: true });
  });

  it('sends the prospect to calcom.fallbackUrl when the owner has no Cal.com username, or nobody can take the lead', async () => {
    const partnerLead = await openRoute(sb.url, { email: 'pia@partner.example', name: 'Pia', segment: 'partner' });
    expect(partnerLead.status).toBe(302);
    const toFallback = new URL(partnerLead.location!);
    expect(`${toFallback.origin}${toFallback.pathname}`).toBe('https://cal.com/team/acme/intro');
    expect((await leadOf(toFallback.searchParams.get('metadata[switchboardLeadId]')!)).ownerId).toBe(partner.id);

    // The JSON variant says why.
    const waiting = await http(sb.url, 'POST', ROUTE, { email: 'wes@closed.example', attributes: { segment: 'closed' }, event: 'demo' });
    expect(waiting).toMatchObject({
      status: 200,
      body: {
        duplicate: false,
        ownerId: null,
        ownerEmail: null,
        calcomUsername: null,
        bookingUrl: expect.stringMatching(/^https:\/\/cal\.com\/team\/acme\/intro\?/),
        fallback: true,
        reason: 'routing found no rep who can take the lead now: it waits for one',
      },
    });
    expect((await leadOf(waiting.body.leadId)).state).toBe('waiting');
  });

  it('answers the JSON variant with the owner’s page, for an intake key', async () => {
    const key = (await http(sb.url, 'POST', '/v1/keys', { name: 'website', role: 'intake' })).body.key as string;
    const answer = await http(sb.url, 'POST', ROUTE, { email: 'json@acme.io', firstName: 'Jo', lastName: 'Son', event: 'intro-30' }, { key });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const owner = sales.find((r) => r.id === answer.body.ownerId)!;
    const username = owner === sales[0] ? 'sarah-chen' : 'li.wei';
    expect(answer.body).toEqual({
      leadId: expect.any(String),
      duplicate: false,
      ownerId: owner.id,
      ownerEmail: owner.email,
      calcomUsername: username,
      bookingUrl: `https://cal.com/${username}/intro-30?name=Jo+Son&email=json%40acme.io&metadata%5BswitchboardLeadId%5D=${answer.body.leadId}`,
      fallback: false,
      reason: null,
    });
    expect((await http(sb.url, 'POST', ROUTE, { email: 'nokey@acme.io' }, { key: null })).status).toBe(401);
  });

  it('refuses a bad form with 400 naming the parameter, storing nothing', async () => {
    const count = async () => (await http(sb.url, 'GET', '/v1/leads?limit=1000')).body.items.length;
    const before = await count();
    const noEmail = await openRoute(sb.url, { name: 'No Email' });
    expect(noEmail).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(noEmail.body.errors[0].message).toContain('identifier "email"');
    const badEmail = await openRoute(sb.url, { email: 'not-an-email' });
    expect(badEmail.body.errors).toEqual([{ path: 'query.email', message: expect.stringContaining('email address') }]);
    // The event slug goes into the redirect: nothing that could change its path or host.
    for (const event of ['../admin', 'demo?x=1', '//evil.example', '@evil.example']) {
      const refused = await openRoute(sb.url, { email: 'ok@acme.io', event });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].path).toMatch(/event$/);
    }
    expect((await openRoute(sb.url, { email: 'ok@acme.io' }, `${ROUTE}/%2F%2Fevil.example`)).status).toBe(400);
    expect(await count()).toBe(before);
  });
});

describe('without the Cal.com settings', () => {
  let bare: TestSwitchboard;
  beforeAll(async () => {
    bare = await startTestSwitchboard({ bus: 'in-process' });
  });
  afterAll(async () => {
    await bare?.destroy();
  });

  it('answers 503 naming SWITCHBOARD_CALCOM_WEBHOOK_SECRET to the webhook, and the calcom: section to the routing form', async () => {
    const webhook = await deliver(bare.url, bookingCreated({ email: 'a@acme.io', name: 'A' }, 'uid-a'));
    expect(webhook).toMatchObject({ status: 503, body: { error: 'not_configured', message: expect.stringContaining('set SWITCHBOARD_CALCOM_WEBHOOK_SECRET') } });
    const route = await openRoute(bare.url, { email: 'a@acme.io' });
    expect(route).toMatchObject({ status: 503, body: { error: 'not_configured', message: expect.stringContaining('calcom: section') } });
    expect((await http(bare.url, 'GET', '/v1/leads')).body.items).toEqual([]);
  });
});
