// Internal: local calendar days of a time zone, as days since 1970-01-01, and the instant each
// one starts. Luxon places every instant; this only remembers its answers.
import { DateTime } from 'luxon';
import { ValidationError } from './errors.ts';

/** Milliseconds in 24 hours. */
export const DAY_MS = 86_400_000;

const validZones = new Set<string>();

/**
 * Throws a `ValidationError` naming the field `timezone` unless `zone` is a time zone Luxon
 * knows (an IANA name such as `Europe/Berlin`, or `UTC`).
 */
export function checkTimeZone(zone: string): void {
  if (validZones.has(zone)) return;
  if (!DateTime.fromMillis(0, { zone }).isValid) {
    throw new ValidationError([{ path: 'timezone', message: `unknown time zone "${zone}"; use an IANA name such as "Europe/Berlin" or "UTC"` }]);
  }
  validZones.add(zone);
}

/** Days since 1970-01-01 of a calendar date. */
export function epochDay(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / DAY_MS;
}

/** The calendar date of a day since 1970-01-01, also as `YYYY-MM-DD`. */
export function civilDate(day: number): { year: number; month: number; day: number; text: string } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), text: date.toISOString().slice(0, 10) };
}

/** Index of a day since 1970-01-01 in the week, Monday being 0 (1970-01-01 was a Thursday). */
export function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

// Reps share a handful of zones and look at the same few days, so this is nearly always a hit.
const dayStarts = new Map<string, number>();

/**
 * The first instant of local date `day` in `zone`: its midnight, or where a DST change skips
 * midnight, the first local time that exists. `zone` must have passed `checkTimeZone`.
 */
export function dayStart(zone: string, day: number): number {
  const key = `${zone}\u0000${day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    const { year, month, day: dayOfMonth } = civilDate(day);
    start = DateTime.fromObject({ year, month, day: dayOfMonth }, { zone }).toMillis();
    if (dayStarts.size >= 100_000) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return start;
}

/**
 * The local date (days since 1970-01-01) in `zone` that `at` falls in: the day whose
 * `[dayStart(day), dayStart(day + 1))` contains it.
 */
export function localDay(zone: string, at: number): number {
  // UTC offsets lie within ±14 hours, so the local date is the UTC date or one either side.
  const utcDay = Math.floor(at / DAY_MS);
  for (let day = utcDay + 1; day > utcDay - 2; day--) if (dayStart(zone, day) <= at) return day;
  return utcDay - 2;
}
