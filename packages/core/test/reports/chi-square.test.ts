import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareGoodnessOfFit, chiSquareSurvival } from '../../src/index.ts';

describe('chiSquareSurvival', () => {
  // Critical values from the standard chi-square table (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.4).
  it.each([
    { statistic: 3.841, dof: 1, p: 0.05 },
    { statistic: 6.635, dof: 1, p: 0.01 },
    { statistic: 2.706, dof: 1, p: 0.1 },
    { statistic: 10.828, dof: 1, p: 0.001 },
    { statistic: 5.991, dof: 2, p: 0.05 },
    { statistic: 7.815, dof: 3, p: 0.05 },
    { statistic: 11.345, dof: 3, p: 0.01 },
    { statistic: 18.307, dof: 10, p: 0.05 },
    { statistic: 9.342, dof: 10, p: 0.5 },
    { statistic: 43.773, dof: 30, p: 0.05 },
  ])('gives p ≈ $p for χ² = $statistic with $dof degree(s) of freedom', ({ statistic, dof, p }) => {
    expect(chiSquareSurvival(statistic, dof)).toBeCloseTo(p, 4);
  });

  it('is 1 at a statistic of 0 and 0 at infinity', () => {
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(chiSquareSurvival(Number.POSITIVE_INFINITY, 4)).toBe(0);
  });

  it('keeps the digits of very small p-values instead of rounding 1 − CDF to 0', () => {
    // Q(1/2, 50) = erfc(√50) ≈ 1.5240e-23
    const p = chiSquareSurvival(100, 1);
    expect(p).toBeGreaterThan(1.52e-23);
    expect(p).toBeLessThan(1.53e-23);
  });

  it('equals exp(−x/2) with 2 degrees of freedom, for any x', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500, noNaN: true }), (x) => {
        const expected = Math.exp(-x / 2);
        expect(Math.abs(chiSquareSurvival(x, 2) - expected)).toBeLessThanOrEqual(1e-12 + 1e-9 * expected);
      }),
    );
  });

  it('falls as the statistic grows and stays within [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true }), fc.integer({ min: 1, max: 60 }), (a, b, dof) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const pLo = chiSquareSurvival(lo, dof);
        const pHi = chiSquareSurvival(hi, dof);
        // Up to rounding: near 0 (subnormal statistics) the series gives 1 − 1e-16 as well as 1.
        expect(pLo).toBeGreaterThanOrEqual(pHi - 1e-12);
        expect(pHi).toBeGreaterThanOrEqual(0);
        expect(pLo).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('refuses degrees of freedom that are not a whole number ≥ 1, and a negative statistic', () => {
    expect(() => chiSquareSurvival(1, 0)).toThrow(new RangeError('degreesOfFreedom must be a whole number ≥ 1, got 0'));
    expect(() => chiSquareSurvival(1, 1.5)).toThrow(RangeError);
    expect(() => chiSquareSurvival(-1, 1)).toThrow(new RangeError('statistic must be a number ≥ 0, got -1'));
    expect(() => chiSquareSurvival(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('sums (observed − expected)² / expected and tests it with cells − 1 degrees of freedom', () => {
    const test = chiSquareGoodnessOfFit([18, 12], [20, 10]);
    expect(test.statistic).toBeCloseTo(0.6, 12);
    expect(test.degreesOfFreedom).toBe(1);
    expect(test.pValue).toBeCloseTo(0.4386, 4);
    expect(test.lowExpectedCounts).toBe(false);
  });

  it('leaves out cells that expect nothing, and flags expected counts below 5', () => {
    const test = chiSquareGoodnessOfFit([3, 1, 2], [2, 0, 4]);
    expect(test.statistic).toBeCloseTo(0.5 + 1, 12);
    expect(test.degreesOfFreedom).toBe(1);
    expect(test.lowExpectedCounts).toBe(true);
  });

  it('has no p-value when fewer than two cells expect anything', () => {
    expect(chiSquareGoodnessOfFit([5, 0], [5, 0])).toEqual({ statistic: 0, degreesOfFreedom: 0, pValue: null, lowExpectedCounts: false });
    expect(chiSquareGoodnessOfFit([], []).pValue).toBeNull();
  });

  it('refuses observed and expected counts of different lengths', () => {
    expect(() => chiSquareGoodnessOfFit([1], [1, 2])).toThrow(new RangeError('observed and expected must have the same length, got 1 and 2'));
  });
});
