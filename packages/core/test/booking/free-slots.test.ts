import { describe, expect, it } from 'vitest';
import {
  type AvailabilitySchedule,
  type BookingPolicy,
  bookingPolicySchema,
  type BusyBlock,
  formatSlotTime,
  freeSlots,
  isSlotFree,
  parseOrThrow,
  ValidationError,
  type WeeklySchedule,
} from '../../src/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string): number => Date.parse(iso);
const policy = (input: Record<string, string> = {}): BookingPolicy => parseOrThrow(bookingPolicySchema, input);
const busy = (from: string, to: string): BusyBlock => ({ start: at(from), end: at(to) });

const nineToFive = [{ from: '09:00', to: '17:00' }];
const weekdays: WeeklySchedule = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive };
const berlin: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: weekdays };

/** Slot starts as Berlin wall-clock times with their offsets, for reading. */
const starts = (slots: ReadonlyArray<{ start: number }>, zone = 'Europe/Berlin') => slots.map((s) => formatSlotTime(s.start, zone));
/** `HH:MM` for each half hour from `from` up to (not including) `to`, on date `date` with `offset`. */
const halfHours = (date: string, from: string, to: string, offset = '+02:00'): string[] => {
  const result: string[] = [];
  for (let t = at(`${date}T${from}:00${offset}`); t < at(`${date}T${to}:00${offset}`); t += 30 * MINUTE) result.push(formatSlotTime(t, 'Europe/Berlin'));
  return result;
};

// 2026-08-03 is a Monday; Berlin is on summer time (+02:00) then.
const sundayNoon = at('2026-08-02T12:00:00+02:00');
// With the default 2 hours' notice, Monday's slots from 08:00 on; a day's window reaches Tuesday 06:00.
const mondayAtSix = at('2026-08-03T06:00:00+02:00');

describe('freeSlots', () => {
  it('offers every half hour of Monday–Friday 09:00–17:00 in Berlin, each slot 30 minutes long', () => {
    const slots = freeSlots({ schedule: berlin, busy: [], policy: policy({ window: 'P2D' }), now: sundayNoon });
    // The window runs out on Tuesday at 12:00: the 11:30 slot ends right then.
    expect(starts(slots)).toEqual([...halfHours('2026-08-03', '09:00', '17:00'), ...halfHours('2026-08-04', '09:00', '12:00')]);
    for (const slot of slots) expect(slot.end - slot.start).toBe(30 * MINUTE);
  });

  it('leaves the buffer free before and after a busy block, removing the adjacent slots', () => {
    const meeting = busy('2026-08-03T11:00:00+02:00', '2026-08-03T12:00:00+02:00');
    const monday = { schedule: berlin, busy: [meeting], now: mondayAtSix };
    const withoutBuffer = starts(freeSlots({ ...monday, policy: policy({ window: 'P1D' }) }));
    expect(withoutBuffer).toEqual([...halfHours('2026-08-03', '09:00', '11:00'), ...halfHours('2026-08-03', '12:00', '17:00')]);
    const withBuffer = starts(freeSlots({ ...monday, policy: policy({ window: 'P1D', buffer: '15m' }) }));
    expect(withBuffer).toEqual([...halfHours('2026-08-03', '09:00', '10:30'), ...halfHours('2026-08-03', '12:30', '17:00')]);
  });

  it('takes busy blocks in any order, overlapping or empty', () => {
    const blocks = [
      busy('2026-08-03T15:00:00+02:00', '2026-08-03T16:00:00+02:00'),
      busy('2026-08-03T09:00:00+02:00', '2026-08-03T09:45:00+02:00'),
      busy('2026-08-03T15:30:00+02:00', '2026-08-03T16:30:00+02:00'),
      busy('2026-08-03T13:00:00+02:00', '2026-08-03T13:00:00+02:00'),
    ];
    expect(starts(freeSlots({ schedule: berlin, busy: blocks, policy: policy({ window: 'P1D' }), now: mondayAtSix }))).toEqual([
      ...halfHours('2026-08-03', '10:00', '15:00'),
      '2026-08-03T16:30:00+02:00',
    ]);
  });

  it('starts no slot before the minimum notice, keeping to the half-hour grid', () => {
    const now = at('2026-08-03T08:10:00+02:00');
    expect(starts(freeSlots({ schedule: berlin, busy: [], policy: policy({ window: '10h' }), now }))).toEqual(halfHours('2026-08-03', '10:30', '17:00'));
    expect(starts(freeSlots({ schedule: berlin, busy: [], policy: policy({ window: '10h', minNotice: '0m' }), now }))).toEqual(halfHours('2026-08-03', '09:00', '17:00'));
  });

  it('ends no slot after the window', () => {
    const slots = freeSlots({ schedule: berlin, busy: [], policy: policy({ minNotice: '0m' }), now: at('2026-08-03T10:15:00+02:00') });
    // Seven days on: the next Monday at 10:15, so the 09:30 slot is the last.
    expect(starts(slots.slice(-2))).toEqual(['2026-08-10T09:00:00+02:00', '2026-08-10T09:30:00+02:00']);
    expect(starts(slots.slice(0, 1))).toEqual(['2026-08-03T10:30:00+02:00']);
    expect(slots).toHaveLength(13 + 4 * 16 + 2);
  });

  it('offers nothing on a holiday', () => {
    const schedule = { ...berlin, holidays: ['2026-08-04'] };
    const slots = freeSlots({ schedule, busy: [], policy: policy({ window: 'P3D' }), now: sundayNoon });
    expect(starts(slots)).toEqual([...halfHours('2026-08-03', '09:00', '17:00'), ...halfHours('2026-08-05', '09:00', '12:00')]);
  });

  it('offers nothing while the rep is out of office, nor a slot that runs into it', () => {
    const schedule: AvailabilitySchedule = {
      ...berlin,
      outOfOffice: [{ from: new Date('2026-08-03T13:10:00+02:00'), to: new Date('2026-08-03T15:00:00+02:00'), reason: 'dentist' }],
    };
    expect(starts(freeSlots({ schedule, busy: [], policy: policy({ window: 'P1D' }), now: mondayAtSix }))).toEqual([
      ...halfHours('2026-08-03', '09:00', '13:00'),
      ...halfHours('2026-08-03', '15:00', '17:00'),
    ]);
  });

  it('keeps to the grid from local midnight when working hours start off it', () => {
    const schedule: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: { mon: [{ from: '09:15', to: '11:00' }] } };
    expect(starts(freeSlots({ schedule, busy: [], policy: policy({ window: 'P1D' }), now: mondayAtSix }))).toEqual([
      '2026-08-03T09:30:00+02:00',
      '2026-08-03T10:00:00+02:00',
      '2026-08-03T10:30:00+02:00',
    ]);
  });

  it('offers starts every step, overlapping, when the step is shorter than the meeting', () => {
    const slots = freeSlots({ schedule: berlin, busy: [], policy: policy({ window: 'P1D', duration: '1h', step: '30m' }), now: mondayAtSix });
    expect(starts(slots)).toEqual(halfHours('2026-08-03', '09:00', '16:30'));
    expect(slots[0]).toEqual({ start: at('2026-08-03T09:00:00+02:00'), end: at('2026-08-03T10:00:00+02:00') });
  });

  it('offers a slot across midnight within a night shift', () => {
    const schedule: AvailabilitySchedule = {
      timezone: 'Europe/Berlin',
      workingHours: { mon: [{ from: '22:00', to: '24:00' }], tue: [{ from: '00:00', to: '02:00' }] },
    };
    const slots = freeSlots({ schedule, busy: [], policy: policy({ window: 'P2D', duration: '90m', step: '30m' }), now: sundayNoon });
    expect(starts(slots)).toEqual([
      '2026-08-03T22:00:00+02:00',
      '2026-08-03T22:30:00+02:00',
      '2026-08-03T23:00:00+02:00',
      '2026-08-03T23:30:00+02:00',
      '2026-08-04T00:00:00+02:00',
      '2026-08-04T00:30:00+02:00',
    ]);
  });

  it('offers slots round the clock to a rep without working hours', () => {
    const slots = freeSlots({ schedule: { timezone: 'UTC' }, busy: [], policy: policy({ window: 'P1D', minNotice: '0m', duration: '1h' }), now: at('2026-08-03T00:00:00Z') });
    expect(slots).toHaveLength(24);
    expect(starts(slots, 'UTC').slice(0, 2)).toEqual(['2026-08-03T00:00:00Z', '2026-08-03T01:00:00Z']);
  });

  it('keeps slots at 09:00 local time across a change to summer time', () => {
    // Berlin went to summer time on Sunday 2026-03-29; 09:00 is 08:00Z before and 07:00Z after.
    const slots = freeSlots({ schedule: berlin, busy: [], policy: policy({ window: 'P4D' }), now: at('2026-03-27T05:00:00Z') });
    const nines = slots.filter((s) => formatSlotTime(s.start, 'Europe/Berlin').includes('T09:00:00'));
    expect(nines.map((s) => new Date(s.start).toISOString())).toEqual(['2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    const friday = slots.filter((s) => s.start < at('2026-03-28T00:00:00Z'));
    expect(starts(friday).at(-1)).toBe('2026-03-27T16:30:00+01:00');
    expect(starts(slots).at(-1)).toBe('2026-03-30T16:30:00+02:00');
  });

  it('skips the hour clocks jump over and offers the repeated hour twice, staying on the local half-hour grid', () => {
    const nights: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: { sun: [{ from: '00:00', to: '05:00' }] } };
    const options = { schedule: nights, busy: [], policy: policy({ window: 'P1D', minNotice: '0m' }) };
    const spring = freeSlots({ ...options, now: at('2026-03-28T12:00:00Z') });
    expect(starts(spring)).toEqual([
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T00:30:00+01:00',
      '2026-03-29T01:00:00+01:00',
      '2026-03-29T01:30:00+01:00',
      '2026-03-29T03:00:00+02:00',
      '2026-03-29T03:30:00+02:00',
      '2026-03-29T04:00:00+02:00',
      '2026-03-29T04:30:00+02:00',
    ]);
    const autumn = freeSlots({ ...options, now: at('2026-10-24T12:00:00Z') });
    expect(starts(autumn)).toEqual([
      '2026-10-25T00:00:00+02:00',
      '2026-10-25T00:30:00+02:00',
      '2026-10-25T01:00:00+02:00',
      '2026-10-25T01:30:00+02:00',
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:30:00+02:00',
      '2026-10-25T02:00:00+01:00',
      '2026-10-25T02:30:00+01:00',
      '2026-10-25T03:00:00+01:00',
      '2026-10-25T03:30:00+01:00',
      '2026-10-25T04:00:00+01:00',
      '2026-10-25T04:30:00+01:00',
    ]);
  });

  it('leaves out a start that would overlap the slot before it where the clock jumps', () => {
    // 45-minute slots: 01:30 CET runs to 03:15 CEST, so 03:00 CEST can't be offered too.
    const nights: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: { sun: [{ from: '00:00', to: '05:00' }] } };
    const slots = freeSlots({ schedule: nights, busy: [], policy: policy({ window: 'P1D', minNotice: '0m', duration: '45m' }), now: at('2026-03-28T12:00:00Z') });
    expect(starts(slots)).toEqual([
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T00:45:00+01:00',
      '2026-03-29T01:30:00+01:00',
      '2026-03-29T03:45:00+02:00',
    ]);
  });

  it('leaves out the last start of a day where a step that does not divide the day would overlap midnight', () => {
    // 50-minute steps: …21:40, 22:30, 23:20, then 00:00 the next day; 23:20–00:10 would overlap it.
    const slots = freeSlots({ schedule: { timezone: 'UTC' }, busy: [], policy: policy({ window: '4h', minNotice: '0m', duration: '50m' }), now: at('2026-08-03T21:30:00Z') });
    expect(starts(slots, 'UTC')).toEqual(['2026-08-03T21:40:00Z', '2026-08-03T22:30:00Z', '2026-08-04T00:00:00Z']);
  });

  it('refuses a hand-made policy whose step is zero, and an unknown time zone', () => {
    const zeroStep = { ...policy(), step: 0 };
    expect(() => freeSlots({ schedule: berlin, busy: [], policy: zeroStep, now: sundayNoon })).toThrow(
      new RangeError('policy.step must be a finite number of milliseconds above 0, got 0; parse the policy with bookingPolicySchema'),
    );
    expect(() => freeSlots({ schedule: { timezone: 'Mars/Olympus' }, busy: [], policy: policy(), now: sundayNoon })).toThrow(ValidationError);
  });

  it('is quick enough for a team of 100 over a week', () => {
    const reps = Array.from({ length: 100 }, (_, i) => ({
      schedule: { timezone: i % 2 ? 'Europe/Berlin' : 'America/New_York', workingHours: weekdays, holidays: ['2026-08-05'] },
      busy: Array.from({ length: 20 }, (_, j) => ({ start: sundayNoon + j * 7 * HOUR, end: sundayNoon + j * 7 * HOUR + HOUR })),
    }));
    const started = performance.now();
    let total = 0;
    for (const rep of reps) total += freeSlots({ ...rep, policy: policy(), now: sundayNoon }).length;
    expect(total).toBeGreaterThan(100 * 4 * 10);
    // About 10 ms here; the bound leaves room for a slow, busy CI machine.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('isSlotFree', () => {
  const meeting = busy('2026-08-03T11:00:00+02:00', '2026-08-03T12:00:00+02:00');
  const check = (start: string, overrides: Record<string, string> = {}) =>
    isSlotFree({ schedule: berlin, busy: [meeting], policy: policy({ buffer: '15m', ...overrides }), now: sundayNoon, start: at(start) });

  it('accepts a start freeSlots offers', () => {
    expect(check('2026-08-03T09:00:00+02:00')).toBe(true);
    expect(check('2026-08-03T16:30:00+02:00')).toBe(true);
  });

  it.each([
    ['off the half-hour grid', '2026-08-03T09:10:00+02:00'],
    ['within the buffer before a busy block', '2026-08-03T10:30:00+02:00'],
    ['within the buffer after a busy block', '2026-08-03T12:00:00+02:00'],
    ['before working hours', '2026-08-03T08:30:00+02:00'],
    ['running past the end of working hours', '2026-08-03T16:45:00+02:00'],
    ['on a Saturday', '2026-08-08T10:00:00+02:00'],
    ['before the minimum notice', '2026-08-02T13:00:00+02:00'],
    ['after the window', '2026-08-10T10:00:00+02:00'],
  ])('rejects a start %s', (_, start) => {
    expect(check(start)).toBe(false);
  });

  it('rejects a start on a 15-minute grid when the policy steps by 30 minutes, and accepts it when the policy steps by 15', () => {
    expect(check('2026-08-03T09:15:00+02:00')).toBe(false);
    expect(check('2026-08-03T09:15:00+02:00', { step: '15m' })).toBe(true);
  });
});
