import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type AvailabilitySchedule,
  type BookingPolicy,
  businessTimeBetween,
  type BusyBlock,
  freeSlots,
  isSlotFree,
  type TeamMemberCalendar,
  teamSlotOwner,
  teamSlots,
} from '../../src/index.ts';
import { TRANSITIONS, weekArb, ZONES } from '../schedule-arbitraries.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST = Date.parse('2026-01-01T00:00:00Z');
const LAST = Date.parse('2026-12-01T00:00:00Z');



// Now: anywhere in the year, near a DST change, or on a quarter hour.
const nowArb = fc.oneof(
  fc.integer({ min: FIRST, max: LAST }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -4 * DAY, max: DAY })).map(([t, offset]) => t + offset),
  fc.integer({ min: FIRST / (15 * MINUTE), max: LAST / (15 * MINUTE) }).map((q) => q * 15 * MINUTE),
);

const minutesArb = (min: number, max: number, common: ReadonlyArray<number>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.integer({ min, max }) }).map((m) => m * MINUTE);

const policyArb: fc.Arbitrary<BookingPolicy> = fc.record(
  {
    duration: minutesArb(5, 480, [15, 30, 45, 60, 90]),
    window: fc.integer({ min: 60, max: 6 * 24 * 60 }).map((m) => m * MINUTE),
    buffer: fc.oneof(fc.constant(0), minutesArb(0, 120, [5, 10, 15])),
    minNotice: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * DAY })),
    mode: fc.constantFrom('owner' as const, 'team' as const),
    step: minutesArb(5, 480, [10, 15, 30, 45, 50, 60, 7]),
  },
  { requiredKeys: ['duration', 'window', 'buffer', 'minNotice', 'mode'] },
);

/** Busy blocks and out-of-office periods around `now`, `minLength` ms long or more. */
const stretchesArb = (maxLength: number, minLength: number) =>
  fc.array(
    fc.tuple(fc.integer({ min: -DAY, max: 7 * DAY }), fc.integer({ min: minLength, max: DAY }), fc.boolean()).map(([offset, length, onMinute]) => {
      const start = onMinute ? Math.round(offset / MINUTE) * MINUTE : offset;
      return { offset: start, length: onMinute ? Math.max(minLength, Math.round(length / MINUTE) * MINUTE) : length };
    }),
    { maxLength },
  );

interface Rep {
  readonly schedule: AvailabilitySchedule;
  readonly busy: ReadonlyArray<BusyBlock>;
}

const repArb = (now: number): fc.Arbitrary<Rep> =>
  fc
    .record({
      timezone: fc.constantFrom(...ZONES),
      workingHours: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: weekArb }),
      holidays: fc.array(fc.integer({ min: -1, max: 8 }).map((d) => new Date(now + d * DAY).toISOString().slice(0, 10)), { maxLength: 3 }),
      away: stretchesArb(2, 1),
      // Now and then an empty block, which takes no time.
      busy: stretchesArb(12, 0),
    })
    .map(({ timezone, workingHours, holidays, away, busy }) => ({
      schedule: {
        timezone,
        workingHours,
        holidays,
        outOfOffice: away.map(({ offset, length }) => ({ from: new Date(now + offset), to: new Date(now + offset + length) })),
      },
      busy: busy.map(({ offset, length }) => ({ start: now + offset, end: now + offset + length })),
    }));

const generalCaseArb = nowArb.chain((now) => fc.record({ now: fc.constant(now), policy: policyArb, rep: repArb(now) }));

// The night of a DST change with a step that doesn't divide the hour: where the wall clock jumps,
// grid starts come closer together in real time than the step.
const dstCaseArb = fc
  .record({
    transition: fc.constantFrom(...TRANSITIONS),
    before: fc.integer({ min: 0, max: DAY }),
    timezone: fc.constantFrom(...ZONES.slice(0, 4)),
    duration: minutesArb(5, 180, [45, 50, 40, 25]),
    step: fc.option(minutesArb(5, 180, [45, 50, 40, 25, 100]), { nil: undefined }),
  })
  .map(({ transition, before, timezone, duration, step }) => ({
    now: transition - before,
    policy: { duration, window: 2 * DAY, buffer: 0, minNotice: 0, mode: 'owner' as const, ...(step === undefined ? {} : { step }) },
    rep: { schedule: { timezone }, busy: [] } as Rep,
  }));

const caseArb = fc.oneof({ weight: 4, arbitrary: generalCaseArb }, { weight: 1, arbitrary: dstCaseArb });

const stepOf = (policy: BookingPolicy) => policy.step ?? policy.duration;
const wallMinutes = (ms: number, zone: string) => {
  const local = DateTime.fromMillis(ms, { zone });
  return { minutes: local.hour * 60 + local.minute, rest: local.second * 1000 + local.millisecond };
};
const clearOfBusy = (busy: ReadonlyArray<BusyBlock>, start: number, end: number, buffer: number) =>
  busy.every((b) => b.end <= b.start || b.end <= start - buffer || b.start >= end + buffer);

describe('freeSlots properties', () => {
  it('offers only slots wholly within available time, clear of busy time and its buffer, within notice and window, on the local step grid', () => {
    fc.assert(
      fc.property(caseArb, ({ now, policy, rep }) => {
        const slots = freeSlots({ ...rep, policy, now });
        const step = stepOf(policy);
        for (const { start, end } of slots) {
          expect(end - start).toBe(policy.duration);
          // Business time counts time on shift and not out of office.
          expect(businessTimeBetween(rep.schedule, start, end)).toBe(policy.duration);
          expect(clearOfBusy(rep.busy, start, end, policy.buffer)).toBe(true);
          expect(start).toBeGreaterThanOrEqual(now + policy.minNotice);
          expect(end).toBeLessThanOrEqual(now + policy.window);
          const wall = wallMinutes(start, rep.schedule.timezone);
          expect(wall.rest).toBe(0);
          expect(wall.minutes % (step / MINUTE)).toBe(0);
        }
        for (let i = 1; i < slots.length; i++) {
          expect(slots[i]!.start).toBeGreaterThan(slots[i - 1]!.start);
          // Alternatives a step apart may overlap; with a step at least the meeting, none do.
          if (step >= policy.duration) expect(slots[i]!.start).toBeGreaterThanOrEqual(slots[i - 1]!.end);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('isSlotFree accepts exactly the starts freeSlots offers', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.nat(), { maxLength: 12 }), fc.array(fc.integer({ min: -2 * HOUR, max: 2 * HOUR }), { maxLength: 6 }), ({ now, policy, rep }, picks, nudges) => {
        const slots = freeSlots({ ...rep, policy, now });
        const offered = new Set(slots.map((s) => s.start));
        const candidates = picks.flatMap((p) => (slots.length ? [slots[p % slots.length]!.start] : []));
        // Also instants near offered ones, on the minute or not, and near now.
        for (const [i, nudge] of nudges.entries()) {
          const base = slots.length ? slots[(picks[i] ?? i) % slots.length]!.start : now + policy.minNotice;
          candidates.push(base + nudge, base + Math.round(nudge / (5 * MINUTE)) * 5 * MINUTE);
        }
        for (const start of candidates) expect(isSlotFree({ ...rep, policy, now, start })).toBe(offered.has(start));
      }),
      { numRuns: 300 },
    );
  });

  it('offers every start on the local grid that is free, away from DST changes and the end of a day', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.nat()), { minLength: 1, maxLength: 10 }), ({ now, policy, rep }, picks) => {
        const zone = rep.schedule.timezone;
        const step = stepOf(policy);
        const offered = new Set(freeSlots({ ...rep, policy, now }).map((s) => s.start));
        for (const [fraction, k] of picks) {
          // A wall-clock time k * step after midnight on a day within the window.
          const day = DateTime.fromMillis(now + fraction * policy.window, { zone }).startOf('day');
          const minutes = (k % Math.ceil(DAY / step)) * (step / MINUTE);
          const start = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
          const end = start + policy.duration;
          const nextDay = day.plus({ days: 1 }).toMillis();
          const regularDay = nextDay - day.toMillis() === DAY && DAY % step === 0 && wallMinutes(start, zone).minutes === minutes;
          const free =
            start >= now + policy.minNotice &&
            end <= now + policy.window &&
            businessTimeBetween(rep.schedule, start, end) === policy.duration &&
            clearOfBusy(rep.busy, start, end, policy.buffer);
          if (regularDay) expect(offered.has(start)).toBe(free);
          else if (!free) expect(offered.has(start)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

const rotationValues = [null, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-02T00:00:00Z')];
const teamArb = nowArb.chain((now) =>
  fc.record({
    now: fc.constant(now),
    policy: policyArb.filter((p) => p.window <= 3 * DAY),
    members: fc.array(
      fc.tuple(repArb(now), fc.constantFrom(...rotationValues)).map(([rep, lastBookedAt]) => ({ ...rep, lastBookedAt })),
      { maxLength: 4 },
    ),
  }),
);

describe('teamSlots properties', () => {
  it('offers each start some member has once, given to the free member booked least recently, ties by member order', () => {
    fc.assert(
      fc.property(teamArb, ({ now, policy, members: reps }) => {
        const members: TeamMemberCalendar[] = reps.map((rep, i) => ({ ...rep, repId: `rep-${i}` }));
        const own = members.map((m) => new Set(freeSlots({ schedule: m.schedule, busy: m.busy, policy, now }).map((s) => s.start)));
        const slots = teamSlots({ members, policy, now });
        const union = new Set(own.flatMap((starts) => [...starts]));
        expect(slots.map((s) => s.start)).toEqual([...union].sort((a, b) => a - b));
        const rank = (i: number) => [members[i]!.lastBookedAt ?? Number.NEGATIVE_INFINITY, i] as const;
        for (const slot of slots) {
          expect(slot.end).toBe(slot.start + policy.duration);
          const owner = members.findIndex((m) => m.repId === slot.repId);
          // The rep really has that slot in its own freeSlots…
          expect(own[owner]!.has(slot.start)).toBe(true);
          // …and no member who has it comes before it in the rotation.
          for (const [i, starts] of own.entries()) {
            if (i === owner || !starts.has(slot.start)) continue;
            const [a, b] = [rank(i), rank(owner)];
            expect(a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])).toBe(true);
          }
        }
        for (const slot of slots.slice(0, 5)) expect(teamSlotOwner({ members, policy, now, start: slot.start })).toBe(slot.repId);
      }),
      { numRuns: 150 },
    );
  });
});
