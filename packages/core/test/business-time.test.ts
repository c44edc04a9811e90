import { describe, expect, it } from 'vitest';
import { addBusinessTime, type AvailabilitySchedule, businessTimeBetween, type WeeklySchedule } from '../src/index.ts';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ooo = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

const nineToSix = [{ from: '09:00', to: '18:00' }];
const weekdays: WeeklySchedule = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix };
const berlinOffice: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: weekdays };

// 2026-08-03 is a Monday; Berlin is on summer time (+02:00) then.
describe('addBusinessTime', () => {
  it.each<[string, AvailabilitySchedule, string, number, string]>([
    ['a lead at 17:55 on a Monday with a 15-minute SLA is due 09:10 Tuesday', berlinOffice, '2026-08-03T17:55:00+02:00', 15 * MINUTE, '2026-08-04T09:10:00+02:00'],
    ['a lead at 17:55 on a Friday with a 15-minute SLA is due 09:10 Monday', berlinOffice, '2026-08-07T17:55:00+02:00', 15 * MINUTE, '2026-08-10T09:10:00+02:00'],
    ['…and 09:10 Tuesday when that Monday is a holiday', { ...berlinOffice, holidays: ['2026-08-10'] }, '2026-08-07T17:55:00+02:00', 15 * MINUTE, '2026-08-11T09:10:00+02:00'],
    ['a lead before the shift starts counts from its start', berlinOffice, '2026-08-03T07:00:00+02:00', 15 * MINUTE, '2026-08-03T09:15:00+02:00'],
    ['a deadline that falls at the end of a shift is that end', berlinOffice, '2026-08-03T17:45:00+02:00', 15 * MINUTE, '2026-08-03T18:00:00+02:00'],
    ['a lead on a Saturday is due Monday', berlinOffice, '2026-08-08T12:00:00+02:00', HOUR, '2026-08-10T10:00:00+02:00'],
    ['a long SLA spans several days', berlinOffice, '2026-08-03T09:00:00+02:00', 20 * HOUR, '2026-08-05T11:00:00+02:00'],
    [
      'the lunch break does not count',
      { timezone: 'Europe/Berlin', workingHours: { mon: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '18:00' }] } },
      '2026-08-03T12:20:00+02:00',
      30 * MINUTE,
      '2026-08-03T13:50:00+02:00',
    ],
    [
      'a night shift runs on through midnight',
      { timezone: 'Europe/Berlin', workingHours: { mon: [{ from: '22:00', to: '24:00' }], tue: [{ from: '00:00', to: '06:00' }] } },
      '2026-08-03T23:50:00+02:00',
      20 * MINUTE,
      '2026-08-04T00:10:00+02:00',
    ],
    ['out of office all Tuesday: Wednesday', { ...berlinOffice, outOfOffice: [ooo('2026-08-04T00:00:00+02:00', '2026-08-05T00:00:00+02:00')] }, '2026-08-03T17:00:00+02:00', 2 * HOUR, '2026-08-05T10:00:00+02:00'],
    ['out of office Tuesday morning: after it', { ...berlinOffice, outOfOffice: [ooo('2026-08-04T09:00:00+02:00', '2026-08-04T12:00:00+02:00')] }, '2026-08-03T17:55:00+02:00', 15 * MINUTE, '2026-08-04T12:10:00+02:00'],
    ['no working hours: plain elapsed time', { timezone: 'Europe/Berlin' }, '2026-08-08T23:00:00+02:00', 15 * MINUTE, '2026-08-08T23:15:00+02:00'],
    ['no working hours: holidays still do not count', { timezone: 'Europe/Berlin', holidays: ['2026-12-25'] }, '2026-12-24T23:00:00+01:00', 2 * HOUR, '2026-12-26T01:00:00+01:00'],
    ['no working hours: out of office does not count', { timezone: 'UTC', outOfOffice: [ooo('2026-08-03T10:00:00Z', '2026-08-03T12:00:00Z')] }, '2026-08-03T09:00:00Z', 2 * HOUR, '2026-08-03T13:00:00Z'],
    ['a zero duration is the start, even off shift', berlinOffice, '2026-08-08T12:00:00+02:00', 0, '2026-08-08T12:00:00+02:00'],
    ['Berlin, spring: Friday 17:30 CET + 1h is Monday 09:30 CEST', berlinOffice, '2026-03-27T17:30:00+01:00', HOUR, '2026-03-30T09:30:00+02:00'],
    [
      'Berlin, spring: a whole Sunday holds 23 hours',
      { timezone: 'Europe/Berlin', workingHours: { sun: [{ from: '00:00', to: '24:00' }] } },
      '2026-03-29T00:00:00+01:00',
      23 * HOUR,
      '2026-03-30T00:00:00+02:00',
    ],
    [
      'Berlin, autumn: a whole Sunday holds 25 hours',
      { timezone: 'Europe/Berlin', workingHours: { sun: [{ from: '00:00', to: '24:00' }] } },
      '2026-10-25T00:00:00+02:00',
      25 * HOUR,
      '2026-10-26T00:00:00+01:00',
    ],
    ['New York, spring: Friday 17:30 EST + 1h is Monday 09:30 EDT', { timezone: 'America/New_York', workingHours: weekdays }, '2026-03-06T17:30:00-05:00', HOUR, '2026-03-09T09:30:00-04:00'],
  ])('%s', (_what, schedule, start, duration, expected) => {
    expect(addBusinessTime(schedule, at(start), duration)).toBe(at(expected));
  });

  it('is Infinity when the rep never works', () => {
    expect(addBusinessTime({ timezone: 'UTC', workingHours: {} }, 0, MINUTE)).toBe(Number.POSITIVE_INFINITY);
  });

  it('takes a Date', () => {
    expect(addBusinessTime(berlinOffice, new Date('2026-08-03T17:55:00+02:00'), 15 * MINUTE)).toBe(at('2026-08-04T09:10:00+02:00'));
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects a duration of %d', (duration) => {
    expect(() => addBusinessTime(berlinOffice, 0, duration)).toThrow(new RangeError(`durationMs must be a finite number of milliseconds, 0 or more, got ${duration}`));
  });
});

describe('businessTimeBetween', () => {
  it.each<[string, AvailabilitySchedule, string, string, number]>([
    ['from before a shift to the next morning', berlinOffice, '2026-08-03T08:00:00+02:00', '2026-08-04T10:00:00+02:00', 10 * HOUR],
    ['a whole working week', berlinOffice, '2026-08-03T00:00:00+02:00', '2026-08-10T00:00:00+02:00', 45 * HOUR],
    ['over a weekend', berlinOffice, '2026-08-07T17:00:00+02:00', '2026-08-10T10:00:00+02:00', 2 * HOUR],
    ['a whole week with a holiday', { ...berlinOffice, holidays: ['2026-08-05'] }, '2026-08-03T00:00:00+02:00', '2026-08-10T00:00:00+02:00', 36 * HOUR],
    ['a whole week with an afternoon out of office', { ...berlinOffice, outOfOffice: [ooo('2026-08-05T14:00:00+02:00', '2026-08-06T10:00:00+02:00')] }, '2026-08-03T00:00:00+02:00', '2026-08-10T00:00:00+02:00', 40 * HOUR],
    ['no working hours: elapsed time', { timezone: 'UTC' }, '2026-08-03T00:00:00Z', '2026-08-05T00:00:00Z', 48 * HOUR],
    ['backwards: none', berlinOffice, '2026-08-04T10:00:00+02:00', '2026-08-03T10:00:00+02:00', 0],
    ['Berlin, spring: the short Sunday', { timezone: 'Europe/Berlin' }, '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', 23 * HOUR],
    ['New York, autumn: the long Sunday', { timezone: 'America/New_York' }, '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00', 25 * HOUR],
  ])('%s', (_what, schedule, from, to, expected) => {
    expect(businessTimeBetween(schedule, at(from), at(to))).toBe(expected);
  });

  it('counts a year of a working week in a few milliseconds', () => {
    const started = performance.now();
    expect(businessTimeBetween(berlinOffice, at('2026-01-05T00:00:00+01:00'), at('2027-01-04T00:00:00+01:00'))).toBe(52 * 45 * HOUR);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
