import { describe, expect, it } from 'vitest';
import { findUnstorableValue, MAX_NESTING, unstorableTextReason } from '../src/index.ts';

describe('storable text', () => {
  it('refuses NUL characters and lone surrogates, and takes whole characters', () => {
    expect(unstorableTextReason('Ac\u0000me')).toMatch(/NUL character/);
    expect(unstorableTextReason('a\ud800b')).toMatch(/lone UTF-16 surrogate/);
    expect(unstorableTextReason('a\udc00')).toMatch(/lone UTF-16 surrogate/);
    expect(unstorableTextReason('Café 🚀 株式会社')).toBeUndefined();
  });

  it('names the first problem in document order, keys included, with array indexes as numbers', () => {
    expect(findUnstorableValue({ email: 'a@b.io', company: 'x\u0000', attributes: { 'k\ud800': 1 } })).toEqual({ path: ['company'], message: expect.stringMatching(/NUL/) });
    expect(findUnstorableValue({ teams: [{ name: 'ok' }, { name: 'T\udc00' }] })).toEqual({ path: ['teams', 1, 'name'], message: expect.stringMatching(/surrogate/) });
    expect(findUnstorableValue({ attributes: { 'k\u0000': 1 } })?.message).toMatch(/^the field name contains a NUL/);
    expect(findUnstorableValue({ fine: ['yes', 1, null, { deeper: true }] })).toBeUndefined();
  });

  it(`refuses nesting past ${MAX_NESTING} levels, however deep, without exhausting the stack`, () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { not: deep };
    expect(findUnstorableValue(deep)?.message).toBe(`nests deeper than ${MAX_NESTING} levels; flatten it`);
    let shallow: unknown = 'bottom';
    for (let i = 0; i < MAX_NESTING; i++) shallow = [shallow];
    expect(findUnstorableValue(shallow)).toBeUndefined();
  });
});
