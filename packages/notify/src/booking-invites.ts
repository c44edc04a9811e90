import { bookingInvite } from '@switchboard/calendar';
import { LifecycleEventType } from '@switchboard/core';
import { type Database, type LoggedEvent, NotificationChannel, type PlannedNotification } from '@switchboard/store';
import type { Kysely } from 'kysely';
import { inviteEmail, type InviteEmailInput } from './invite-email.ts';
import { leadName } from './message-view.ts';
import { derivedEventId, type PlannedMessage } from './notification-rules.ts';
import { GIVE_UP_AFTER_MS } from './retry-schedule.ts';

/** The events that send meeting invites: a booking (or a move), and a cancellation. */
export const INVITE_EVENT_TYPES: ReadonlyArray<string> = [LifecycleEventType.leadBooked, LifecycleEventType.leadBookingCancelled];

/** Why invites are recorded as skipped on a deployment without email. */
export const NO_SMTP_REASON = 'no SMTP server is configured: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM to send meeting invites';

interface BookingFacts {
  readonly id: string;
  readonly repId: string;
  readonly start: number;
  readonly end: number;
  readonly timeZone: string;
  readonly sequence: number;
  readonly replaces: string | null;
}

interface LeadFacts {
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly company: string | null;
  readonly erased: boolean;
}

interface RepFacts {
  readonly name: string;
  readonly email: string;
  readonly timezone: string;
}

/** What the invites of a batch of events need, read once: the bookings of their links, their leads and reps. */
export interface InviteFacts {
  /** Every booking of the links the events' bookings belong to, by id: a reschedule's chain is followed back through them. */
  readonly bookings: ReadonlyMap<string, BookingFacts>;
  readonly leads: ReadonlyMap<string, LeadFacts>;
  readonly reps: ReadonlyMap<string, RepFacts>;
}

/** What planning invites needs beside the facts. */
export interface InvitePlanning {
  readonly facts: InviteFacts;
  /** The console's address (`SWITCHBOARD_PUBLIC_URL`): the rep's email links the lead's page. */
  readonly publicUrl: string | null;
  /** Whether this deployment sends email; without it the invites are planned as skipped, with the reason. */
  readonly email: boolean;
  readonly now: number;
}

type Data = Record<string, unknown>;
const bookingIdOf = (event: LoggedEvent): string | null => {
  const id = (event.data as Data | null)?.bookingId;
  return typeof id === 'string' ? id : null;
};

/** Reads what the invites of these events need; undefined when none of them is a booking event. */
export async function readInviteFacts(db: Kysely<Database>, events: ReadonlyArray<LoggedEvent>): Promise<InviteFacts | undefined> {
  const bookingIds = [...new Set(events.filter((e) => INVITE_EVENT_TYPES.includes(e.type)).flatMap((e) => bookingIdOf(e) ?? []))];
  if (bookingIds.length === 0) return undefined;
  const rows = await db
    .selectFrom('bookings')
    .select(['id', 'rep_id', 'lead_id', 'start_at', 'end_at', 'time_zone', 'sequence', 'replaces'])
    .where('link_id', 'in', (eb) => eb.selectFrom('bookings').select('link_id').where('id', 'in', bookingIds))
    .execute();
  const leadIds = [...new Set(rows.map((row) => row.lead_id))];
  const repIds = [...new Set(rows.map((row) => row.rep_id))];
  const [leads, reps] = await Promise.all([
    leadIds.length === 0 ? [] : db.selectFrom('leads').select(['id', 'email', 'first_name', 'last_name', 'company', 'erased_at']).where('id', 'in', leadIds).execute(),
    repIds.length === 0 ? [] : db.selectFrom('reps').select(['id', 'name', 'email', 'timezone']).where('id', 'in', repIds).execute(),
  ]);
  return {
    bookings: new Map(
      rows.map((row) => [
        row.id,
        { id: row.id, repId: row.rep_id, start: row.start_at.getTime(), end: row.end_at.getTime(), timeZone: row.time_zone, sequence: row.sequence, replaces: row.replaces },
      ]),
    ),
    leads: new Map(leads.map((row) => [row.id, { email: row.email, firstName: row.first_name, lastName: row.last_name, company: row.company, erased: row.erased_at !== null }])),
    reps: new Map(reps.map((row) => [row.id, { name: row.name, email: row.email, timezone: row.timezone }])),
  };
}

/**
 * The meeting invites a booking event sends, one email to the rep and one to the prospect,
 * each with the times in its reader's zone and an iCalendar part (ORGANIZER the rep, ATTENDEE
 * the prospect). They don't depend on the `notifications:` section: they are part of booking.
 *
 * - `lead.booked`: a REQUEST. A meeting is one UID (`<first booking id>@switchboard`) for as
 *   long as it is moved with the same rep; each move is the next booking's `sequence`, so mail
 *   clients update the entry they hold. A move to another rep is a new meeting: the first
 *   rep's is cancelled (and the prospect's copy with it), and a new invite goes out.
 * - `lead.booking_cancelled`: a CANCEL of the same UID, one sequence higher. A booking that
 *   was moved rather than cancelled (another booking replaces it) sends nothing: the move's
 *   invite already says where the meeting went.
 *
 * Each is unique per booking, kind and address: its event id is derived from the booking (the
 * notifications' constraint is per event and address), so neither a second planning of the event
 * nor the same booking announced twice (a router that answered too late) sends it again. A
 * meeting already over sends nothing.
 */
export function bookingInvitesFor(event: LoggedEvent, planning: InvitePlanning): PlannedNotification[] {
  const bookingId = bookingIdOf(event);
  const booking = bookingId ? planning.facts.bookings.get(bookingId) : undefined;
  if (!booking) return [];
  if (event.type === LifecycleEventType.leadBooked) {
    const replaced = booking.replaces ? planning.facts.bookings.get(booking.replaces) : undefined;
    const moved = replaced !== undefined && replaced.repId === booking.repId;
    const planned = invites(event, moved ? 'moved' : 'booked', booking, booking.sequence, planning);
    if (replaced && !moved) planned.push(...invites(event, 'cancelled', replaced, replaced.sequence + 1, planning));
    return planned;
  }
  if (event.type === LifecycleEventType.leadBookingCancelled) {
    const movedOn = [...planning.facts.bookings.values()].some((other) => other.replaces === booking.id);
    return movedOn ? [] : invites(event, 'cancelled', booking, booking.sequence + 1, planning);
  }
  return [];
}

/** The first booking of a meeting: followed back through `replaces` while the rep stays the same. */
function meetingOf(booking: BookingFacts, bookings: ReadonlyMap<string, BookingFacts>): string {
  let first = booking;
  for (let previous = first.replaces ? bookings.get(first.replaces) : undefined; previous && previous.repId === first.repId; previous = previous.replaces ? bookings.get(previous.replaces) : undefined) {
    first = previous;
  }
  return first.id;
}

/** The rep's and the prospect's email about one booking. */
function invites(event: LoggedEvent, kind: InviteEmailInput['kind'], booking: BookingFacts, sequence: number, planning: InvitePlanning): PlannedNotification[] {
  const { facts, now } = planning;
  const lead = facts.leads.get(event.leadId);
  const rep = facts.reps.get(booking.repId);
  if (!lead || !rep || booking.end <= now) return [];
  const name = leadName(lead);
  const person = [lead.firstName, lead.lastName].filter(Boolean).join(' ') || undefined;
  const link = planning.publicUrl ? `${planning.publicUrl.replace(/\/+$/, '')}/leads/${event.leadId}` : null;
  const method = kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const eventId = derivedEventId(booking.id, method === 'CANCEL' ? 'invite.cancel' : 'invite');
  const uid = `${meetingOf(booking, facts.bookings)}@switchboard`;
  const recipients: Array<{ readonly audience: 'rep' | 'prospect'; readonly to: string; readonly timeZone: string }> = [{ audience: 'rep', to: rep.email, timeZone: rep.timezone }];
  // An erased lead keeps a tombstone address that is nobody's.
  if (!lead.erased) recipients.push({ audience: 'prospect', to: lead.email, timeZone: booking.timeZone });
  const seen = new Set<string>();
  const planned: PlannedNotification[] = [];
  for (const recipient of recipients) {
    if (seen.has(recipient.to.toLowerCase())) continue;
    seen.add(recipient.to.toLowerCase());
    const ics = bookingInvite({
      uid,
      method,
      sequence,
      start: booking.start,
      end: booking.end,
      summary: recipient.audience === 'rep' ? `Meeting with ${name}` : `Meeting with ${rep.name}`,
      description: `Booked through Switchboard (booking ${booking.id}).${recipient.audience === 'rep' && link ? `\nThe lead: ${link}` : ''}`,
      ...(recipient.audience === 'rep' && link && { url: link }),
      organizer: { name: rep.name, email: rep.email },
      attendees: [{ ...(person && { name: person }), email: lead.email }],
      now,
    });
    const email = inviteEmail({
      kind,
      to: recipient.to,
      audience: recipient.audience,
      timeZone: recipient.timeZone,
      leadName: name,
      leadEmail: lead.email,
      company: lead.company,
      repName: rep.name,
      repEmail: rep.email,
      start: booking.start,
      end: booking.end,
      link,
      calendar: { method, ics, filename: kind === 'cancelled' ? 'cancel.ics' : 'invite.ics' },
    });
    const payload: PlannedMessage = { email, ...(!planning.email && { skip: NO_SMTP_REASON }) };
    planned.push({
      eventId,
      eventType: event.type,
      leadId: event.leadId,
      channel: NotificationChannel.email,
      destination: recipient.to,
      webhookId: null,
      payload,
      // Tried for a day at most, and never after the meeting has ended.
      giveUpAt: new Date(Math.min(now + GIVE_UP_AFTER_MS, booking.end)),
      notBefore: new Date(now),
    });
  }
  return planned;
}
