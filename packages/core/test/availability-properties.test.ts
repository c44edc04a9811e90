import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  type AvailabilitySchedule,
  availabilityScheduleSchema,
  businessTimeBetween,
  capWindowStart,
  type CapWindow,
  currentOutOfOffice,
  isOnShift,
  nextAvailabilityChange,
  nextCapWindowStart,
} from '../src/index.ts';
import { TRANSITIONS, weekArb, ZONES } from './schedule-arbitraries.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST = Date.parse('2026-01-01T00:00:00Z');
const LAST = Date.parse('2027-01-01T00:00:00Z');



const dateArb = fc.integer({ min: FIRST / DAY, max: LAST / DAY }).map((day) => new Date(day * DAY).toISOString().slice(0, 10));

const instantArb = fc.oneof(
  fc.integer({ min: FIRST, max: LAST }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY, max: 3 * DAY })).map(([t, offset]) => t + offset),
  // Right on a quarter hour, where shifts begin and end.
  fc.integer({ min: FIRST / (15 * MINUTE), max: LAST / (15 * MINUTE) }).map((q) => q * 15 * MINUTE),
);

const outOfOfficeArb = fc.array(
  fc.tuple(instantArb, fc.integer({ min: 1, max: 10 * DAY })).map(([from, length]) => ({ from: new Date(from), to: new Date(from + length) })),
  { maxLength: 3 },
);

const scheduleArb: fc.Arbitrary<AvailabilitySchedule> = fc.record(
  {
    timezone: fc.constantFrom(...ZONES),
    workingHours: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: weekArb }),
    holidays: fc.array(dateArb, { maxLength: 8 }),
    outOfOffice: outOfOfficeArb,
  },
  { requiredKeys: ['timezone'] },
);

const durationArb = fc.oneof(fc.integer({ min: 0, max: 4 * HOUR }), fc.integer({ min: 0, max: 30 * DAY }));

const state = (schedule: AvailabilitySchedule, t: number) => ({ onShift: isOnShift(schedule, t), away: currentOutOfOffice(schedule, t) !== null });

describe('availability properties', () => {
  it('generates schedules the schema accepts', () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const input = { ...schedule, outOfOffice: schedule.outOfOffice?.map((p) => ({ from: p.from.toISOString(), to: p.to.toISOString() })) };
        expect(availabilityScheduleSchema.safeParse(input).success).toBe(true);
      }),
    );
  });

  it('addBusinessTime never ends before its start and grows with the duration', () => {
    fc.assert(
      fc.property(scheduleArb, instantArb, durationArb, durationArb, (schedule, start, a, b) => {
        const [shorter, longer] = a <= b ? [a, b] : [b, a];
        const early = addBusinessTime(schedule, start, shorter);
        expect(early).toBeGreaterThanOrEqual(start);
        expect(addBusinessTime(schedule, start, longer)).toBeGreaterThanOrEqual(early);
      }),
    );
  });

  it('businessTimeBetween measures exactly what addBusinessTime added', () => {
    fc.assert(
      fc.property(scheduleArb, instantArb, durationArb, (schedule, start, duration) => {
        const end = addBusinessTime(schedule, start, duration);
        fc.pre(Number.isFinite(end));
        expect(Math.abs(businessTimeBetween(schedule, start, end) - duration)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('businessTimeBetween adds up over a split and never exceeds elapsed time', () => {
    fc.assert(
      fc.property(scheduleArb, instantArb, fc.integer({ min: 0, max: 20 * DAY }), fc.integer({ min: 0, max: 20 * DAY }), (schedule, from, a, b) => {
        const middle = from + a;
        const to = middle + b;
        const whole = businessTimeBetween(schedule, from, to);
        expect(whole).toBe(businessTimeBetween(schedule, from, middle) + businessTimeBetween(schedule, middle, to));
        expect(whole).toBeLessThanOrEqual(to - from);
      }),
    );
  });

  it('counts a millisecond of business time exactly when the rep is on shift and not away', () => {
    fc.assert(
      fc.property(scheduleArb, instantArb, (schedule, t) => {
        const { onShift, away } = state(schedule, t);
        expect(businessTimeBetween(schedule, t, t + 1)).toBe(onShift && !away ? 1 : 0);
      }),
    );
  });

  it('nextAvailabilityChange is the first instant after `at` where the state differs', () => {
    fc.assert(
      fc.property(scheduleArb, instantArb, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 5, maxLength: 5 }), (schedule, t, samples) => {
        const before = state(schedule, t);
        const next = nextAvailabilityChange(schedule, t);
        if (next === null) {
          // Nothing changes for (at least) the next 30 days.
          for (const f of samples) expect(state(schedule, t + Math.floor(f * 30 * DAY))).toEqual(before);
          return;
        }
        expect(next).toBeGreaterThan(t);
        expect(state(schedule, next)).not.toEqual(before);
        expect(state(schedule, next - 1)).toEqual(before);
        for (const f of samples) expect(state(schedule, t + Math.floor(f * (next - t)))).toEqual(before);
      }),
    );
  });

  it('cap windows tile time: each contains its instants and the next starts where it ends', () => {
    fc.assert(
      fc.property(fc.constantFrom<CapWindow>('hour', 'day', 'week'), fc.constantFrom(...ZONES), instantArb, (kind, zone, t) => {
        const start = capWindowStart(kind, zone, t);
        const next = nextCapWindowStart(kind, zone, t);
        expect(start).toBeLessThanOrEqual(t);
        expect(next).toBeGreaterThan(t);
        expect(capWindowStart(kind, zone, next)).toBe(next);
        expect(capWindowStart(kind, zone, next - 1)).toBe(start);
        expect(nextCapWindowStart(kind, zone, start)).toBe(next);
      }),
    );
  });
});
