import { describe, expect, it } from 'vitest';
import { createRepSchema, leadIntakeSchema, parseOrThrow, ValidationError } from '../src/index.ts';

describe('lead intake schema', () => {
  it('accepts a minimal lead and keeps typed attributes', () => {
    const lead = parseOrThrow(leadIntakeSchema, { email: 'ana@acme.io', attributes: { score: 87, country: 'DE', vip: true } });
    expect(lead).toEqual({ email: 'ana@acme.io', attributes: { score: 87, country: 'DE', vip: true } });
  });

  it.each([
    [{}, 'email'],
    [{ email: 'not-an-email' }, 'email: must be an email address'],
    [{ email: 'a@b.io', company: 42 }, 'company'],
    [{ email: 'a@b.io', attributes: { nested: { x: 1 } } }, 'attributes.nested'],
    [{ email: 'a@b.io', externalId: '' }, 'externalId: must not be empty'],
  ])('rejects %j naming the field (%s)', (input, expected) => {
    let error: unknown;
    try {
      parseOrThrow(leadIntakeSchema, input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(expected);
  });

  it('rejects unknown top-level fields (usually typos)', () => {
    const result = leadIntakeSchema.safeParse({ email: 'a@b.io', emial: 'x' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('rep schema', () => {
  it('fills defaults', () => {
    expect(parseOrThrow(createRepSchema, { name: 'Sarah Chen', email: 'sarah@example.com' })).toEqual({
      name: 'Sarah Chen',
      email: 'sarah@example.com',
      timezone: 'UTC',
      weight: 1,
      cap: null,
      tags: [],
      caps: {},
      workingHours: null,
      holidays: [],
      outOfOffice: [],
      managerId: null,
    });
  });

  it('rejects an unknown time zone with the fix', () => {
    expect(() => parseOrThrow(createRepSchema, { name: 'S', email: 's@x.io', timezone: 'Mars/Olympus' })).toThrow(
      'timezone: unknown time zone "Mars/Olympus"; use an IANA name such as "Europe/Berlin" or "UTC"',
    );
  });

  it('rejects a zero weight', () => {
    expect(() => parseOrThrow(createRepSchema, { name: 'S', email: 's@x.io', weight: 0 })).toThrow('weight: must be greater than 0');
  });
});
