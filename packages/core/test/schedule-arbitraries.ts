import fc from 'fast-check';
import { type WeeklySchedule, WEEKDAYS, type WorkingInterval } from '../src/index.ts';

// What the schedule properties (availability, booking) draw from: zones whose clocks change in
// every way there is, the changes themselves, and weekly working hours.

/** DST at 02:00 (Berlin, New York), a half-hour DST (Lord Howe), DST at midnight (Santiago), a half-hour offset (Kolkata), and none (UTC). */
export const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata', 'UTC'];

/** DST changes in those zones in 2026, for instants near them. */
export const TRANSITIONS = [
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:00:00Z',
  '2026-04-05T03:00:00Z',
  '2026-09-06T04:00:00Z',
].map((iso) => Date.parse(iso));

export const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A day's intervals: sorted boundaries on a 15-minute grid (plus odd minutes now and then), paired up; pairs may touch. */
export const dayArb: fc.Arbitrary<WorkingInterval[]> = fc
  .uniqueArray(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 96 }).map((q) => q * 15) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 1440 }) }), {
    maxLength: 6,
  })
  .map((bounds) => {
    const sorted = bounds.sort((a, b) => a - b);
    const pairs: WorkingInterval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) pairs.push({ from: hhmm(sorted[i]!), to: hhmm(sorted[i + 1]!) });
    return pairs;
  });

/** Weekly working hours, any days left out. */
export const weekArb: fc.Arbitrary<WeeklySchedule> = fc.record(Object.fromEntries(WEEKDAYS.map((day) => [day, dayArb])) as Record<(typeof WEEKDAYS)[number], typeof dayArb>, {
  requiredKeys: [],
});
