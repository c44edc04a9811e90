import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema, formatDuration, parseDuration, parseOrThrow, ValidationError } from '../src/index.ts';

const EXPECTED = 'expected an ISO 8601 duration such as PT15M or a shorthand such as 15m';

describe('parseDuration', () => {
  it.each([
    ['PT15M', 900_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['PT0.5S', 500],
    ['PT0,5S', 500],
    ['P1W', 604_800_000],
    ['P1DT2H', 93_600_000],
    ['PT1.5H', 5_400_000],
    ['PT0S', 0],
    ['pt15m', 900_000],
    ['  PT15M  ', 900_000],
    ['15m', 900_000],
    ['2s', 2_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
    ['1m 500ms', 60_500],
    ['0s', 0],
    ['P3650D', 315_360_000_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', EXPECTED],
    ['abc', EXPECTED],
    ['15', EXPECTED],
    ['15M', EXPECTED],
    ['-15m', EXPECTED],
    ['P', EXPECTED],
    ['PT', EXPECTED],
    ['P1DT', EXPECTED],
    ['PT15', EXPECTED],
    ['15 minutes', EXPECTED],
    ['P1M', 'years and months have no fixed length; use weeks or days, e.g. P30D'],
    ['P1Y2D', 'years and months have no fixed length; use weeks or days, e.g. P30D'],
    ['PT1.5H30M', `only the last part of a duration may have a fraction; ${EXPECTED}`],
    ['30m1h', `write the parts from the largest unit to the smallest, each once, e.g. 1h30m; ${EXPECTED}`],
    ['1m1m', `write the parts from the largest unit to the smallest, each once, e.g. 1h30m; ${EXPECTED}`],
    ['999999999999999d', 'is too long; give at most 3650 days (P3650D, about ten years)'],
    ['P14300000W', 'is too long; give at most 3650 days (P3650D, about ten years)'],
    ['3650d 1ms', 'is too long; give at most 3650 days (P3650D, about ten years)'],
  ])('rejects %j saying what is wrong: %s', (text, message) => {
    let error: unknown;
    try {
      parseDuration(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(`${message}, got "${text}"`);
  });

  it('reads back whatever formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('durationSchema', () => {
  const config = z.strictObject({ responseSla: durationSchema });

  it('outputs milliseconds', () => {
    expect(config.parse({ responseSla: 'PT15M' })).toEqual({ responseSla: 900_000 });
    expect(config.parse({ responseSla: '1h30m' })).toEqual({ responseSla: 5_400_000 });
  });

  it.each([['soon'], [15], [null]])('rejects %j naming the field and the expected forms', (value) => {
    expect(() => parseOrThrow(config, { responseSla: value })).toThrow(new ValidationError([{ path: 'responseSla', message: EXPECTED }]));
  });

  it('explains why months are rejected', () => {
    expect(() => parseOrThrow(config, { responseSla: 'P1M' })).toThrow('responseSla: years and months have no fixed length; use weeks or days, e.g. P30D');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [500, '500ms'],
    [3_900_000, '1h 5m'],
    [5_400_000, '1h 30m'],
    [93_600_000, '1d 2h'],
    [60_500, '1m 500ms'],
    [90_061_001, '1d 1h 1m 1s 1ms'],
    [-900_000, '-15m'],
    [1_499.6, '1s 500ms'],
  ])('writes %i ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rejects a number that is not a duration', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(new RangeError('expected a finite number of milliseconds, got NaN'));
  });
});
