import { describe, expect, it } from 'vitest';
import {
  type AvailabilitySchedule,
  currentOutOfOffice,
  isOnShift,
  nextAvailabilityChange,
  ValidationError,
  type WeeklySchedule,
} from '../src/index.ts';

const at = (iso: string): number => Date.parse(iso);
const ooo = (from: string, to: string, reason?: string) => ({ from: new Date(from), to: new Date(to), reason });

const nineToSix = [{ from: '09:00', to: '18:00' }];
const weekdays: WeeklySchedule = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix };
const berlinOffice: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: weekdays };
// Mon 22:00 to Tue 06:00 in one go, split at midnight as the schema asks.
const nightShift: AvailabilitySchedule = {
  timezone: 'Europe/Berlin',
  workingHours: { mon: [{ from: '22:00', to: '24:00' }], tue: [{ from: '00:00', to: '06:00' }] },
};
const saturdayEvening: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: { sat: [{ from: '20:00', to: '24:00' }] } };
const splitDay: AvailabilitySchedule = {
  timezone: 'Europe/Berlin',
  workingHours: {
    mon: [
      { from: '09:00', to: '12:30' },
      { from: '13:30', to: '18:00' },
    ],
  },
};

// 2026-08-03 is a Monday; Berlin is on summer time (+02:00) then.
describe('isOnShift', () => {
  it.each<[string, AvailabilitySchedule, string, boolean]>([
    ['just before the shift', berlinOffice, '2026-08-03T08:59:59.999+02:00', false],
    ['at the start of the shift', berlinOffice, '2026-08-03T09:00:00+02:00', true],
    ['just before the end of the shift', berlinOffice, '2026-08-03T17:59:59.999+02:00', true],
    ['at the end of the shift', berlinOffice, '2026-08-03T18:00:00+02:00', false],
    ['on a Saturday', berlinOffice, '2026-08-08T12:00:00+02:00', false],
    ['in the lunch break', splitDay, '2026-08-03T12:45:00+02:00', false],
    ['after the lunch break', splitDay, '2026-08-03T13:30:00+02:00', true],
    ['in the last minute of an interval ending at 24:00', saturdayEvening, '2026-08-08T23:59:59.999+02:00', true],
    ['at the midnight an interval ends at 24:00', saturdayEvening, '2026-08-09T00:00:00+02:00', false],
    ['before midnight in a night shift', nightShift, '2026-08-03T23:30:00+02:00', true],
    ['at midnight in a night shift', nightShift, '2026-08-04T00:00:00+02:00', true],
    ['at the end of a night shift', nightShift, '2026-08-04T06:00:00+02:00', false],
    ['with no working hours', { timezone: 'Europe/Berlin' }, '2026-08-08T03:00:00+02:00', true],
    ['with null working hours', { timezone: 'Europe/Berlin', workingHours: null }, '2026-08-08T03:00:00+02:00', true],
    ['with working hours of no days', { timezone: 'Europe/Berlin', workingHours: {} }, '2026-08-03T12:00:00+02:00', false],
    ['in New York at 09:00 EDT', { timezone: 'America/New_York', workingHours: weekdays }, '2026-08-03T13:00:00Z', true],
    ['in New York at 08:00 EST', { timezone: 'America/New_York', workingHours: weekdays }, '2026-01-05T13:00:00Z', false],
    ['in New York at 09:00 EST', { timezone: 'America/New_York', workingHours: weekdays }, '2026-01-05T14:00:00Z', true],
    ['in India at 09:00 IST', { timezone: 'Asia/Kolkata', workingHours: weekdays }, '2026-08-03T03:30:00Z', true],
  ])('%s → %s', (_what, schedule, iso, expected) => {
    expect(isOnShift(schedule, at(iso))).toBe(expected);
  });

  it('takes a Date as well as epoch milliseconds', () => {
    expect(isOnShift(berlinOffice, new Date('2026-08-03T10:00:00+02:00'))).toBe(true);
  });

  describe('holidays (whole days in the rep’s zone, applied with or without working hours)', () => {
    it.each<[string, AvailabilitySchedule, string, boolean]>([
      ['in working hours on a holiday', { ...berlinOffice, holidays: ['2026-08-03'] }, '2026-08-03T10:00:00+02:00', false],
      ['the day after a holiday', { ...berlinOffice, holidays: ['2026-08-03'] }, '2026-08-04T10:00:00+02:00', true],
      ['without working hours on a holiday', { timezone: 'Europe/Berlin', holidays: ['2026-12-25'] }, '2026-12-25T00:00:00+01:00', false],
      ['without working hours, the minute before a holiday', { timezone: 'Europe/Berlin', holidays: ['2026-12-25'] }, '2026-12-24T23:59:00+01:00', true],
      // 2026-12-25 00:30 in Berlin is still the 24th in New York.
      ['on the rep’s local date, not UTC’s', { timezone: 'America/New_York', holidays: ['2026-12-25'] }, '2026-12-25T00:30:00+01:00', true],
      ['in a night shift that runs into a holiday', { ...nightShift, holidays: ['2026-08-04'] }, '2026-08-04T01:00:00+02:00', false],
      ['in a night shift that started on a holiday', { ...nightShift, holidays: ['2026-08-03'] }, '2026-08-04T01:00:00+02:00', true],
    ])('%s → %s', (_what, schedule, iso, expected) => {
      expect(isOnShift(schedule, at(iso))).toBe(expected);
    });
  });

  describe('across DST changes', () => {
    // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
    const sunday = (from: string, to: string): AvailabilitySchedule => ({ timezone: 'Europe/Berlin', workingHours: { sun: [{ from, to }] } });
    it.each<[string, AvailabilitySchedule, string, boolean]>([
      ['spring: 01:00–04:00 is two real hours, first', sunday('01:00', '04:00'), '2026-03-29T00:00:00Z', true],
      ['spring: 01:00–04:00 is two real hours, last', sunday('01:00', '04:00'), '2026-03-29T01:59:59.999Z', true],
      ['spring: 01:00–04:00 is two real hours, after', sunday('01:00', '04:00'), '2026-03-29T02:00:00Z', false],
      ['spring: an interval inside the skipped hour never happens', sunday('02:00', '03:00'), '2026-03-29T01:00:00Z', false],
      ['autumn: 01:00–03:00 is three real hours, in the repeated hour', sunday('01:00', '03:00'), '2026-10-25T01:30:00Z', true],
      ['autumn: 01:00–03:00 is three real hours, after', sunday('01:00', '03:00'), '2026-10-25T02:00:00Z', false],
      ['autumn: a whole day is 25 hours, last hour', sunday('00:00', '24:00'), '2026-10-25T22:59:59.999Z', true],
      ['autumn: a whole day is 25 hours, after', sunday('00:00', '24:00'), '2026-10-25T23:00:00Z', false],
    ])('%s → %s', (_what, schedule, iso, expected) => {
      expect(isOnShift(schedule, at(iso))).toBe(expected);
    });
  });

  it('rejects an unknown time zone with the fix', () => {
    expect(() => isOnShift({ timezone: 'Mars/Olympus', workingHours: weekdays }, 0)).toThrow(
      new ValidationError([{ path: 'timezone', message: 'unknown time zone "Mars/Olympus"; use an IANA name such as "Europe/Berlin" or "UTC"' }]),
    );
  });

  it('rejects a holiday it cannot read, naming it', () => {
    expect(() => isOnShift({ ...berlinOffice, holidays: ['2026-02-30'] }, 0)).toThrow('holidays[0]: must be a date YYYY-MM-DD, e.g. 2026-12-25, got "2026-02-30"');
  });

  it('rejects working hours it cannot read, naming the field', () => {
    expect(() => isOnShift({ timezone: 'UTC', workingHours: { mon: [{ from: '9am', to: '18:00' }] } }, 0)).toThrow(
      'workingHours.mon[0].from: must be HH:MM, e.g. 09:00, got "9am"',
    );
  });

  it('rejects an instant that is not one', () => {
    expect(() => isOnShift(berlinOffice, Number.NaN)).toThrow(RangeError);
  });
});

describe('currentOutOfOffice', () => {
  const vacation = ooo('2026-08-10T00:00:00+02:00', '2026-08-15T00:00:00+02:00', 'vacation');
  const conference = ooo('2026-08-12T00:00:00+02:00', '2026-08-20T00:00:00+02:00', 'conference');
  const schedule: AvailabilitySchedule = { ...berlinOffice, outOfOffice: [vacation, conference] };

  it.each<[string, string, ReturnType<typeof ooo> | null]>([
    ['before any period', '2026-08-09T23:59:59.999+02:00', null],
    ['at the start of a period', '2026-08-10T00:00:00+02:00', vacation],
    ['where two overlap: the one that ends last', '2026-08-13T12:00:00+02:00', conference],
    ['at the end of the last period', '2026-08-20T00:00:00+02:00', null],
  ])('%s', (_what, iso, expected) => {
    expect(currentOutOfOffice(schedule, at(iso))).toBe(expected);
  });

  it('is null for a rep with no out-of-office periods', () => {
    expect(currentOutOfOffice(berlinOffice, at('2026-08-13T12:00:00Z'))).toBeNull();
  });
});

describe('nextAvailabilityChange', () => {
  it.each<[string, AvailabilitySchedule, string, string | null]>([
    ['on shift: the end of the shift', berlinOffice, '2026-08-03T10:00:00+02:00', '2026-08-03T18:00:00+02:00'],
    ['at the start of a shift: its end, strictly after', berlinOffice, '2026-08-03T09:00:00+02:00', '2026-08-03T18:00:00+02:00'],
    ['at the end of a shift: the next start', berlinOffice, '2026-08-03T18:00:00+02:00', '2026-08-04T09:00:00+02:00'],
    ['on a Friday evening: Monday morning', berlinOffice, '2026-08-07T18:30:00+02:00', '2026-08-10T09:00:00+02:00'],
    ['in the lunch break: its end', splitDay, '2026-08-03T12:45:00+02:00', '2026-08-03T13:30:00+02:00'],
    ['in a night shift: its end, not midnight', nightShift, '2026-08-03T22:30:00+02:00', '2026-08-04T06:00:00+02:00'],
    ['before a night shift: its start', nightShift, '2026-08-03T12:00:00+02:00', '2026-08-03T22:00:00+02:00'],
    ['in an interval ending at 24:00: midnight', saturdayEvening, '2026-08-08T21:00:00+02:00', '2026-08-09T00:00:00+02:00'],
    [
      'touching intervals on one day are one shift',
      { timezone: 'UTC', workingHours: { mon: [{ from: '09:00', to: '12:00' }, { from: '12:00', to: '18:00' }] } },
      '2026-08-03T10:00:00Z',
      '2026-08-03T18:00:00Z',
    ],
    [
      'a week of whole days is always on',
      { timezone: 'UTC', workingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '24:00' }]])) },
      '2026-08-03T10:00:00Z',
      null,
    ],
    ['no working hours and nothing planned: never', { timezone: 'Europe/Berlin' }, '2026-08-03T10:00:00+02:00', null],
    ['working hours of no days: never', { timezone: 'Europe/Berlin', workingHours: {} }, '2026-08-03T10:00:00+02:00', null],
    ['no working hours: the start of the next holiday', { timezone: 'Europe/Berlin', holidays: ['2026-12-25', '2026-12-26'] }, '2026-12-24T12:00:00+01:00', '2026-12-25T00:00:00+01:00'],
    ['no working hours, on a holiday: the end of a run of holidays', { timezone: 'Europe/Berlin', holidays: ['2026-12-26', '2026-12-25'] }, '2026-12-25T12:00:00+01:00', '2026-12-27T00:00:00+01:00'],
    ['no working hours, after the last holiday: never', { timezone: 'Europe/Berlin', holidays: ['2026-12-25'] }, '2026-12-26T12:00:00+01:00', null],
    ['a holiday Monday after a Friday: Tuesday', { ...berlinOffice, holidays: ['2026-08-10'] }, '2026-08-07T18:30:00+02:00', '2026-08-11T09:00:00+02:00'],
    ['a night shift running into a holiday: midnight', { ...nightShift, holidays: ['2026-08-04'] }, '2026-08-03T22:30:00+02:00', '2026-08-04T00:00:00+02:00'],
  ])('%s', (_what, schedule, iso, expected) => {
    expect(nextAvailabilityChange(schedule, at(iso))).toBe(expected === null ? null : at(expected));
  });

  describe('with out-of-office periods', () => {
    it.each<[string, AvailabilitySchedule, string, string | null]>([
      ['no working hours: the start of the next period', { timezone: 'UTC', outOfOffice: [ooo('2026-08-10T00:00:00Z', '2026-08-15T00:00:00Z')] }, '2026-08-03T10:00:00Z', '2026-08-10T00:00:00Z'],
      ['no working hours, out of office: its end', { timezone: 'UTC', outOfOffice: [ooo('2026-08-10T00:00:00Z', '2026-08-15T00:00:00Z')] }, '2026-08-12T10:00:00Z', '2026-08-15T00:00:00Z'],
      [
        'periods that touch: the end of the second',
        { timezone: 'UTC', outOfOffice: [ooo('2026-08-15T00:00:00Z', '2026-08-20T00:00:00Z'), ooo('2026-08-10T00:00:00Z', '2026-08-15T00:00:00Z')] },
        '2026-08-12T10:00:00Z',
        '2026-08-20T00:00:00Z',
      ],
      [
        'the shift ends while out of office: the end of the shift',
        { ...berlinOffice, outOfOffice: [ooo('2026-08-03T17:00:00+02:00', '2026-08-03T19:00:00+02:00')] },
        '2026-08-03T17:30:00+02:00',
        '2026-08-03T18:00:00+02:00',
      ],
      [
        'off shift, a period starts before the next shift: its start',
        { ...berlinOffice, outOfOffice: [ooo('2026-08-04T08:00:00+02:00', '2026-08-05T00:00:00+02:00')] },
        '2026-08-03T19:00:00+02:00',
        '2026-08-04T08:00:00+02:00',
      ],
      ['working hours of no days, a period ahead: its start', { timezone: 'UTC', workingHours: {}, outOfOffice: [ooo('2026-08-10T00:00:00Z', '2026-08-15T00:00:00Z')] }, '2026-08-03T10:00:00Z', '2026-08-10T00:00:00Z'],
      ['after the last period: never', { timezone: 'UTC', outOfOffice: [ooo('2026-08-10T00:00:00Z', '2026-08-15T00:00:00Z')] }, '2026-08-15T00:00:00Z', null],
    ])('%s', (_what, schedule, iso, expected) => {
      expect(nextAvailabilityChange(schedule, at(iso))).toBe(expected === null ? null : at(expected));
    });
  });

  describe('across DST changes', () => {
    it.each<[string, AvailabilitySchedule, string, string]>([
      ['Berlin, spring: Friday 18:00 CET → Monday 09:00 CEST', berlinOffice, '2026-03-27T18:00:00+01:00', '2026-03-30T09:00:00+02:00'],
      ['Berlin, autumn: Friday 18:00 CEST → Monday 09:00 CET', berlinOffice, '2026-10-23T18:00:00+02:00', '2026-10-26T09:00:00+01:00'],
      ['Berlin, spring: a holiday on the short day ends after 23 hours', { timezone: 'Europe/Berlin', holidays: ['2026-03-29'] }, '2026-03-29T12:00:00+02:00', '2026-03-30T00:00:00+02:00'],
      ['Berlin, autumn: a holiday on the long day starts at midnight CEST', { timezone: 'Europe/Berlin', holidays: ['2026-10-25'] }, '2026-10-24T12:00:00+02:00', '2026-10-25T00:00:00+02:00'],
      [
        'Berlin, autumn: a shift to 03:00 ends at the second 02:59',
        { timezone: 'Europe/Berlin', workingHours: { sun: [{ from: '01:00', to: '03:00' }] } },
        '2026-10-25T01:30:00+02:00',
        '2026-10-25T03:00:00+01:00',
      ],
      [
        'Berlin, spring: an interval inside the skipped hour is skipped',
        { timezone: 'Europe/Berlin', workingHours: { sun: [{ from: '02:00', to: '03:00' }, { from: '10:00', to: '11:00' }] } },
        '2026-03-29T00:00:00+01:00',
        '2026-03-29T10:00:00+02:00',
      ],
      [
        'New York, spring: a whole Sunday ends at Monday 00:00 EDT',
        { timezone: 'America/New_York', workingHours: { sun: [{ from: '00:00', to: '24:00' }] } },
        '2026-03-08T12:00:00-04:00',
        '2026-03-09T00:00:00-04:00',
      ],
      [
        'New York, spring: Saturday noon EST → Sunday 00:00 EST',
        { timezone: 'America/New_York', workingHours: { sun: [{ from: '00:00', to: '24:00' }] } },
        '2026-03-07T12:00:00-05:00',
        '2026-03-08T00:00:00-05:00',
      ],
      [
        'New York, autumn: Friday 18:00 EDT → Monday 09:00 EST',
        { timezone: 'America/New_York', workingHours: weekdays },
        '2026-10-30T18:00:00-04:00',
        '2026-11-02T09:00:00-05:00',
      ],
    ])('%s', (_what, schedule, iso, expected) => {
      expect(nextAvailabilityChange(schedule, at(iso))).toBe(at(expected));
    });
  });

  it('gives up looking after about 400 days without a shift', () => {
    // Every Monday of 2026 and 2027 is a holiday, and Monday is the only working day.
    const mondays = Array.from({ length: 104 }, (_, i) => new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10));
    const schedule: AvailabilitySchedule = { timezone: 'UTC', workingHours: { mon: nineToSix }, holidays: mondays };
    expect(nextAvailabilityChange(schedule, at('2026-01-01T00:00:00Z'))).toBeNull();
    // Within the horizon it is found: the first Monday of 2028.
    expect(nextAvailabilityChange(schedule, at('2027-06-01T00:00:00Z'))).toBe(at('2028-01-03T09:00:00Z'));
  });
});
