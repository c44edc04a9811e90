import { z } from 'zod';
import { toEpochMillis, type Instant } from './instant.ts';
import { isValidTimeZone } from './rep.ts';
import { compileSchedule, onShiftAt, shiftSpans } from './shift-timeline.ts';
import { holidaysSchema, outOfOfficeSchema, weeklyScheduleSchema, type OutOfOfficePeriod, type WeeklySchedule } from './working-hours.ts';

/**
 * When a rep works, in the rep's time zone. The functions below read it; none of them keeps it.
 *
 * - `workingHours`: the weekly schedule; `null` or missing means always on shift.
 * - `holidays`: whole local days off, `YYYY-MM-DD`. Holidays always apply, also to a rep
 *   without working hours: such a rep is on shift every day except its holidays.
 * - `outOfOffice`: periods the rep is away. They don't change whether the rep is on shift (the
 *   rep machine tells `offline` from `away`); business time does not count them.
 *
 * Treat a schedule's parts as immutable: the functions remember what they read from each
 * `workingHours` object and `holidays` / `outOfOffice` array, so a changed schedule must be a
 * new object (as one parsed from the database or the API is).
 */
export interface AvailabilitySchedule {
  /** IANA time zone name, e.g. `Europe/Berlin`. */
  readonly timezone: string;
  readonly workingHours?: WeeklySchedule | null | undefined;
  readonly holidays?: ReadonlyArray<string> | undefined;
  readonly outOfOffice?: ReadonlyArray<OutOfOfficePeriod> | undefined;
}

/**
 * An `AvailabilitySchedule` as the API and config files give it. Issues name the field, e.g.
 * `workingHours.mon[1]: overlaps mon[0] (09:00–12:30)` once run through `parseOrThrow`.
 */
export const availabilityScheduleSchema = z.strictObject({
  timezone: z
    .string()
    .refine(isValidTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}"; use an IANA name such as "Europe/Berlin" or "UTC"` }),
  workingHours: weeklyScheduleSchema.nullish(),
  holidays: holidaysSchema.optional(),
  outOfOffice: outOfOfficeSchema.optional(),
});

/**
 * True if `at` falls inside one of the rep's working intervals, in the rep's time zone, and not
 * on one of its holidays. A rep without working hours is on shift except on holidays.
 * Out-of-office periods don't count here: see `currentOutOfOffice`.
 *
 * @throws ValidationError if the time zone, a time of day or a holiday can't be read.
 */
export function isOnShift(schedule: AvailabilitySchedule, at: Instant): boolean {
  return onShiftAt(compileSchedule(schedule), toEpochMillis(at));
}

/**
 * The out-of-office period covering `at` (`from <= at < to`), or `null`. When several overlap
 * `at`, the one that ends last, so that its `to` is the earliest the rep can be back.
 */
export function currentOutOfOffice(schedule: AvailabilitySchedule, at: Instant): OutOfOfficePeriod | null {
  const ms = toEpochMillis(at);
  let found: OutOfOfficePeriod | null = null;
  for (const period of schedule.outOfOffice ?? []) {
    if (period.from.getTime() <= ms && ms < period.to.getTime() && (found === null || period.to > found.to)) found = period;
  }
  return found;
}

/**
 * The next instant (epoch ms), strictly after `at`, at which `isOnShift` or being out of office
 * (`currentOutOfOffice(...) !== null`) changes; `null` if neither ever changes again. This is
 * when a rep's timer should wake it up.
 *
 * Works on whole local days in the rep's zone, so DST changes, intervals ending at `24:00` and
 * shifts that run through midnight (Mon 22:00–24:00 then Tue 00:00–06:00: no change at
 * midnight) come out right. Moving from one out-of-office period straight into another is no
 * change. Looks at most about 400 days past the last on-shift time for the next one.
 *
 * @throws ValidationError if the time zone, a time of day or a holiday can't be read.
 * @example
 * // Mon–Fri 09:00–18:00 in Berlin, asked on a Friday at 18:30: Monday 09:00.
 * nextAvailabilityChange(schedule, Date.parse('2026-08-07T18:30:00+02:00')); // Date.parse('2026-08-10T09:00:00+02:00')
 */
export function nextAvailabilityChange(schedule: AvailabilitySchedule, at: Instant): number | null {
  const ms = toEpochMillis(at);
  const c = compileSchedule(schedule);
  let next = Number.POSITIVE_INFINITY;
  const shift = shiftSpans(c, ms).next();
  if (!shift.done) {
    const [start, end] = shift.value;
    next = start <= ms ? end : start;
  }
  const away = c.outOfOffice.find(([, end]) => end > ms);
  if (away) next = Math.min(next, away[0] <= ms ? away[1] : away[0]);
  return Number.isFinite(next) ? next : null;
}
