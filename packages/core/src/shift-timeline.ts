// Internal: the on-shift and out-of-office time of an `AvailabilitySchedule` as spans of
// epoch milliseconds. Not exported from the package: `availability-schedule.ts` and
// `business-time.ts` are its public faces.
import { DateTime } from 'luxon';
import type { AvailabilitySchedule } from './availability-schedule.ts';
import { ValidationError } from './errors.ts';
import { checkTimeZone, civilDate, DAY_MS, dayStart, epochDay, localDay, weekdayIndex } from './local-day.ts';
import { minutesOfDay, type OutOfOfficePeriod, type WeeklySchedule, WEEKDAYS } from './working-hours.ts';

/** A half-open stretch of time `[start, end)` in epoch ms; either end may be infinite. */
export type Span = readonly [start: number, end: number];

/** How far a search looks for on-shift time before it concludes there is none. */
export const HORIZON_DAYS = 400;

const FULL_DAY: ReadonlyArray<Span> = [[0, 1440]];

/** An `AvailabilitySchedule` read once into numbers. */
export interface CompiledSchedule {
  readonly zone: string;
  /** Working minutes `[from, to)` of each weekday, Monday first; `null` when always on shift. */
  readonly week: ReadonlyArray<ReadonlyArray<Span>> | null;
  /** Holidays as days since 1970-01-01 (local calendar dates), sorted, unique. */
  readonly holidays: ReadonlyArray<number>;
  readonly holidaySet: ReadonlySet<number>;
  /** Out-of-office time, merged: sorted, neither overlapping nor touching. */
  readonly outOfOffice: ReadonlyArray<Span>;
}

/** Sorts spans and joins those that overlap or touch; drops empty ones. */
export function mergeSpans(spans: Iterable<Span>): Span[] {
  const sorted = [...spans].filter(([s, e]) => s < e).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

function compileWeek(hours: WeeklySchedule): CompiledSchedule['week'] {
  const week = WEEKDAYS.map((day) =>
    mergeSpans(
      (hours[day] ?? []).map((interval, i): Span => {
        const from = minutesOfDay(interval.from);
        const to = minutesOfDay(interval.to);
        if (from === undefined || to === undefined) {
          const [field, text] = from === undefined ? ['from', interval.from] : ['to', interval.to];
          throw new ValidationError([{ path: `workingHours.${day}[${i}].${field}`, message: `must be HH:MM, e.g. 09:00, got "${text}"` }]);
        }
        return [from, to];
      }),
    ),
  );
  // Every day worked from midnight to midnight is the same as no working hours: say so, and
  // the searches below skip the day-by-day walk.
  const alwaysOn = week.every((spans) => spans.length === 1 && spans[0]![0] === 0 && spans[0]![1] === 1440);
  return alwaysOn ? null : week;
}

function compileHolidays(holidays: ReadonlyArray<string>): Holidays {
  const days = holidays.map((text, i) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const day = match ? epochDay(Number(match[1]), Number(match[2]), Number(match[3])) : Number.NaN;
    if (!Number.isInteger(day) || civilDate(day).text !== text) {
      throw new ValidationError([{ path: `holidays[${i}]`, message: `must be a date YYYY-MM-DD, e.g. 2026-12-25, got "${text}"` }]);
    }
    return day;
  });
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  return { sorted, set: new Set(sorted) };
}

interface Holidays {
  readonly sorted: ReadonlyArray<number>;
  readonly set: ReadonlySet<number>;
}

// What was read from each part of a schedule, by identity: routing asks about the same reps'
// schedules over and over. This is why a schedule's parts are to be treated as immutable.
const weeks = new WeakMap<WeeklySchedule, CompiledSchedule['week']>();
const holidayLists = new WeakMap<ReadonlyArray<string>, Holidays>();
const awayLists = new WeakMap<ReadonlyArray<OutOfOfficePeriod>, ReadonlyArray<Span>>();
const NO_HOLIDAYS: Holidays = { sorted: [], set: new Set() };

function remember<K extends object, V>(cache: WeakMap<K, V>, key: K, read: (key: K) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = read(key);
    cache.set(key, value);
  }
  return value;
}

/** Reads a schedule into numbers, checking the time zone. */
export function compileSchedule(schedule: AvailabilitySchedule): CompiledSchedule {
  const zone = schedule.timezone;
  checkTimeZone(zone);
  const holidays = schedule.holidays ? remember(holidayLists, schedule.holidays, compileHolidays) : NO_HOLIDAYS;
  return {
    zone,
    week: schedule.workingHours ? remember(weeks, schedule.workingHours, compileWeek) : null,
    holidays: holidays.sorted,
    holidaySet: holidays.set,
    outOfOffice: schedule.outOfOffice
      ? remember(awayLists, schedule.outOfOffice, (periods) => mergeSpans(periods.map((p): Span => [p.from.getTime(), p.to.getTime()])))
      : [],
  };
}

/**
 * The on-shift spans of local date `day`, sorted and merged, each within the day (from its
 * first instant to the first instant of the next day).
 */
export function dayShifts(c: CompiledSchedule, day: number): ReadonlyArray<Span> {
  if (c.holidaySet.has(day)) return [];
  const minutes = c.week === null ? FULL_DAY : c.week[weekdayIndex(day)]!;
  if (minutes.length === 0) return [];
  const start = dayStart(c.zone, day);
  const end = dayStart(c.zone, day + 1);
  if (end - start === DAY_MS) {
    // No offset change today: local minutes map straight onto instants.
    return minutes.map(([from, to]): Span => [start + from * 60_000, start + to * 60_000]);
  }
  // A DST day. Let Luxon place each local time: a time in a spring-forward gap moves forward by
  // the gap, a repeated time in a fall-back overlap takes Luxon's choice. Either way clamp to
  // the day, and re-merge, since shifted times may now overlap.
  const { year, month, day: dayOfMonth } = civilDate(day);
  const instant = (m: number): number => {
    if (m === 0) return start;
    if (m === 1440) return end;
    const t = DateTime.fromObject({ year, month, day: dayOfMonth, hour: Math.floor(m / 60), minute: m % 60 }, { zone: c.zone }).toMillis();
    return Math.min(Math.max(t, start), end);
  };
  return mergeSpans(minutes.map(([from, to]): Span => [instant(from), instant(to)]));
}

/** True if `at` is inside a working interval and not on a holiday. */
export function onShiftAt(c: CompiledSchedule, at: number): boolean {
  if (c.week === null && c.holidays.length === 0) return true;
  // The spans of a day lie within it, so only those of the day `at` falls in can hold it.
  return dayShifts(c, localDay(c.zone, at)).some(([s, e]) => s <= at && at < e);
}

// Always on shift except on holidays: the gaps between runs of holidays.
function* holidayGaps(c: CompiledSchedule, from: number): Generator<Span> {
  let gapStart = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < c.holidays.length; ) {
    const first = c.holidays[i]!;
    let last = first;
    while (c.holidays[i + 1] === last + 1) last = c.holidays[++i]!;
    i++;
    const gapEnd = dayStart(c.zone, first);
    if (gapEnd > from && gapEnd > gapStart) yield [gapStart, gapEnd];
    gapStart = dayStart(c.zone, last + 1);
  }
  yield [gapStart, Number.POSITIVE_INFINITY];
}

/**
 * The maximal on-shift spans that end after `from`, in order. A span that began before `from`
 * keeps its real start; a shift that runs through midnight is one span. Stops at `until`, or
 * when no on-shift time follows for `HORIZON_DAYS` days; a span that would run on for longer
 * than that ends at `Infinity`.
 */
export function* shiftSpans(c: CompiledSchedule, from: number, until = Number.POSITIVE_INFINITY): Generator<Span> {
  if (c.week === null) {
    for (const span of holidayGaps(c, from)) {
      if (span[0] >= until) return;
      yield span;
    }
    return;
  }
  if (c.week.every((spans) => spans.length === 0)) return;
  let current: [number, number] | null = null;
  let idleDays = 0;
  for (let day = localDay(c.zone, from) - 1; ; day++) {
    const spans = dayShifts(c, day);
    for (const [s, e] of spans) {
      if (current && s <= current[1]) {
        current[1] = Math.max(current[1], e);
      } else {
        if (current && current[1] > from) yield current;
        current = [s, e];
      }
    }
    idleDays = spans.length === 0 ? idleDays + 1 : 0;
    const nextDayStart = dayStart(c.zone, day + 1);
    const openEnded = current !== null && current[1] >= nextDayStart && nextDayStart - current[0] > HORIZON_DAYS * DAY_MS;
    if (nextDayStart >= until || idleDays > HORIZON_DAYS || openEnded) {
      if (current && current[1] > from) yield openEnded ? [current[0], Number.POSITIVE_INFINITY] : current;
      return;
    }
  }
}

/**
 * The spans after `from` that are on shift and not out of office, in order, clipped to start at
 * `from` at the earliest. Ends like `shiftSpans`.
 */
export function* availableSpans(c: CompiledSchedule, from: number, until = Number.POSITIVE_INFINITY): Generator<Span> {
  const away = c.outOfOffice;
  let i = 0;
  for (const [spanStart, end] of shiftSpans(c, from, until)) {
    let start = Math.max(spanStart, from);
    while (start < end) {
      while (i < away.length && away[i]![1] <= start) i++;
      const next = away[i];
      if (next === undefined || next[0] >= end) {
        yield [start, end];
        break;
      }
      if (next[0] > start) yield [start, next[0]];
      start = next[1];
    }
  }
}
