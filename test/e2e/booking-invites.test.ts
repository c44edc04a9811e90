import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookMeeting, cancelMeeting } from '../support/booking-commands.ts';
import { eventually, http, type ReceivedMail, startTestSmtpServer, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// Meeting invites end to end: a booking made as the booking service makes it (the rows, then the
// router's book command, which logs lead.booked), the notifier planning from the event log, and
// a local SMTP server receiving what a mail client would. No `notifications:` section is set:
// invites are part of booking.

const PUBLIC_URL = 'https://sb.example.com';
const FROM = 'Switchboard <switchboard@acme.io>';

/** A meeting's invite as a calendar client reads it, with what carried it. */
function inviteOf(mail: ReceivedMail) {
  const part = mail.parts.find((p) => p.contentType === 'text/calendar');
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  const calendar = new ICAL.Component(ICAL.parse(part.content));
  const event = calendar.getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT in the invite');
  const unfolded = part.content.replace(/\r\n[ \t]/g, '');
  const person = (property: ICAL.Property) => ({ email: String(property.getFirstValue()).replace(/^mailto:/i, ''), name: property.getParameter('cn') ?? null });
  return {
    partMethod: part.method,
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: event.getFirstPropertyValue('sequence'),
    status: event.getFirstPropertyValue('status'),
    dtstart: /^DTSTART:(.*)$/m.exec(unfolded)?.[1],
    dtend: /^DTEND:(.*)$/m.exec(unfolded)?.[1],
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
    organizer: person(event.getFirstProperty('organizer')!),
    attendees: event.getAllProperties('attendee').map(person),
    attachment: mail.parts.find((p) => p.filename?.endsWith('.ics'))?.content,
    ics: part.content,
  };
}

/** A time as the invites' subjects write it, e.g. `Mon 6 Jan 10:00`, in a time zone. */
function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('hour')}:${part('minute')}`;
}

/** An instant as iCalendar writes it in UTC: `20310106T090000Z`. */
const icsUtc = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

describe('meeting invites for bookings', () => {
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  let sb: TestSwitchboard | undefined;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
    smtp.mails.length = 0;
  });
  afterAll(async () => {
    await smtp?.close();
  });

  /** A rep in Berlin and an assigned lead of theirs. */
  const repAndLead = async (switchboard: TestSwitchboard) => {
    const rep = await http(switchboard.url, 'POST', '/v1/reps', { name: 'Ana Silva', email: 'ana@acme.io', timezone: 'Europe/Berlin' });
    expect(rep.status, JSON.stringify(rep.body)).toBe(201);
    expect((await http(switchboard.url, 'POST', '/v1/teams', { name: 'Inbound', members: [rep.body.id] })).status).toBe(201);
    const posted = await http(switchboard.url, 'POST', '/v1/leads', { email: 'lee@prospect.io', firstName: 'Lee', lastName: 'Chen', company: 'Prospect & Co' });
    expect(posted.status).toBe(202);
    await eventually(async () => (await http(switchboard.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'assigned', 15_000, 'the lead assigned');
    return { repId: rep.body.id as string, leadId: posted.body.id as string };
  };
  const mailsTo = (address: string) => smtp.mails.filter((mail) => mail.to.includes(address));

  it('emails the rep and the prospect an invite to accept: each sees the time in their own zone, the rep organizes, the prospect attends', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: FROM, SWITCHBOARD_PUBLIC_URL: PUBLIC_URL } });
    const { repId, leadId } = await repAndLead(sb);

    // Monday 6 January 2031, 09:00–09:30 UTC: 10:00 in Berlin, 04:00 in New York.
    const booking = await bookMeeting(sb.running, { leadId, repId, start: '2031-01-06T09:00:00Z', end: '2031-01-06T09:30:00Z', timeZone: 'America/New_York' });
    await eventually(async () => smtp.mails.length >= 2, 15_000, 'two invites');

    const [toRep] = mailsTo('ana@acme.io');
    const [toProspect] = mailsTo('lee@prospect.io');
    expect(toRep?.subject).toBe('Meeting booked: Lee Chen (Prospect & Co) with Ana Silva, Mon 6 Jan 10:00 (Europe/Berlin)');
    expect(toProspect?.subject).toBe('Meeting booked: Lee Chen (Prospect & Co) with Ana Silva, Mon 6 Jan 04:00 (America/New_York)');
    expect(toRep?.from).toBe('switchboard@acme.io');
    // The rep's email links the lead in the console; the prospect's doesn't.
    expect(toRep?.text).toContain(`${PUBLIC_URL}/leads/${leadId}`);
    expect(toRep?.html).toContain('Lee Chen (Prospect &amp; Co)');
    expect(toProspect?.text).not.toContain(PUBLIC_URL);
    expect(toProspect?.text).toContain('Mon 6 Jan 04:00–04:30 (America/New_York)');

    for (const mail of [toRep!, toProspect!]) {
      const invite = inviteOf(mail);
      expect(invite).toMatchObject({
        partMethod: 'REQUEST',
        method: 'REQUEST',
        uid: `${booking.id}@switchboard`,
        sequence: 0,
        status: 'CONFIRMED',
        dtstart: '20310106T090000Z',
        dtend: '20310106T093000Z',
        start: '2031-01-06T09:00:00.000Z',
        organizer: { email: 'ana@acme.io', name: 'Ana Silva' },
        attendees: [{ email: 'lee@prospect.io', name: 'Lee Chen' }],
      });
      // The same invite as an .ics attachment, for clients that only offer to open a file.
      expect(invite.attachment).toBe(invite.ics);
    }

    // Exactly once per event and address: later rounds of the planner send nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.mails).toHaveLength(2);
    const delivered = (await http(sb.url, 'GET', `/v1/notifications?lead=${leadId}`)).body.items.filter((n: { eventType: string }) => n.eventType === 'lead.booked');
    expect(delivered.map((n: { destination: string; status: string }) => `${n.destination} ${n.status}`).sort()).toEqual(['ana@acme.io delivered', 'lee@prospect.io delivered']);
  });

  it('through the prospect’s booking link: booking, moving and cancelling send the invite, its update and its cancellation', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: FROM } });
    const rep = await http(sb.url, 'POST', '/v1/reps', { name: 'Ana Silva', email: 'ana@acme.io', timezone: 'Europe/Berlin' });
    const team = await http(sb.url, 'POST', '/v1/teams', { name: 'Solo', members: [rep.body.id], booking: { duration: '30m', window: 'P2D', buffer: '10m', minNotice: '1h' } });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'lee@prospect.io', firstName: 'Lee', lastName: 'Chen', team: 'Solo', book: true });
    expect(posted.status).toBe(202);
    const token = posted.body.booking.token as string;
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body.state === 'assigned', 15_000, 'the lead assigned');
    const { slots } = (await http(sb.url, 'GET', `/v1/booking/${token}/slots?tz=America/New_York`, undefined, { key: null })).body;
    const [one, , three] = slots as Array<{ start: string; end: string }>;

    const booked = await http(sb.url, 'POST', `/v1/booking/${token}`, { start: one!.start, timeZone: 'America/New_York' }, { key: null });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    await eventually(async () => smtp.mails.length >= 2, 15_000, 'the invites');
    expect(mailsTo('ana@acme.io')[0]?.subject).toBe(`Meeting booked: Lee Chen with Ana Silva, ${localTime(one!.start, 'Europe/Berlin')} (Europe/Berlin)`);
    expect(mailsTo('lee@prospect.io')[0]?.subject).toBe(`Meeting booked: Lee Chen with Ana Silva, ${localTime(one!.start, 'America/New_York')} (America/New_York)`);
    const uid = `${booked.body.bookingId}@switchboard`;
    for (const mail of smtp.mails) {
      expect(inviteOf(mail)).toMatchObject({ method: 'REQUEST', uid, sequence: 0, dtstart: icsUtc(one!.start), dtend: icsUtc(one!.end), organizer: { email: 'ana@acme.io' }, attendees: [{ email: 'lee@prospect.io' }] });
    }

    expect((await http(sb.url, 'POST', `/v1/booking/${token}`, { start: three!.start }, { key: null })).status).toBe(201);
    await eventually(async () => smtp.mails.length >= 4, 15_000, 'the updates');
    for (const mail of smtp.mails.slice(2)) expect(inviteOf(mail)).toMatchObject({ method: 'REQUEST', uid, sequence: 1, dtstart: icsUtc(three!.start) });

    expect((await http(sb.url, 'DELETE', `/v1/booking/${token}`, undefined, { key: null })).status).toBe(200);
    await eventually(async () => smtp.mails.length >= 6, 15_000, 'the cancellations');
    for (const mail of smtp.mails.slice(4)) expect(inviteOf(mail)).toMatchObject({ method: 'CANCEL', uid, sequence: 2, dtstart: icsUtc(three!.start) });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.mails).toHaveLength(6);
  });

  it('a move updates the same meeting at the next sequence, and a cancellation calls it off with the same UID and a higher sequence', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: FROM } });
    const { repId, leadId } = await repAndLead(sb);
    const first = await bookMeeting(sb.running, { leadId, repId, start: '2031-01-06T09:00:00Z', end: '2031-01-06T09:30:00Z', timeZone: 'America/New_York' });
    await eventually(async () => smtp.mails.length >= 2, 15_000, 'the invites');

    // Tuesday 14:30 UTC: 15:30 in Berlin, 09:30 in New York.
    const moved = await bookMeeting(sb.running, { leadId, repId, start: '2031-01-07T14:30:00Z', end: '2031-01-07T15:00:00Z', timeZone: 'America/New_York', replaces: first });
    await eventually(async () => smtp.mails.length >= 4, 15_000, 'the updates');
    const [, toRep] = mailsTo('ana@acme.io');
    const [, toProspect] = mailsTo('lee@prospect.io');
    expect(toRep?.subject).toBe('Meeting moved: Lee Chen (Prospect & Co) with Ana Silva, Tue 7 Jan 15:30 (Europe/Berlin)');
    expect(toProspect?.subject).toBe('Meeting moved: Lee Chen (Prospect & Co) with Ana Silva, Tue 7 Jan 09:30 (America/New_York)');
    for (const mail of [toRep!, toProspect!]) {
      expect(inviteOf(mail)).toMatchObject({ method: 'REQUEST', uid: `${first.id}@switchboard`, sequence: 1, dtstart: '20310107T143000Z', dtend: '20310107T150000Z' });
    }

    await cancelMeeting(sb.running, moved);
    await eventually(async () => smtp.mails.length >= 6, 15_000, 'the cancellations');
    const [, , cancelRep] = mailsTo('ana@acme.io');
    const [, , cancelProspect] = mailsTo('lee@prospect.io');
    expect(cancelRep?.subject).toBe('Meeting cancelled: Lee Chen (Prospect & Co) with Ana Silva, Tue 7 Jan 15:30 (Europe/Berlin)');
    for (const mail of [cancelRep!, cancelProspect!]) {
      expect(inviteOf(mail)).toMatchObject({ partMethod: 'CANCEL', method: 'CANCEL', uid: `${first.id}@switchboard`, sequence: 2, status: 'CANCELLED', dtstart: '20310107T143000Z' });
    }

    // Booking again through the link after a cancellation is a new meeting: a new UID, so no client takes it for the cancelled one.
    const again = await bookMeeting(sb.running, { leadId, repId, start: '2031-01-08T10:00:00Z', end: '2031-01-08T10:30:00Z', timeZone: 'America/New_York', linkId: first.linkId });
    await eventually(async () => smtp.mails.length >= 8, 15_000, 'the new invites');
    expect(inviteOf(mailsTo('lee@prospect.io')[3]!)).toMatchObject({ method: 'REQUEST', uid: `${again.id}@switchboard`, sequence: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.mails).toHaveLength(8);
  });

  it('a move to another rep cancels the first rep’s meeting and invites the new one', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: FROM } });
    const { repId, leadId } = await repAndLead(sb);
    const other = await http(sb.url, 'POST', '/v1/reps', { name: 'Ben Ode', email: 'ben@acme.io', timezone: 'Europe/Lisbon' });
    const first = await bookMeeting(sb.running, { leadId, repId, start: '2031-01-06T09:00:00Z', end: '2031-01-06T09:30:00Z', timeZone: 'America/New_York' });
    await eventually(async () => smtp.mails.length >= 2, 15_000, 'the invites');
    const moved = await bookMeeting(sb.running, { leadId, repId: other.body.id, start: '2031-01-06T11:00:00Z', end: '2031-01-06T11:30:00Z', timeZone: 'America/New_York', replaces: first });
    await eventually(async () => smtp.mails.length >= 5, 15_000, 'the cancellation and the new invites');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.mails).toHaveLength(6);

    const [, anaCancel] = mailsTo('ana@acme.io');
    expect(inviteOf(anaCancel!)).toMatchObject({ method: 'CANCEL', uid: `${first.id}@switchboard`, sequence: 1 });
    const [benInvite] = mailsTo('ben@acme.io');
    expect(benInvite?.subject).toBe('Meeting booked: Lee Chen (Prospect & Co) with Ben Ode, Mon 6 Jan 11:00 (Europe/Lisbon)');
    expect(inviteOf(benInvite!)).toMatchObject({ method: 'REQUEST', uid: `${moved.id}@switchboard`, sequence: 1, organizer: { email: 'ben@acme.io' } });
    const prospect = mailsTo('lee@prospect.io').slice(1).map((mail) => inviteOf(mail));
    expect(prospect.map((invite) => `${invite.method} ${invite.uid}`).sort()).toEqual([`CANCEL ${first.id}@switchboard`, `REQUEST ${moved.id}@switchboard`].sort());
  });

  it('without an SMTP server the invites are recorded as skipped, saying what to set', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const { repId, leadId } = await repAndLead(sb);
    await bookMeeting(sb.running, { leadId, repId, start: '2031-01-06T09:00:00Z', end: '2031-01-06T09:30:00Z', timeZone: 'America/New_York' });
    const skipped = await eventually(async () => {
      const items = (await http(sb!.url, 'GET', `/v1/notifications?lead=${leadId}`)).body.items as Array<{ eventType: string; channel: string; destination: string; status: string; lastError: string | null }>;
      const invites = items.filter((n) => n.eventType === 'lead.booked');
      return invites.length === 2 && invites.every((n) => n.status === 'skipped') && invites;
    }, 15_000, 'two skipped invites');
    expect(skipped.map((n) => `${n.channel} ${n.destination}`).sort()).toEqual(['email ana@acme.io', 'email lee@prospect.io']);
    for (const n of skipped) expect(n.lastError).toBe('skipped: no SMTP server is configured: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM to send meeting invites');
    expect(smtp.mails).toHaveLength(0);
  });
});
