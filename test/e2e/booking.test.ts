import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// Instant booking through the API: a link from intake, the owner's free slots in the prospect's
// zone, a slot taken atomically (one of many concurrent prospects wins it), the lead touched by
// the meeting, cancel and move through the same link, and team round robin.

const booking = { duration: '30m', window: 'P2D', buffer: '10m', minNotice: '1h' };

async function repNamed(sb: TestSwitchboard, name: string) {
  const { status, body } = await http(sb.url, 'POST', '/v1/reps', { name, email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.com` });
  expect(status).toBe(201);
  return body.id as string;
}

async function leadWithLink(sb: TestSwitchboard, team: string, email: string) {
  const { status, body } = await http(sb.url, 'POST', '/v1/leads', { email, team, book: true });
  expect(status).toBe(202);
  expect(body.booking).toMatchObject({ url: expect.stringMatching(/\/book\/[\w-]{40,}$/), token: expect.any(String) });
  return { leadId: body.id as string, token: body.booking.token as string };
}

const slotsOf = async (sb: TestSwitchboard, token: string, tz = 'UTC') => (await http(sb.url, 'GET', `/v1/booking/${token}/slots?tz=${tz}`, undefined, { key: null })).body;
const events = async (sb: TestSwitchboard, leadId: string) => ((await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.events as Array<{ type: string; data: Record<string, unknown> }>);

describe('instant booking', () => {
  let sb: TestSwitchboard;
  let sarah: string;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    sarah = await repNamed(sb, 'Sarah');
    expect((await http(sb.url, 'POST', '/v1/teams', { name: 'Solo', members: [sarah], booking, sla: { response: '15m' } })).status).toBe(201);
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  it('gives a lead that names no team a link when some team books: the team is the one it is routed to', async () => {
    // The default team ("Solo", the first) books; a lead routed by the default route gets its slots.
    const { leadId, token } = await (async () => {
      const { status, body } = await http(sb.url, 'POST', '/v1/leads', { email: 'unnamed@prospect.io', book: true });
      expect(status).toBe(202);
      return { leadId: body.id as string, token: body.booking.token as string };
    })();
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.ownerId === sarah, 10_000, 'routing');
    expect((await slotsOf(sb, token)).team).toBe('Solo');
  });

  it('refuses a link for a team that offers no booking, naming how to turn it on; the lead is still accepted', async () => {
    const other = await repNamed(sb, 'Olga');
    await http(sb.url, 'POST', '/v1/teams', { name: 'NoBooking', members: [other] });
    const { status, body } = await http(sb.url, 'POST', '/v1/leads', { email: 'nobook@prospect.io', team: 'NoBooking', book: true });
    expect(status).toBe(202);
    expect(body.booking).toBeUndefined();
    expect(body.bookingUnavailable).toMatch(/team "NoBooking" offers no booking: set one with PATCH \/v1\/teams/);
    expect((await http(sb.url, 'GET', `/v1/leads/${body.id}`)).status).toBe(200);
    expect((await http(sb.url, 'POST', `/v1/leads/${body.id}/booking-link`, {})).status).toBe(409);
  });

  it('offers the owner’s slots in the prospect’s zone, without a key; unknown and malformed tokens are refused', async () => {
    const { leadId, token } = await leadWithLink(sb, 'Solo', 'first@prospect.io');
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.ownerId === sarah, 10_000, 'routing');
    const offer = await slotsOf(sb, token, 'America/New_York');
    expect(offer.hosts).toEqual([{ id: sarah, name: 'Sarah' }]);
    expect(offer.durationMinutes).toBe(30);
    expect(offer.slots.length).toBeGreaterThan(40);
    const first = offer.slots[0];
    expect(first.start).toMatch(/-0[45]:00$/);
    expect(first.repId).toBe(sarah);
    expect(Date.parse(first.start)).toBeGreaterThanOrEqual(Date.now() + 3_600_000 - 60_000);
    expect(Date.parse(first.end) - Date.parse(first.start)).toBe(30 * 60_000);
    expect((await http(sb.url, 'GET', `/v1/booking/${'x'.repeat(43)}/slots`, undefined, { key: null })).status).toBe(404);
    expect((await http(sb.url, 'GET', `/v1/booking/${token}/slots?tz=Mars/Olympus`, undefined, { key: null })).status).toBe(400);
    expect((await http(sb.url, 'POST', `/v1/booking/${token}`, { start: 'tomorrow at nine' }, { key: null })).body.message).toMatch(/start: must be an ISO 8601 time/);
  });

  it('lets one of ten concurrent prospects take a slot; the others get 409 with the slots still free', async () => {
    const links: Array<{ leadId: string; token: string }> = [];
    for (let i = 0; i < 10; i++) links.push(await leadWithLink(sb, 'Solo', `race${i}@prospect.io`));
    await eventually(async () => {
      for (const { leadId } of links) if ((await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.ownerId !== sarah) return false;
      return true;
    }, 15_000, 'routing');
    const slot = (await slotsOf(sb, links[0]!.token)).slots[3];
    const answers = await Promise.all(links.map(({ token }) => http(sb.url, 'POST', `/v1/booking/${token}`, { start: slot.start }, { key: null })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const lost = answers.find((a) => a.status === 409)!;
    expect(lost.body.message).toMatch(/not free/);
    expect(lost.body.slots.some((s: { start: string }) => s.start === slot.start)).toBe(false);
    // The buffer keeps the neighbouring slots off too.
    const neighbours = [Date.parse(slot.start) - 30 * 60_000, Date.parse(slot.start) + 30 * 60_000];
    expect(lost.body.slots.some((s: { start: string }) => neighbours.includes(Date.parse(s.start)))).toBe(false);
  });

  it('touches the lead with the meeting (its SLA stops), logs lead.booked, and moves and cancels through the same link', async () => {
    const { leadId, token } = await leadWithLink(sb, 'Solo', 'mover@prospect.io');
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.state === 'assigned', 10_000, 'routing');
    const [one, , three] = (await slotsOf(sb, token, 'Europe/Berlin')).slots;
    const booked = await http(sb.url, 'POST', `/v1/booking/${token}`, { start: one.start, timeZone: 'Europe/Berlin' }, { key: null });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ start: one.start, end: one.end, repId: sarah, status: 'confirmed' });
    const lead = (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body;
    expect(lead.state).toBe('touched');
    expect(lead.slaDeadlineAt).toBeNull();
    const log = await events(sb, leadId);
    expect(log.find((e) => e.type === 'lead.booked')?.data).toMatchObject({ bookingId: booked.body.bookingId, repId: sarah, rescheduled: false, timeZone: 'Europe/Berlin' });
    expect(log.find((e) => e.type === 'lead.touched')?.data).toMatchObject({ touch: 'meeting' });
    expect((await slotsOf(sb, token)).booking).toMatchObject({ bookingId: booked.body.bookingId, status: 'confirmed' });

    const moved = await http(sb.url, 'POST', `/v1/booking/${token}`, { start: three.start }, { key: null });
    expect(moved.status).toBe(201);
    const rescheduled = (await events(sb, leadId)).filter((e) => e.type === 'lead.booked');
    expect(rescheduled.at(-1)?.data).toMatchObject({ bookingId: moved.body.bookingId, rescheduled: true, replaces: booked.body.bookingId });
    // The first slot is free again.
    expect((await slotsOf(sb, token, 'Europe/Berlin')).slots.some((s: { start: string }) => s.start === one.start)).toBe(true);

    const cancelled = await http(sb.url, 'DELETE', `/v1/booking/${token}`, undefined, { key: null });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ bookingId: moved.body.bookingId, status: 'cancelled' });
    expect((await events(sb, leadId)).some((e) => e.type === 'lead.booking_cancelled' && e.data.bookingId === moved.body.bookingId)).toBe(true);
    expect((await http(sb.url, 'DELETE', `/v1/booking/${token}`, undefined, { key: null })).status).toBe(404);
  });

  it('keeps no token in the audit log, wants a start with its offset, and lets the prospect cancel after the lead was closed', async () => {
    const { leadId, token } = await leadWithLink(sb, 'Solo', 'audit@prospect.io');
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.state === 'assigned', 10_000, 'routing');
    const made = await http(sb.url, 'POST', `/v1/leads/${leadId}/booking-link`, {});
    const audit = JSON.stringify((await http(sb.url, 'GET', '/v1/audit?limit=20')).body);
    expect(audit).toContain('booking-link');
    expect(audit).not.toContain(made.body.token);
    const slot = (await slotsOf(sb, token, 'Europe/Berlin')).slots[0];
    const local = slot.start.replace(/[+-]\d\d:\d\d$/, '');
    const noOffset = await http(sb.url, 'POST', `/v1/booking/${token}`, { start: local }, { key: null });
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.message).toMatch(/start: must be an ISO 8601 time with its offset/);
    expect((await http(sb.url, 'POST', `/v1/booking/${token}`, { start: slot.start }, { key: null })).status).toBe(201);
    await http(sb.url, 'POST', `/v1/leads/${leadId}/close`, { outcome: 'won' });
    expect((await http(sb.url, 'GET', `/v1/booking/${token}/slots`, undefined, { key: null })).status).toBe(410);
    const cancelled = await http(sb.url, 'DELETE', `/v1/booking/${token}`, undefined, { key: null });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('answers 410 for an expired link and for a closed lead', async () => {
    const { leadId, token } = await leadWithLink(sb, 'Solo', 'closer@prospect.io');
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.state === 'assigned', 10_000, 'routing');
    const short = await http(sb.url, 'POST', `/v1/leads/${leadId}/booking-link`, { expiresIn: '1ms' });
    expect(short.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await http(sb.url, 'GET', `/v1/booking/${short.body.token}/slots`, undefined, { key: null })).status).toBe(410);
    await http(sb.url, 'POST', `/v1/leads/${leadId}/close`, { outcome: 'lost' });
    const closed = await http(sb.url, 'GET', `/v1/booking/${token}/slots`, undefined, { key: null });
    expect(closed.status).toBe(410);
    expect(closed.body.message).toMatch(/closed/);
  });

  it('in team mode offers the team’s slots, each to the member booked least recently', async () => {
    const ana = await repNamed(sb, 'Ana');
    const ben = await repNamed(sb, 'Ben');
    await http(sb.url, 'POST', '/v1/teams', { name: 'Pool', members: [ana, ben], booking: { ...booking, mode: 'team' } });
    const first = await leadWithLink(sb, 'Pool', 'pool1@prospect.io');
    const second = await leadWithLink(sb, 'Pool', 'pool2@prospect.io');
    const offer = await slotsOf(sb, first.token);
    expect(offer.mode).toBe('team');
    expect(offer.team).toBe('Pool');
    expect(offer.hosts.map((h: { name: string }) => h.name)).toEqual(['Ana', 'Ben']);
    // Neither was booked yet: member order, Ana.
    expect(offer.slots[0].repId).toBe(ana);
    const one = await http(sb.url, 'POST', `/v1/booking/${first.token}`, { start: offer.slots[0].start }, { key: null });
    expect(one.body.repId).toBe(ana);
    // Ana was booked now, Ben never: the same slot goes to Ben.
    const again = await slotsOf(sb, second.token);
    const sameSlot = again.slots.find((s: { start: string }) => s.start === offer.slots[0].start);
    expect(sameSlot.repId).toBe(ben);
    const two = await http(sb.url, 'POST', `/v1/booking/${second.token}`, { start: sameSlot.start }, { key: null });
    expect(two.status).toBe(201);
    expect(two.body.repId).toBe(ben);
  });
});

describe('a booking made while no router runs', () => {
  let sb: TestSwitchboard | undefined;
  afterAll(async () => {
    await sb?.destroy();
  });

  it('is kept, and the lead hears of it once a router is back', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process', router: false });
    const ana = await repNamed(sb, 'Ana');
    await http(sb.url, 'POST', '/v1/teams', { name: 'Pool', members: [ana], booking: { ...booking, mode: 'team' } });
    const { leadId, token } = await leadWithLink(sb, 'Pool', 'offline-router@prospect.io');
    const slot = (await slotsOf(sb, token)).slots[0];
    const booked = await http(sb.url, 'POST', `/v1/booking/${token}`, { start: slot.start }, { key: null });
    expect(booked.status).toBe(201);
    expect((await events(sb, leadId)).some((e) => e.type === 'lead.booked')).toBe(false);

    sb = await sb.restart();
    const logged = await eventually(
      async () => (await events(sb!, leadId)).find((e) => e.type === 'lead.booked'),
      40_000,
      'the booking announced to the lead',
    );
    expect(logged.data).toMatchObject({ bookingId: booked.body.bookingId, repId: ana });
    expect((await events(sb, leadId)).filter((e) => e.type === 'lead.booked')).toHaveLength(1);
  }, 90_000);
});
