import type { AvailabilitySchedule } from './availability-schedule.ts';
import { toEpochMillis, type Instant } from './instant.ts';
import { availableSpans, compileSchedule } from './shift-timeline.ts';

function checkDuration(durationMs: number): void {
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number of milliseconds, 0 or more, got ${durationMs}`);
  }
}

/**
 * The instant (epoch ms) at which `durationMs` of business time has passed since `start`: for
 * an SLA counted in the rep's working hours, the deadline. Business time is time on shift
 * (`isOnShift`) and not out of office; nights, weekends, holidays and out-of-office periods
 * don't count. A rep without working hours, holidays or out-of-office periods: `start + durationMs`.
 *
 * Returns `start` for a zero duration, and `Infinity` if the schedule never has enough business
 * time again (e.g. no working intervals at all, or none in the next 400 days).
 *
 * @throws RangeError if `durationMs` is negative or not finite.
 * @throws ValidationError if the time zone, a time of day or a holiday can't be read.
 * @example
 * // Mon–Fri 09:00–18:00 Europe/Berlin; a lead at 17:55 on a Monday with a 15-minute SLA:
 * addBusinessTime(schedule, Date.parse('2026-08-03T17:55:00+02:00'), 15 * 60_000);
 * // → Date.parse('2026-08-04T09:10:00+02:00'), Tuesday 09:10
 */
export function addBusinessTime(schedule: AvailabilitySchedule, start: Instant, durationMs: number): number {
  const from = toEpochMillis(start);
  checkDuration(durationMs);
  if (durationMs === 0) return from;
  let remaining = durationMs;
  for (const [s, e] of availableSpans(compileSchedule(schedule), from)) {
    if (e - s >= remaining) return s + remaining;
    remaining -= e - s;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The business time (ms) between `from` and `to`: time on shift and not out of office, as
 * `addBusinessTime` counts it. `0` when `to` is not after `from`. Takes time in proportion to
 * the number of days between them.
 *
 * @throws ValidationError if the time zone, a time of day or a holiday can't be read.
 */
export function businessTimeBetween(schedule: AvailabilitySchedule, from: Instant, to: Instant): number {
  const start = toEpochMillis(from);
  const end = toEpochMillis(to);
  if (end <= start) return 0;
  let total = 0;
  for (const [s, e] of availableSpans(compileSchedule(schedule), start, end)) {
    if (s >= end) break;
    total += Math.min(e, end) - s;
  }
  return total;
}
