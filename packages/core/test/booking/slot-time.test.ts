import { describe, expect, it } from 'vitest';
import { formatSlotTime, parseOrThrow, slotTimeZoneSchema, ValidationError } from '../../src/index.ts';

describe('formatSlotTime', () => {
  it.each([
    ['2026-12-07T14:00:00Z', 'America/New_York', '2026-12-07T09:00:00-05:00'],
    ['2026-08-03T07:00:00Z', 'Europe/Berlin', '2026-08-03T09:00:00+02:00'],
    ['2026-12-07T08:00:00Z', 'Europe/Berlin', '2026-12-07T09:00:00+01:00'],
    ['2026-12-07T03:30:00Z', 'Asia/Kolkata', '2026-12-07T09:00:00+05:30'],
    ['2026-12-07T09:00:00Z', 'Europe/London', '2026-12-07T09:00:00+00:00'],
    ['2026-12-07T09:00:00Z', 'UTC', '2026-12-07T09:00:00Z'],
    ['2026-12-07T09:00:00.250Z', 'UTC', '2026-12-07T09:00:00.250Z'],
  ])('writes %s in %s as %s', (iso, zone, expected) => {
    expect(formatSlotTime(Date.parse(iso), zone)).toBe(expected);
    expect(Date.parse(expected)).toBe(Date.parse(iso));
  });

  it('writes each of a repeated hour’s two instants with its own offset', () => {
    // Berlin's clocks fell back from 03:00 CEST to 02:00 CET at 01:00Z.
    expect(formatSlotTime(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
    expect(formatSlotTime(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00');
  });

  it('refuses an unknown time zone or a time that is not a number', () => {
    expect(() => formatSlotTime(0, 'Mars/Olympus')).toThrow(new RangeError('unknown time zone "Mars/Olympus"; use an IANA name such as "Europe/Berlin" or "America/New_York", or "UTC"'));
    expect(() => formatSlotTime(Number.NaN, 'UTC')).toThrow(RangeError);
  });
});

describe('slotTimeZoneSchema', () => {
  it('accepts IANA names and UTC, without surrounding spaces', () => {
    expect(parseOrThrow(slotTimeZoneSchema, 'America/New_York', 'tz')).toBe('America/New_York');
    expect(parseOrThrow(slotTimeZoneSchema, ' Europe/Berlin ', 'tz')).toBe('Europe/Berlin');
    expect(parseOrThrow(slotTimeZoneSchema, 'UTC', 'tz')).toBe('UTC');
  });

  it.each(['Mars/Olympus', '', 'Berlin'])('rejects %j, saying what to write', (zone) => {
    const error = (() => {
      try {
        parseOrThrow(slotTimeZoneSchema, zone, 'tz');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'tz', message: `unknown time zone "${zone}"; use an IANA name such as "Europe/Berlin" or "America/New_York", or "UTC"` },
    ]);
  });

  it('rejects a value that is not text', () => {
    expect(() => parseOrThrow(slotTimeZoneSchema, 5, 'tz')).toThrow('tz: must be a time zone; use an IANA name');
  });
});
