import { ValidationError } from '@switchboard/core';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { bookingInvite, parseIcsBusy, type BookingInviteInput } from '../src/index.ts';

const at = (iso: string) => Date.parse(iso);

const INVITE: BookingInviteInput = {
  uid: 'meeting-7f3a@switchboard.example.com',
  method: 'REQUEST',
  sequence: 0,
  start: at('2027-03-29T08:00:00Z'),
  end: at('2027-03-29T08:30:00Z'),
  summary: 'Intro call: Acme, Inc.; pricing',
  description: 'Lee asked about pricing for 40 seats.\nThey use Salesforce today; a migration is likely. '.repeat(3),
  url: 'https://switchboard.example.com/leads/ld_123',
  organizer: { name: 'Ana Rep', email: 'ana@example.com' },
  attendees: [{ name: 'Lee, "the lead"', email: 'lee@acme.example' }, { email: 'ops@acme.example' }],
  now: at('2027-03-20T12:34:56Z'),
};

/** The VEVENT of an invite, read back with ical.js. */
function readBack(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const event = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, event };
}

describe('bookingInvite', () => {
  it('writes a REQUEST that reads back with every field, in UTC, each attendee asked to answer', () => {
    const text = bookingInvite(INVITE);
    const { calendar, event } = readBack(text);

    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Switchboard//Lead routing//EN');
    expect(event.getFirstPropertyValue('uid')).toBe(INVITE.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event.getFirstPropertyValue('summary')).toBe(INVITE.summary);
    expect(event.getFirstPropertyValue('description')).toBe(INVITE.description);
    expect(event.getFirstPropertyValue('url')).toBe(INVITE.url);
    expect(text).toContain('\r\nDTSTAMP:20270320T123456Z\r\n');
    expect(text).toContain('\r\nDTSTART:20270329T080000Z\r\n');
    expect(text).toContain('\r\nDTEND:20270329T083000Z\r\n');

    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:ana@example.com');
    expect(organizer.getParameter('cn')).toBe('Ana Rep');

    const attendees = event.getAllProperties('attendee').map((property) => ({
      address: property.getFirstValue(),
      cn: property.getParameter('cn'),
      rsvp: property.getParameter('rsvp'),
      partstat: property.getParameter('partstat'),
      role: property.getParameter('role'),
    }));
    expect(attendees).toEqual([
      { address: 'mailto:lee@acme.example', cn: 'Lee, "the lead"', rsvp: 'TRUE', partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' },
      { address: 'mailto:ops@acme.example', cn: undefined, rsvp: 'TRUE', partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' },
    ]);
  });

  it('ends every line with CRLF and folds long lines at 75 octets', () => {
    const text = bookingInvite({ ...INVITE, summary: `Café meeting — ${'ü'.repeat(60)}` });
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    // The description and the multi-byte summary are long enough to be folded.
    expect(lines.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(3);
    expect(readBack(text).event.getFirstPropertyValue('summary')).toBe(`Café meeting — ${'ü'.repeat(60)}`);
  });

  it('writes a CANCEL with the same UID, a higher SEQUENCE, STATUS:CANCELLED and no RSVP asked', () => {
    const text = bookingInvite({ ...INVITE, method: 'CANCEL', sequence: 1, now: at('2027-03-21T09:00:00Z') });
    const { calendar, event } = readBack(text);
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('uid')).toBe(INVITE.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getAllProperties('attendee').map((property) => property.getParameter('rsvp'))).toEqual([undefined, undefined]);
    // A calendar that receives it no longer shows the time as busy.
    expect(parseIcsBusy(text, { from: at('2027-03-29T00:00:00Z'), until: at('2027-03-30T00:00:00Z'), timezone: 'UTC' })).toEqual([]);
  });

  it('shows as busy for exactly the meeting in a calendar that receives the REQUEST', () => {
    const text = bookingInvite(INVITE);
    expect(parseIcsBusy(text, { from: at('2027-03-29T00:00:00Z'), until: at('2027-03-30T00:00:00Z'), timezone: 'Europe/Berlin' })).toEqual([
      { start: INVITE.start, end: INVITE.end },
    ]);
  });

  it('keeps carriage returns and other control characters in a name or text from adding lines of their own', () => {
    const text = bookingInvite({
      ...INVITE,
      summary: 'Call\r\nATTENDEE:mailto:intruder@evil.example',
      description: 'Line one\r\nLine two\rMETHOD:PUBLISH',
      attendees: [{ name: 'Lee\rORGANIZER:mailto:intruder@evil.example', email: 'lee@acme.example' }],
    });
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(text).not.toMatch(/\r\n(ATTENDEE|ORGANIZER):mailto:intruder/);
    const { calendar, event } = readBack(text);
    expect(calendar.getAllProperties('method').map((p) => p.getFirstValue())).toEqual(['REQUEST']);
    expect(event.getAllProperties('attendee')).toHaveLength(1);
    expect(event.getFirstPropertyValue('description')).toBe('Line one\nLine two\nMETHOD:PUBLISH');
    expect(event.getFirstPropertyValue('summary')).toBe('Call ATTENDEE:mailto:intruder@evil.example');
  });

  it('names each bad field', () => {
    const bad = () =>
      bookingInvite({
        ...INVITE,
        end: INVITE.start,
        sequence: -1,
        url: 'javascript:alert(1)',
        organizer: { name: 'Ana', email: 'ana at example.com' },
        attendees: [{ email: 'lee@acme.example' }, { email: 'x@y.example\r\nATTENDEE:mailto:z@evil.example' }],
      });
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(
      [
        'sequence: must be a whole number, 0 or more',
        'end: must be after start',
        'url: must be an http(s) URL',
        'organizer.email: "ana at example.com" is not an email address',
        'attendees[1].email: "x@y.example\\r\\nATTENDEE:mailto:z@evil.example" is not an email address',
      ].join('; '),
    );
    expect(() => bookingInvite({ ...INVITE, attendees: [] })).toThrow('attendees: must name at least one attendee');
  });
});
