import { describe, expect, it } from 'vitest';
import { bookingPolicySchema, parseOrThrow, ValidationError } from '../../src/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const issuesOf = (input: unknown) => {
  try {
    parseOrThrow(bookingPolicySchema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
};

describe('bookingPolicySchema', () => {
  it('fills in 30-minute meetings over the next 7 days, 2 hours ahead, no buffer, the owner’s calendar', () => {
    expect(parseOrThrow(bookingPolicySchema, {})).toEqual({ duration: 30 * MINUTE, window: 7 * DAY, buffer: 0, minNotice: 2 * HOUR, mode: 'owner' });
  });

  it('reads durations as ISO 8601 or shorthand, and keeps a step when one is given', () => {
    expect(parseOrThrow(bookingPolicySchema, { duration: 'PT45M', window: 'P14D', buffer: '10m', minNotice: '1d', mode: 'team', step: '15m' })).toEqual({
      duration: 45 * MINUTE,
      window: 14 * DAY,
      buffer: 10 * MINUTE,
      minNotice: DAY,
      mode: 'team',
      step: 15 * MINUTE,
    });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a meeting shorter than 5 minutes', { duration: '4m' }, 'duration', 'must be between 5m and 8h, such as 30m'],
    ['a meeting longer than 8 hours', { duration: '8h1m' }, 'duration', 'must be between 5m and 8h, such as 30m'],
    ['a meeting of part of a minute', { duration: '30m 30s' }, 'duration', 'must be a whole number of minutes, such as 30m'],
    ['a window longer than 90 days', { window: 'P91D' }, 'window', 'must be between 1h and 90d (P90D), such as P7D'],
    ['a buffer longer than 8 hours', { buffer: '9h' }, 'buffer', 'must be between 0m and 8h, such as 10m'],
    ['a step shorter than 5 minutes', { step: '1m' }, 'step', 'must be between 5m and 8h, such as 15m'],
    ['a step of part of a minute', { step: '90s' }, 'step', 'must be between 5m and 8h, such as 15m'],
    ['a step of seconds', { step: '10m 30s' }, 'step', 'must be a whole number of minutes, such as 15m'],
    ['an unknown mode', { mode: 'anyone' }, 'mode', 'must be "owner" (the lead’s owner’s calendar) or "team" (round robin across the team)'],
  ])('rejects %s, naming the field and what to write', (_, input, path, message) => {
    expect(issuesOf(input)).toEqual([{ path, message }]);
  });

  it('says what a duration looks like when the text is not one', () => {
    expect(issuesOf({ duration: 'half an hour' })).toEqual([{ path: 'duration', message: 'expected an ISO 8601 duration such as PT15M or a shorthand such as 15m' }]);
  });

  it('rejects a minimum notice that leaves no slot in the window', () => {
    expect(issuesOf({ window: 'P1D', minNotice: '23h45m' })).toEqual([
      {
        path: 'minNotice',
        message: 'leaves no slot to book: minNotice (23h 45m) plus duration (30m) must fit within window (1d); shorten minNotice or lengthen window',
      },
    ]);
    // Just fitting is fine.
    expect(parseOrThrow(bookingPolicySchema, { window: 'P1D', minNotice: '23h30m' }).minNotice).toBe(23.5 * HOUR);
  });

  it('rejects unknown fields', () => {
    expect(issuesOf({ length: '30m' })).toEqual([{ path: '', message: 'unknown field "length"' }]);
  });
});
