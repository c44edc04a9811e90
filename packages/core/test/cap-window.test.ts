import { describe, expect, it } from 'vitest';
import { capWindowStart, type CapWindow, nextCapWindowStart, ValidationError } from '../src/index.ts';

const at = (iso: string): number => Date.parse(iso);

describe('cap windows', () => {
  it.each<[string, CapWindow, string, string, string, string]>([
    ['a Berlin day starts at local midnight', 'day', 'Europe/Berlin', '2026-08-05T15:00:00Z', '2026-08-05T00:00:00+02:00', '2026-08-06T00:00:00+02:00'],
    ['a New York day starts at local midnight', 'day', 'America/New_York', '2026-08-05T02:00:00Z', '2026-08-04T00:00:00-04:00', '2026-08-05T00:00:00-04:00'],
    ['a week starts on Monday 00:00 local', 'week', 'Europe/Berlin', '2026-08-05T15:00:00Z', '2026-08-03T00:00:00+02:00', '2026-08-10T00:00:00+02:00'],
    ['Sunday night is the end of the week', 'week', 'Europe/Berlin', '2026-08-09T23:59:59+02:00', '2026-08-03T00:00:00+02:00', '2026-08-10T00:00:00+02:00'],
    ['an hour in India starts at :00 local, :30 UTC', 'hour', 'Asia/Kolkata', '2026-08-05T10:10:00Z', '2026-08-05T15:00:00+05:30', '2026-08-05T16:00:00+05:30'],
    ['the spring-forward day is 23 hours', 'day', 'Europe/Berlin', '2026-03-29T12:00:00+02:00', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00'],
    ['the fall-back day is 25 hours', 'day', 'America/New_York', '2026-11-01T12:00:00-05:00', '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'],
    ['the week with the fall-back day is 169 hours', 'week', 'Europe/Berlin', '2026-10-25T12:00:00+01:00', '2026-10-19T00:00:00+02:00', '2026-10-26T00:00:00+01:00'],
    ['the hour after the skipped one starts at 03:00 CEST', 'hour', 'Europe/Berlin', '2026-03-29T03:30:00+02:00', '2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00'],
    ['the hour before the skipped one ends at 03:00 CEST', 'hour', 'Europe/Berlin', '2026-03-29T01:30:00+01:00', '2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00'],
    ['the first 02:00 hour of fall-back is a window', 'hour', 'Europe/Berlin', '2026-10-25T02:30:00+02:00', '2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00'],
    ['the repeated 02:00 hour of fall-back is another window', 'hour', 'Europe/Berlin', '2026-10-25T02:30:00+01:00', '2026-10-25T02:00:00+01:00', '2026-10-25T03:00:00+01:00'],
    ['Lord Howe: the hour half of which repeats is 90 minutes', 'hour', 'Australia/Lord_Howe', '2026-04-05T01:30:00+10:30', '2026-04-05T01:00:00+11:00', '2026-04-05T02:00:00+10:30'],
    ['Santiago: the day after midnight is skipped starts at 01:00', 'day', 'America/Santiago', '2026-09-06T12:00:00-03:00', '2026-09-06T01:00:00-03:00', '2026-09-07T00:00:00-03:00'],
    ['Santiago: the day before it is 23 hours', 'day', 'America/Santiago', '2026-09-05T12:00:00-04:00', '2026-09-05T00:00:00-04:00', '2026-09-06T01:00:00-03:00'],
  ])('%s', (_what, kind, zone, iso, start, next) => {
    expect(capWindowStart(kind, zone, at(iso))).toBe(at(start));
    expect(nextCapWindowStart(kind, zone, at(iso))).toBe(at(next));
  });

  it('starts a new window exactly at its boundary', () => {
    const midnight = at('2026-08-06T00:00:00+02:00');
    expect(capWindowStart('day', 'Europe/Berlin', midnight)).toBe(midnight);
    expect(nextCapWindowStart('day', 'Europe/Berlin', midnight)).toBe(at('2026-08-07T00:00:00+02:00'));
  });

  it('takes a Date', () => {
    expect(capWindowStart('day', 'UTC', new Date('2026-08-05T15:00:00Z'))).toBe(at('2026-08-05T00:00:00Z'));
  });

  it('rejects an unknown time zone with the fix', () => {
    expect(() => capWindowStart('day', 'Europe/Berlln', 0)).toThrow(
      new ValidationError([{ path: 'timezone', message: 'unknown time zone "Europe/Berlln"; use an IANA name such as "Europe/Berlin" or "UTC"' }]),
    );
  });
});
