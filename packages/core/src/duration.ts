import { z } from 'zod';
import { ValidationError } from './errors.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * The longest duration read: 3650 days, about ten years. Durations become deadlines (now plus
 * the duration, or that much of a rep's working time), and a deadline must stay a date that
 * JavaScript and PostgreSQL can hold — `P14300000W` was accepted and left its leads unroutable.
 */
export const MAX_DURATION_MS = 3650 * DAY;

const EXPECTED = 'expected an ISO 8601 duration such as PT15M or a shorthand such as 15m';

// ISO 8601 durations without years and months: P[nW][nD][T[nH][nM][nS]]. Either `.` or `,`
// separates a fraction (ISO 8601 allows both).
const NUMBER = String.raw`(\d{1,15}(?:[.,]\d{1,9})?)`;
const ISO = new RegExp(`^P(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`, 'i');
const ISO_CALENDAR = /^P[^T]*\d[YM]/i;
const ISO_UNITS = [WEEK, DAY, HOUR, MINUTE, SECOND] as const;

// Shorthand: one or more `<number><unit>` from the largest unit to the smallest, e.g. `1h30m`
// or `1h 30m` (what `formatDuration` writes).
const SHORTHAND_TOKEN = /(\d{1,15}(?:\.\d{1,9})?)\s*(ms|d|h|m|s)\s*/y;
const SHORTHAND_UNITS: Readonly<Record<string, number>> = { d: DAY, h: HOUR, m: MINUTE, s: SECOND, ms: 1 };

type Parsed = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

function fail(message: string = EXPECTED): Parsed {
  return { ok: false, message };
}

function total(parts: ReadonlyArray<readonly [value: string, unit: number]>): Parsed {
  let ms = 0;
  for (const [i, [value, unit]] of parts.entries()) {
    // ISO 8601: only the smallest component given may have a fraction ("PT1.5H", not "PT1.5H30M").
    if (/[.,]/.test(value) && i !== parts.length - 1) return fail(`only the last part of a duration may have a fraction; ${EXPECTED}`);
    ms += Number(value.replace(',', '.')) * unit;
  }
  ms = Math.round(ms);
  if (!(ms <= MAX_DURATION_MS)) return fail('is too long; give at most 3650 days (P3650D, about ten years)');
  return { ok: true, ms };
}

function parseIso(text: string): Parsed {
  const match = ISO.exec(text);
  if (!match) {
    if (ISO_CALENDAR.test(text)) return fail('years and months have no fixed length; use weeks or days, e.g. P30D');
    return fail();
  }
  const parts: Array<readonly [string, number]> = [];
  for (const [i, unit] of ISO_UNITS.entries()) {
    const value = match[i + 1];
    if (value !== undefined) parts.push([value, unit]);
  }
  // "P" and "PT" alone, and a "T" with nothing after it, are not durations.
  if (parts.length === 0 || /T$/i.test(text)) return fail();
  return total(parts);
}

function parseShorthand(text: string): Parsed {
  const parts: Array<readonly [string, number]> = [];
  SHORTHAND_TOKEN.lastIndex = 0;
  while (SHORTHAND_TOKEN.lastIndex < text.length) {
    const match = SHORTHAND_TOKEN.exec(text);
    if (!match) return fail();
    const unit = SHORTHAND_UNITS[match[2]!]!;
    const previous = parts.at(-1);
    if (previous && previous[1] <= unit) return fail(`write the parts from the largest unit to the smallest, each once, e.g. 1h30m; ${EXPECTED}`);
    parts.push([match[1]!, unit]);
  }
  if (parts.length === 0) return fail();
  return total(parts);
}

function parse(input: string): Parsed {
  const text = input.trim();
  return /^P/i.test(text) ? parseIso(text) : parseShorthand(text);
}

/**
 * Reads a duration written by a person or a config file, in milliseconds.
 *
 * Accepts ISO 8601 durations with weeks, days, hours, minutes and seconds (`PT15M`, `PT1H30M`,
 * `P1D`, `PT0.5S`) and shorthand (`15m`, `2s`, `1h30m`, `1h 30m`, `500ms`, `1d`). A day is 24
 * hours: years and months are rejected because their length depends on the calendar. A result
 * with a fraction of a millisecond is rounded to the nearest millisecond.
 *
 * @throws ValidationError naming the problem, e.g. for `"15"` (no unit) or `"P1M"`.
 * @example
 * parseDuration('PT1H30M'); // 5_400_000
 * parseDuration('1h30m'); // 5_400_000
 */
export function parseDuration(text: string): number {
  const parsed = parse(text);
  if (!parsed.ok) throw new ValidationError([{ path: '', message: `${parsed.message}, got "${text}"` }]);
  return parsed.ms;
}

/**
 * A duration field in an API body or a config file: a string as `parseDuration` reads it,
 * parsed to milliseconds.
 *
 * @example
 * z.object({ responseSla: durationSchema }).parse({ responseSla: 'PT15M' }); // { responseSla: 900_000 }
 */
export const durationSchema = z
  .string({ error: EXPECTED })
  .transform((text, ctx) => {
    const parsed = parse(text);
    if (parsed.ok) return parsed.ms;
    ctx.addIssue({ code: 'custom', message: parsed.message, input: text });
    return z.NEVER;
  })
  .describe('A duration: ISO 8601 (PT15M, PT1H30M, P1D) or shorthand (15m, 1h30m, 500ms).');

const FORMAT_UNITS = [
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', 1],
] as const;

/**
 * Writes a duration for people: its non-zero parts from days down to milliseconds, e.g.
 * `"1h 5m"`, `"45s"`, `"2d 3h"`, `"1m 500ms"`, `"0s"`. Rounds to whole milliseconds; a negative
 * duration gets a leading `-`. `parseDuration` reads the result back.
 *
 * @throws RangeError if `ms` is `NaN` or infinite.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`expected a finite number of milliseconds, got ${ms}`);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return (ms < 0 ? '-' : '') + parts.join(' ');
}
