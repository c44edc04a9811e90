import { ValidationError, type ValidationIssue } from '@switchboard/core';
import ICAL from 'ical.js';

/** A person on an invite. */
export interface InvitePerson {
  /** Shown by mail clients (the CN parameter). */
  readonly name?: string;
  readonly email: string;
}

/** What {@link bookingInvite} writes. */
export interface BookingInviteInput {
  /** The meeting's UID: the same for the invite, its updates and its cancellation. */
  readonly uid: string;
  /** `REQUEST` invites (or updates, with a higher `sequence`); `CANCEL` calls the meeting off. */
  readonly method: 'REQUEST' | 'CANCEL';
  /** The revision: 0 for the first invite, one more for each update or the cancellation. Clients ignore a revision no newer than the one they hold. */
  readonly sequence: number;
  /** Start, epoch ms. */
  readonly start: number;
  /** End, epoch ms; after `start`. */
  readonly end: number;
  readonly summary: string;
  readonly description?: string;
  /** A link for the meeting (the video call, the lead's page). */
  readonly url?: string;
  readonly organizer: { readonly name: string; readonly email: string };
  readonly attendees: ReadonlyArray<InvitePerson>;
  /** The time of writing (DTSTAMP), epoch ms. */
  readonly now: number;
}

/** The product that wrote the invite (PRODID). */
const PRODID = '-//Switchboard//Lead routing//EN';

/**
 * An iTIP (RFC 5546) meeting invite or cancellation as iCalendar text, to send as a
 * `text/calendar; method=REQUEST` (or `CANCEL`) email part: one VEVENT with UID, SEQUENCE,
 * DTSTAMP, DTSTART and DTEND in UTC, the organizer, and each attendee asked to answer
 * (`RSVP=TRUE`, `PARTSTAT=NEEDS-ACTION`; no RSVP on a cancellation). CRLF line endings, lines
 * folded at 75 octets, values escaped, by ical.js.
 *
 * Throws `ValidationError` naming each bad field: an end not after the start, an address
 * that is not an email, a URL that is not http(s).
 *
 * @example
 * const ics = bookingInvite({ uid: 'meeting-123@switchboard', method: 'REQUEST', sequence: 0, start, end,
 *   summary: 'Intro call', organizer: { name: 'Ana Rep', email: 'ana@example.com' },
 *   attendees: [{ name: 'Lee Lead', email: 'lee@example.org' }], now: Date.now() });
 */
export function bookingInvite(input: BookingInviteInput): string {
  checkInvite(input);
  const cancelled = input.method === 'CANCEL';
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', PRODID);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', input.method);

  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', input.uid);
  event.addPropertyWithValue('sequence', input.sequence);
  event.addPropertyWithValue('dtstamp', utc(input.now));
  event.addPropertyWithValue('dtstart', utc(input.start));
  event.addPropertyWithValue('dtend', utc(input.end));
  event.addPropertyWithValue('summary', oneLine(input.summary));
  if (input.description) event.addPropertyWithValue('description', multiLine(input.description));
  if (input.url) event.addPropertyWithValue('url', new URL(input.url).href);
  event.addPropertyWithValue('status', cancelled ? 'CANCELLED' : 'CONFIRMED');
  event.addPropertyWithValue('transp', 'OPAQUE');
  event.addProperty(person('organizer', input.organizer, {}));
  for (const attendee of input.attendees) {
    event.addProperty(
      person('attendee', attendee, {
        cutype: 'INDIVIDUAL',
        role: 'REQ-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        ...(cancelled ? {} : { rsvp: 'TRUE' }),
      }),
    );
  }
  calendar.addSubcomponent(event);
  return `${serialize(calendar)}\r\n`;
}

/**
 * The calendar's text. RFC 5545 §3.1 keeps every line, the leading space of a folded one
 * included, within 75 octets; ical.js folds after `foldLength` octets and then adds the space,
 * so it is asked for 74, and for CRLF between folds (its settings are module-wide: set and put
 * back in one synchronous step). ical.js ends every line but the last with CRLF; the caller adds
 * the last.
 */
function serialize(calendar: ICAL.Component): string {
  const { foldLength, newLineChar } = ICAL;
  ICAL.foldLength = 74;
  ICAL.newLineChar = '\r\n';
  try {
    return calendar.toString();
  } finally {
    ICAL.foldLength = foldLength;
    ICAL.newLineChar = newLineChar;
  }
}

/** An ORGANIZER or ATTENDEE: a mailto: address with the name as CN (ical.js quotes and escapes it). */
function person(kind: 'organizer' | 'attendee', who: InvitePerson, parameters: Record<string, string>): ICAL.Property {
  const property = new ICAL.Property(kind);
  if (who.name) property.setParameter('cn', oneLine(who.name));
  for (const [name, value] of Object.entries(parameters)) property.setParameter(name, value);
  property.setValue(`mailto:${who.email}`);
  return property;
}

/*
 * ical.js escapes LF (as \n in text, ^n in parameters) but passes CR and other control
 * characters through, which RFC 5545 §3.3.11 forbids and some readers take for a line break:
 * text from a lead could then add lines of its own to the invite.
 */
const oneLine = (text: string) => text.replace(/[\p{Cc}]+/gu, ' ').trim();
const multiLine = (text: string) => text.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]/gu, ' ');

function utc(ms: number): ICAL.Time {
  return ICAL.Time.fromJSDate(new Date(ms), true);
}

/**
 * A plain email address: no spaces, quotes, angle brackets or control characters, one @. The
 * address goes into a mailto: value, which iCalendar does not escape.
 */
const EMAIL = /^[^\s@<>"(),;:\\\p{Cc}]+@[^\s@<>"(),;:\\\p{Cc}]+$/u;

function checkInvite(input: BookingInviteInput): void {
  const issues: ValidationIssue[] = [];
  const isTime = (value: number) => Number.isFinite(value);
  if (input.uid.trim() === '') issues.push({ path: 'uid', message: 'must not be empty' });
  if (input.method !== 'REQUEST' && input.method !== 'CANCEL') issues.push({ path: 'method', message: `must be REQUEST or CANCEL, not ${JSON.stringify(input.method)}` });
  if (!Number.isSafeInteger(input.sequence) || input.sequence < 0) issues.push({ path: 'sequence', message: 'must be a whole number, 0 or more' });
  for (const field of ['start', 'end', 'now'] as const) {
    if (!isTime(input[field])) issues.push({ path: field, message: 'must be a finite number of epoch milliseconds' });
  }
  if (isTime(input.start) && isTime(input.end) && input.end <= input.start) issues.push({ path: 'end', message: 'must be after start' });
  if (input.summary.trim() === '') issues.push({ path: 'summary', message: 'must not be empty' });
  if (input.url !== undefined && !isWebUrl(input.url)) issues.push({ path: 'url', message: 'must be an http(s) URL' });
  if (!EMAIL.test(input.organizer.email)) issues.push({ path: 'organizer.email', message: `${JSON.stringify(input.organizer.email)} is not an email address` });
  if (input.attendees.length === 0) issues.push({ path: 'attendees', message: 'must name at least one attendee' });
  input.attendees.forEach((attendee, index) => {
    if (!EMAIL.test(attendee.email)) issues.push({ path: `attendees[${index}].email`, message: `${JSON.stringify(attendee.email)} is not an email address` });
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
