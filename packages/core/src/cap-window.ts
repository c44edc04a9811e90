import { DateTime } from 'luxon';
import { toEpochMillis, type Instant } from './instant.ts';
import { checkTimeZone, dayStart, localDay, weekdayIndex } from './local-day.ts';

/** The windows a rep's lead caps count in (e.g. "at most 20 leads a day"). */
export const CapWindow = {
  hour: 'hour',
  day: 'day',
  week: 'week',
} as const;
export type CapWindow = (typeof CapWindow)[keyof typeof CapWindow];

const HOUR_MS = 3_600_000;

function hourStart(timezone: string, at: number): number {
  return DateTime.fromMillis(at, { zone: timezone }).startOf('hour').toMillis();
}

/** The first local day of the window of `kind` (`day` or `week`) that holds local day `day`. */
function firstDay(kind: 'day' | 'week', day: number): number {
  return kind === 'day' ? day : day - weekdayIndex(day);
}

/**
 * The start (epoch ms) of the cap window of `kind` that contains `at`, in `timezone`: the start
 * of the local hour, the local day (midnight) or the local week (Monday 00:00). Where a DST
 * change skips midnight, the day starts at the first local time that exists.
 *
 * @throws ValidationError if `timezone` is unknown.
 * @example
 * capWindowStart('day', 'Europe/Berlin', Date.parse('2026-08-05T15:00:00Z')); // Date.parse('2026-08-04T22:00:00Z')
 */
export function capWindowStart(kind: CapWindow, timezone: string, at: Instant): number {
  const ms = toEpochMillis(at);
  checkTimeZone(timezone);
  if (kind === 'hour') return hourStart(timezone, ms);
  return dayStart(timezone, firstDay(kind, localDay(timezone, ms)));
}

/**
 * The start (epoch ms) of the cap window of `kind` after the one that contains `at`: when a
 * counter started at `capWindowStart(kind, timezone, at)` resets. Always after `at`.
 *
 * @throws ValidationError if `timezone` is unknown.
 */
export function nextCapWindowStart(kind: CapWindow, timezone: string, at: Instant): number {
  const ms = toEpochMillis(at);
  checkTimeZone(timezone);
  if (kind !== 'hour') return dayStart(timezone, firstDay(kind, localDay(timezone, ms)) + (kind === 'day' ? 1 : 7));
  // An hour is elapsed time: a local hour that repeats when clocks go back is a window of its own.
  const start = hourStart(timezone, ms);
  const next = hourStart(timezone, start + HOUR_MS);
  if (next > ms) return next;
  // A DST change that isn't a whole hour (Lord Howe's 30 minutes) stretches a local hour to 90
  // minutes. Probe forward from `at` for the next window: windows start at whole local hours,
  // and UTC offsets are multiples of 15 minutes, so starts lie on a 15-minute grid through
  // `start`, and the first probe in a new window finds where it starts.
  const step = 15 * 60_000;
  for (let t = start + step * (Math.floor((ms - start) / step) + 1); t < start + 4 * HOUR_MS; t += step) {
    const windowStart = hourStart(timezone, t);
    if (windowStart > ms) return windowStart;
  }
  throw new Error(`no hour window starts within 4 hours after ${new Date(ms).toISOString()} in ${timezone}`);
}
