import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger } from '@switchboard/core';
import { createEventLogRelayRepository, createNotificationRepository, createRepRepository, type LoggedEvent } from '@switchboard/store';
import { createTestDatabase, startTestSmtpServer, type TestDatabase } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingInvitesFor, type InviteFacts } from '../src/booking-invites.ts';
import { createMailer, emailSender } from '../src/channel-senders.ts';
import { createDeliveryWorker } from '../src/delivery-worker.ts';
import { derivedEventId, type PlannedMessage } from '../src/notification-rules.ts';
import { createNotificationPlanner, PLANNER_CURSOR } from '../src/notification-planner.ts';

// Two deployments' planners (a failover overlap, a second process started by mistake) read the
// same booking from the event log at once: the invites still go out once each.

let database: TestDatabase;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
  await database?.drop();
});

/** A rep, a lead, its link and a booking, and the `lead.booked` the router logs for it (twice). */
async function booked(): Promise<{ leadId: string; bookingId: string }> {
  const { db } = database;
  const rep = await createRepRepository(db).create({
    name: 'Ana Silva',
    email: 'ana@acme.io',
    timezone: 'Europe/Berlin',
    weight: 1,
    cap: null,
    tags: [],
    caps: {},
    workingHours: null,
    holidays: [],
    outOfOffice: [],
    managerId: null,
  });
  const leadId = randomUUID();
  await db
    .insertInto('leads')
    .values({ id: leadId, external_id: null, email: 'lee@prospect.io', first_name: 'Lee', last_name: 'Chen', company: null, source: 'api', requested_team: null, attributes: '{}', state: 'touched', owner_id: rep.id, team_id: null, waiting_reason: null, sla_deadline_at: null, outcome: null, snapshot: null, trace_id: null, traceparent: null })
    .execute();
  const linkId = randomUUID();
  await db.insertInto('booking_links').values({ id: linkId, lead_id: leadId, token_hash: randomUUID(), team_id: null, expires_at: new Date(Date.now() + 86_400_000), created_by: 'test' }).execute();
  const bookingId = randomUUID();
  const start = '2031-01-06T09:00:00.000Z';
  const end = '2031-01-06T09:30:00.000Z';
  await db
    .insertInto('bookings')
    .values({ id: bookingId, link_id: linkId, lead_id: leadId, rep_id: rep.id, start_at: new Date(start), end_at: new Date(end), time_zone: 'America/New_York', sequence: 0, replaces: null })
    .execute();
  // Logged twice: the booking service announces a booking again when the router's answer came too late.
  for (let i = 0; i < 2; i++) {
    await db
      .insertInto('lead_events')
      .values({
        event_id: randomUUID(),
        lead_id: leadId,
        type: 'lead.booked',
        from_state: 'assigned',
        to_state: 'touched',
        cause: 'booking',
        data: JSON.stringify({ bookingId, repId: rep.id, start, end, timeZone: 'America/New_York', rescheduled: false, replaces: null }),
        trace_id: null,
        occurred_at: new Date(),
      })
      .execute();
  }
  return { leadId, bookingId };
}

describe('meeting invites planned by planners running at once', () => {
  it('sends the rep’s and the prospect’s invite once each when four planners and two workers read the same booking, logged twice', async () => {
    const { db } = database;
    const messages = { publicUrl: null, channels: { slack: false, email: true } };
    // The cursor starts at the log's head on first use: set it before the booking is logged.
    await createEventLogRelayRepository(db).cursor(PLANNER_CURSOR);
    const { leadId, bookingId } = await booked();

    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (object) => warnings.push(object) };
    const mailers = [0, 1].map(() => createMailer({ smtpUrl: smtp.url, from: 'switchboard@acme.io' }));
    const workers = mailers.map((mailer) =>
      createDeliveryWorker({ notifications: createNotificationRepository(db), logger, channels: { email: emailSender(mailer) }, pollMs: 10 }),
    );
    const planners = [0, 1, 2, 3].map(() => createNotificationPlanner({ db, logger, messages, pollMs: 10, onPlanned: () => workers.forEach((w) => w.wake()) }));
    for (const worker of workers) worker.start();
    // Started together: each one's first round reads the booking before any has planned it.
    await Promise.all(planners.map((planner) => planner.start()));
    try {
      const deadline = Date.now() + 15_000;
      while (smtp.mails.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // Rounds keep going meanwhile; any second send would show by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      await Promise.all(planners.map((planner) => planner.stop()));
      await Promise.all(workers.map((worker) => worker.stop()));
      for (const mailer of mailers) mailer.close();
    }

    expect(warnings).toEqual([]);
    expect(smtp.mails.map((mail) => mail.to.join(',')).sort()).toEqual(['ana@acme.io', 'lee@prospect.io']);
    for (const mail of smtp.mails) {
      expect(mail.parts.find((part) => part.contentType === 'text/calendar')?.method).toBe('REQUEST');
    }
    // One invite per booking and address: the event id is the booking's, the same for every planner.
    const rows = await db.selectFrom('notifications').select(['event_id', 'event_type', 'destination', 'status', 'attempts']).where('lead_id', '=', leadId).orderBy('destination').execute();
    const eventId = derivedEventId(bookingId, 'invite');
    expect(rows).toEqual([
      { event_id: eventId, event_type: 'lead.booked', destination: 'ana@acme.io', status: 'delivered', attempts: 1 },
      { event_id: eventId, event_type: 'lead.booked', destination: 'lee@prospect.io', status: 'delivered', attempts: 1 },
    ]);
  });
});

describe('which invites a booking event sends', () => {
  const rep = '7d3c1f0e-0000-4000-8000-000000000001';
  const lead = '7d3c1f0e-0000-4000-8000-000000000002';
  const first = '7d3c1f0e-0000-4000-8000-000000000003';
  const second = '7d3c1f0e-0000-4000-8000-000000000004';
  const start = Date.parse('2031-01-06T09:00:00Z');
  const booking = (id: string, replaces: string | null, sequence: number) => ({ id, repId: rep, start, end: start + 30 * 60_000, timeZone: 'Asia/Tokyo', sequence, replaces });
  const facts = (erased = false): InviteFacts => ({
    bookings: new Map([
      [first, booking(first, null, 0)],
      [second, booking(second, first, 1)],
    ]),
    leads: new Map([[lead, { email: 'kim@prospect.io', firstName: 'Kim', lastName: null, company: '<script>', erased }]]),
    reps: new Map([[rep, { name: 'Ana Silva', email: 'ana@acme.io', timezone: 'Europe/Berlin' }]]),
  });
  const event = (type: string, bookingId: string): LoggedEvent => ({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), leadId: lead as never, data: { bookingId, repId: rep } });
  const planning = (overrides: Partial<Parameters<typeof bookingInvitesFor>[1]> = {}) => ({ facts: facts(), publicUrl: null, email: true, now: start - 86_400_000, ...overrides });

  it('writes the rep’s invite in the rep’s zone and the prospect’s in the zone they booked in, the HTML escaped', () => {
    const [toRep, toProspect] = bookingInvitesFor(event('lead.booked', second), planning());
    const email = (n: typeof toRep) => (n!.payload as PlannedMessage).email!;
    expect(email(toRep).subject).toBe('Meeting moved: Kim (<script>) with Ana Silva, Mon 6 Jan 10:00 (Europe/Berlin)');
    expect(email(toProspect).subject).toBe('Meeting moved: Kim (<script>) with Ana Silva, Mon 6 Jan 18:00 (Asia/Tokyo)');
    expect(email(toRep).html).not.toContain('<script>');
    expect(email(toRep).calendar?.ics).toContain(`UID:${first}@switchboard`);
    expect(email(toRep).calendar?.ics).toContain('SEQUENCE:1');
  });

  it('sends no cancellation for a booking that was moved, nothing for a meeting already over, and nothing to an erased lead’s address', () => {
    expect(bookingInvitesFor(event('lead.booking_cancelled', first), planning())).toEqual([]);
    expect(bookingInvitesFor(event('lead.booked', second), planning({ now: start + 31 * 60_000 }))).toEqual([]);
    expect(bookingInvitesFor(event('lead.booked', first), planning({ facts: facts(true) })).map((n) => n.destination)).toEqual(['ana@acme.io']);
  });

  it('plans invites as skipped with the reason when the deployment has no email', () => {
    const planned = bookingInvitesFor(event('lead.booking_cancelled', second), planning({ email: false }));
    expect(planned.map((n) => (n.payload as PlannedMessage).skip)).toEqual([
      'no SMTP server is configured: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM to send meeting invites',
      'no SMTP server is configured: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM to send meeting invites',
    ]);
    expect((planned[0]!.payload as PlannedMessage).email?.calendar).toMatchObject({ method: 'CANCEL', filename: 'cancel.ics' });
  });
});
