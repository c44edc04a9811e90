import { ValidationError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { CalendarFeedError, MAX_OCCURRENCES_PER_CALENDAR, MAX_OCCURRENCES_PER_EVENT, parseIcsBusy } from '../src/index.ts';

const at = (iso: string) => Date.parse(iso);
const block = (start: string, end: string) => ({ start: at(start), end: at(end) });

/** A VCALENDAR around the given lines, with CRLF endings. */
const calendar = (...lines: string[]) => `${['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', ...lines, 'END:VCALENDAR'].join('\r\n')}\r\n`;
let uidCount = 0;
const event = (...lines: string[]) => ['BEGIN:VEVENT', `UID:event-${++uidCount}@test`, 'DTSTAMP:20270101T000000Z', ...lines, 'END:VEVENT'];

const march = { from: at('2027-03-01T00:00:00Z'), until: at('2027-04-01T00:00:00Z') };

describe('parseIcsBusy', () => {
  it('reads a TZID by the VTIMEZONE in the file, even one that is not an IANA name (as Outlook writes them)', () => {
    const text = calendar(
      'BEGIN:VTIMEZONE',
      'TZID:W. Europe Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16010101T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010101T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      ...event('DTSTART;TZID=W. Europe Standard Time:20270326T090000', 'DTEND;TZID=W. Europe Standard Time:20270326T093000', 'RRULE:FREQ=DAILY;COUNT=4'),
    );
    // The rep's zone (Tokyo) plays no part: the VTIMEZONE decides.
    expect(parseIcsBusy(text, { ...march, timezone: 'Asia/Tokyo' })).toEqual([
      block('2027-03-26T08:00:00Z', '2027-03-26T08:30:00Z'),
      block('2027-03-27T08:00:00Z', '2027-03-27T08:30:00Z'),
      block('2027-03-28T07:00:00Z', '2027-03-28T07:30:00Z'),
      block('2027-03-29T07:00:00Z', '2027-03-29T07:30:00Z'),
    ]);
  });

  it('reads an IANA TZID that has no VTIMEZONE in that zone, keeping the wall time across its DST change', () => {
    // US summer time starts on 14 March 2027.
    const text = calendar(...event('DTSTART;TZID=America/New_York:20270312T090000', 'DTEND;TZID=America/New_York:20270312T100000', 'RRULE:FREQ=WEEKLY;COUNT=2'));
    expect(parseIcsBusy(text, { ...march, timezone: 'Europe/Berlin' })).toEqual([
      block('2027-03-12T14:00:00Z', '2027-03-12T15:00:00Z'),
      block('2027-03-19T13:00:00Z', '2027-03-19T14:00:00Z'),
    ]);
  });

  it('reads a time skipped by the change to summer time with the offset before it, and a time that occurs twice as the first', () => {
    const text = calendar(
      // Paris skips 02:00–03:00 on 28 March 2027 and repeats 02:00–03:00 on 31 October.
      ...event('DTSTART;TZID=Europe/Paris:20270328T023000', 'DURATION:PT15M'),
      ...event('DTSTART;TZID=Europe/Paris:20271031T023000', 'DURATION:PT15M'),
      // An EXDATE in UTC still finds its occurrence in a zone the file does not define.
      ...event('DTSTART;TZID=Europe/Paris:20270401T090000', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20270402T070000Z'),
    );
    expect(parseIcsBusy(text, { from: at('2027-03-01T00:00:00Z'), until: at('2027-12-01T00:00:00Z'), timezone: 'UTC' })).toEqual([
      block('2027-03-28T01:30:00Z', '2027-03-28T01:45:00Z'),
      block('2027-04-01T07:00:00Z', '2027-04-01T08:00:00Z'),
      block('2027-04-03T07:00:00Z', '2027-04-03T08:00:00Z'),
      block('2027-10-31T00:30:00Z', '2027-10-31T00:45:00Z'),
    ]);
  });

  it('reads floating times on the rep\'s wall clock, and UTC times as they are', () => {
    const text = calendar(...event('DTSTART:20270310T090000', 'DTEND:20270310T100000'), ...event('DTSTART:20270311T090000Z', 'DTEND:20270311T100000Z'));
    expect(parseIcsBusy(text, { ...march, timezone: 'America/New_York' })).toEqual([
      block('2027-03-10T14:00:00Z', '2027-03-10T15:00:00Z'),
      block('2027-03-11T09:00:00Z', '2027-03-11T10:00:00Z'),
    ]);
    expect(parseIcsBusy(text, { ...march, timezone: 'Asia/Tokyo' })).toEqual([
      block('2027-03-10T00:00:00Z', '2027-03-10T01:00:00Z'),
      block('2027-03-11T09:00:00Z', '2027-03-11T10:00:00Z'),
    ]);
  });

  it('reads all-day events from local midnight to local midnight in the rep\'s zone; without DTEND, one day', () => {
    const text = calendar(
      ...event('DTSTART;VALUE=DATE:20270308', 'DTEND;VALUE=DATE:20270311'),
      ...event('DTSTART;VALUE=DATE:20270320'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'America/Los_Angeles' })).toEqual([
      // 8, 9 and 10 March; Los Angeles moves to summer time on the 14th.
      block('2027-03-08T08:00:00Z', '2027-03-11T08:00:00Z'),
      block('2027-03-20T07:00:00Z', '2027-03-21T07:00:00Z'),
    ]);
  });

  it('takes the end from DURATION when there is no DTEND, for single and recurring events', () => {
    const text = calendar(
      ...event('DTSTART:20270302T090000Z', 'DURATION:PT45M'),
      ...event('DTSTART;TZID=Europe/Berlin:20270303T160000', 'DURATION:PT1H30M', 'RRULE:FREQ=DAILY;COUNT=2'),
      ...event('DTSTART;VALUE=DATE:20270310', 'DURATION:P2D'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'Europe/Berlin' })).toEqual([
      block('2027-03-02T09:00:00Z', '2027-03-02T09:45:00Z'),
      block('2027-03-03T15:00:00Z', '2027-03-03T16:30:00Z'),
      block('2027-03-04T15:00:00Z', '2027-03-04T16:30:00Z'),
      block('2027-03-09T23:00:00Z', '2027-03-11T23:00:00Z'),
    ]);
  });

  it('leaves out events shown as free or cancelled, whole series too, and an occurrence cancelled by its override', () => {
    const text = calendar(
      ...event('DTSTART:20270302T090000Z', 'DTEND:20270302T100000Z', 'TRANSP:TRANSPARENT'),
      ...event('DTSTART:20270303T090000Z', 'DTEND:20270303T100000Z', 'STATUS:CANCELLED'),
      ...event('DTSTART:20270304T090000Z', 'DTEND:20270304T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'TRANSP:TRANSPARENT'),
      'BEGIN:VEVENT',
      'UID:standup@test',
      'DTSTART:20270310T090000Z',
      'DTEND:20270310T091500Z',
      'RRULE:FREQ=DAILY;COUNT=3',
      'STATUS:CONFIRMED',
      'TRANSP:OPAQUE',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:standup@test',
      'RECURRENCE-ID:20270311T090000Z',
      'DTSTART:20270311T090000Z',
      'DTEND:20270311T091500Z',
      'STATUS:CANCELLED',
      'END:VEVENT',
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'UTC' })).toEqual([
      block('2027-03-10T09:00:00Z', '2027-03-10T09:15:00Z'),
      block('2027-03-12T09:00:00Z', '2027-03-12T09:15:00Z'),
    ]);
  });

  it('matches a RECURRENCE-ID written in UTC to the occurrence it names in another zone, and counts an occurrence moved into the window from outside it', () => {
    const text = calendar(
      'BEGIN:VEVENT',
      'UID:weekly@test',
      'DTSTART;TZID=Europe/Berlin:20270301T100000',
      'DTEND;TZID=Europe/Berlin:20270301T110000',
      'RRULE:FREQ=WEEKLY;COUNT=6',
      'END:VEVENT',
      // 8 March 10:00 CET, named in UTC, moved to the afternoon.
      'BEGIN:VEVENT',
      'UID:weekly@test',
      'RECURRENCE-ID:20270308T090000Z',
      'DTSTART:20270308T150000Z',
      'DTEND:20270308T160000Z',
      'END:VEVENT',
      // 5 April (outside the window) moved to 31 March (inside it).
      'BEGIN:VEVENT',
      'UID:weekly@test',
      'RECURRENCE-ID;TZID=Europe/Berlin:20270405T100000',
      'DTSTART;TZID=Europe/Berlin:20270331T100000',
      'DTEND;TZID=Europe/Berlin:20270331T110000',
      'END:VEVENT',
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'Europe/Berlin' })).toEqual([
      block('2027-03-01T09:00:00Z', '2027-03-01T10:00:00Z'),
      block('2027-03-08T15:00:00Z', '2027-03-08T16:00:00Z'),
      block('2027-03-15T09:00:00Z', '2027-03-15T10:00:00Z'),
      block('2027-03-22T09:00:00Z', '2027-03-22T10:00:00Z'),
      block('2027-03-29T08:00:00Z', '2027-03-29T09:00:00Z'),
      block('2027-03-31T08:00:00Z', '2027-03-31T09:00:00Z'),
    ]);
  });

  it('counts an override whose series is not in the feed, and extra dates (RDATE) and excluded ones (EXDATE, several on a line)', () => {
    const text = calendar(
      'BEGIN:VEVENT',
      'UID:only-my-occurrence@test',
      'RECURRENCE-ID:20270302T090000Z',
      'DTSTART:20270302T090000Z',
      'DTEND:20270302T100000Z',
      'END:VEVENT',
      ...event('DTSTART:20270315T120000Z', 'DTEND:20270315T123000Z', 'RRULE:FREQ=DAILY;COUNT=5', 'EXDATE:20270316T120000Z,20270318T120000Z', 'RDATE:20270325T120000Z'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'UTC' })).toEqual([
      block('2027-03-02T09:00:00Z', '2027-03-02T10:00:00Z'),
      block('2027-03-15T12:00:00Z', '2027-03-15T12:30:00Z'),
      block('2027-03-17T12:00:00Z', '2027-03-17T12:30:00Z'),
      block('2027-03-19T12:00:00Z', '2027-03-19T12:30:00Z'),
      block('2027-03-25T12:00:00Z', '2027-03-25T12:30:00Z'),
    ]);
  });

  it('clips blocks to the window and merges those that overlap or touch', () => {
    const text = calendar(
      ...event('DTSTART:20270228T230000Z', 'DTEND:20270301T010000Z'),
      ...event('DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z'),
      ...event('DTSTART:20270310T093000Z', 'DTEND:20270310T103000Z'),
      ...event('DTSTART:20270310T103000Z', 'DTEND:20270310T110000Z'),
      ...event('DTSTART:20270331T230000Z', 'DTEND:20270401T010000Z'),
      ...event('DTSTART:20270401T000000Z', 'DTEND:20270401T010000Z'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'UTC' })).toEqual([
      block('2027-03-01T00:00:00Z', '2027-03-01T01:00:00Z'),
      block('2027-03-10T09:00:00Z', '2027-03-10T11:00:00Z'),
      block('2027-03-31T23:00:00Z', '2027-04-01T00:00:00Z'),
    ]);
  });

  it('expands an endless daily series from years back only up to the window', () => {
    const text = calendar(...event('DTSTART;TZID=Europe/Berlin:20000103T083000', 'DTEND;TZID=Europe/Berlin:20000103T084500', 'RRULE:FREQ=DAILY'));
    const busy = parseIcsBusy(text, { from: at('2027-03-27T00:00:00Z'), until: at('2027-03-29T00:00:00Z'), timezone: 'UTC' });
    expect(busy).toEqual([block('2027-03-27T07:30:00Z', '2027-03-27T07:45:00Z'), block('2027-03-28T06:30:00Z', '2027-03-28T06:45:00Z')]);
  });

  it(`stops expanding a series after ${MAX_OCCURRENCES_PER_EVENT} occurrences, so a rule repeating every second does not hold the caller`, () => {
    const text = calendar(
      ...event('DTSTART:20200101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY'),
      ...event('DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z'),
    );
    const started = performance.now();
    const busy = parseIcsBusy(text, { ...march, timezone: 'UTC' });
    expect(performance.now() - started).toBeLessThan(5_000);
    // The every-second series never reaches March 2027; the other event is still read.
    expect(busy).toEqual([block('2027-03-10T09:00:00Z', '2027-03-10T10:00:00Z')]);
  });

  it(`refuses a calendar with more than ${MAX_OCCURRENCES_PER_CALENDAR} occurrences to expand`, () => {
    const series = Math.ceil(MAX_OCCURRENCES_PER_CALENDAR / MAX_OCCURRENCES_PER_EVENT) + 1;
    const text = calendar(...Array.from({ length: series }, () => event('DTSTART:20200101T000000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY')).flat());
    expect(() => parseIcsBusy(text, { ...march, timezone: 'UTC' })).toThrow(
      new CalendarFeedError('the iCalendar file has more recurring occurrences than can be read: over 250,000 up to the end of the window', { problem: 'malformed' }),
    );
  });

  it('ends a series at its UNTIL, and reads a series that ended long ago as nothing', () => {
    const text = calendar(
      ...event('DTSTART;TZID=Europe/Berlin:20270301T120000', 'DTEND;TZID=Europe/Berlin:20270301T130000', 'RRULE:FREQ=DAILY;UNTIL=20270303T110000Z'),
      ...event('DTSTART;TZID=Europe/Berlin:20000101T120000', 'DTEND;TZID=Europe/Berlin:20000101T130000', 'RRULE:FREQ=DAILY;UNTIL=20100101T000000Z'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'UTC' })).toEqual([
      block('2027-03-01T11:00:00Z', '2027-03-01T12:00:00Z'),
      block('2027-03-02T11:00:00Z', '2027-03-02T12:00:00Z'),
      block('2027-03-03T11:00:00Z', '2027-03-03T12:00:00Z'),
    ]);
  });

  it('ignores to-dos, journals and events without a start', () => {
    const text = calendar(
      'BEGIN:VTODO',
      'UID:todo@test',
      'DTSTART:20270310T090000Z',
      'DUE:20270310T170000Z',
      'END:VTODO',
      'BEGIN:VJOURNAL',
      'UID:journal@test',
      'DTSTART:20270310T090000Z',
      'END:VJOURNAL',
      ...event('SUMMARY:No start'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'UTC' })).toEqual([]);
  });

  it('refuses a time zone that is not an IANA name and a window that ends before it starts', () => {
    const text = calendar();
    expect(() => parseIcsBusy(text, { ...march, timezone: 'CET+1' })).toThrow(ValidationError);
    expect(() => parseIcsBusy(text, { ...march, timezone: 'Mars/Olympus' })).toThrow('timezone: "Mars/Olympus" is not an IANA time zone; use a name such as Europe/Berlin');
    expect(() => parseIcsBusy(text, { from: march.until, until: march.from, timezone: 'UTC' })).toThrow('until: must be after from (2027-04-01T00:00:00.000Z)');
  });
});

describe('parseIcsBusy: Outlook’s busy status', () => {
  it('leaves out events Outlook shows as free or working elsewhere, and keeps tentative ones busy', () => {
    const text = calendar(
      ...event('DTSTART:20270310T090000Z', 'DTEND:20270310T100000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:FREE'),
      ...event('DTSTART:20270310T110000Z', 'DTEND:20270310T120000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE'),
      ...event('DTSTART:20270310T130000Z', 'DTEND:20270310T140000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE'),
      ...event('DTSTART:20270310T150000Z', 'DTEND:20270310T160000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:OOF'),
    );
    expect(parseIcsBusy(text, { ...march, timezone: 'UTC' })).toEqual([
      block('2027-03-10T13:00:00Z', '2027-03-10T14:00:00Z'),
      block('2027-03-10T15:00:00Z', '2027-03-10T16:00:00Z'),
    ]);
  });
});
