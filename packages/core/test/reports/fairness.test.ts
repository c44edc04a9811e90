import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFairness, fairnessCsv, type FairnessRepInput, formatPValue } from '../../src/index.ts';

const H = 3_600_000;
const PERIOD = { from: 0, to: 10 * H };
const always = [{ from: 0, to: 10 * H }];
const rep = (name: string, weight: number, assignments: number, eligible = always): FairnessRepInput => ({ repId: `id-${name}`, name, weight, assignments, eligible });

describe('computeFairness', () => {
  it('expects shares by weight when every rep was eligible all along', () => {
    const report = computeFairness({ ...PERIOD, reps: [rep('Li', 1, 10), rep('Sarah', 2, 20)] });
    expect(report.reps).toEqual([
      { repId: 'id-Li', name: 'Li', weight: 1, eligibleSeconds: 36_000, assignments: 10, expectedShare: 1 / 3, actualShare: 1 / 3, expected: 10, deviation: 0 },
      { repId: 'id-Sarah', name: 'Sarah', weight: 2, eligibleSeconds: 36_000, assignments: 20, expectedShare: 2 / 3, actualShare: 2 / 3, expected: 20, deviation: 0 },
    ]);
    expect(report.test).toEqual({ statistic: 0, degreesOfFreedom: 1, pValue: 1, lowExpectedCounts: false, verdict: 'consistent with the weights (p = 1.00)' });
  });

  it.each([
    {
      name: 'a rep away half the period expects half as much at the same weight',
      reps: [rep('Li', 1, 20), rep('Tom', 1, 10, [{ from: 5 * H, to: 10 * H }])],
      expected: [20, 10],
      verdict: 'consistent with the weights (p = 1.00)',
    },
    {
      name: 'weight 2 for half the time equals weight 1 all along',
      reps: [rep('Li', 1, 12), rep('Sarah', 2, 8, [{ from: 0, to: 5 * H }])],
      expected: [10, 10],
      verdict: 'consistent with the weights (p = 0.37)',
    },
    {
      name: 'a lopsided split of equal weights departs from them',
      reps: [rep('Li', 1, 25), rep('Tom', 1, 5)],
      expected: [15, 15],
      verdict: 'departs from the weights (p < 0.001)',
    },
    {
      name: 'eligible time outside the period does not count',
      reps: [rep('Li', 1, 6, [{ from: -5 * H, to: 5 * H }]), rep('Tom', 1, 6, [{ from: 5 * H, to: 20 * H }])],
      expected: [6, 6],
      verdict: 'consistent with the weights (p = 1.00)',
    },
  ])('$name', ({ reps, expected, verdict }) => {
    const report = computeFairness({ ...PERIOD, reps });
    expect(report.reps.map((r) => r.expected)).toEqual(expected.map((e) => expect.closeTo(e, 9)));
    expect(report.test.verdict).toBe(verdict);
  });

  it('tests only the reps expected to get leads, and says so when nothing can be tested', () => {
    const oneEligible = computeFairness({ ...PERIOD, reps: [rep('Li', 1, 5), rep('Tom', 1, 0, [])] });
    expect(oneEligible.reps[1]).toMatchObject({ eligibleSeconds: 0, expectedShare: 0, expected: 0, deviation: 0 });
    expect(oneEligible.test).toMatchObject({ degreesOfFreedom: 0, pValue: null, verdict: 'nothing to test: fewer than two reps were eligible in the period' });

    const none = computeFairness({ ...PERIOD, reps: [rep('Li', 1, 0), rep('Tom', 1, 0)] });
    expect(none.reps.map((r) => [r.actualShare, r.expected])).toEqual([[0, 0], [0, 0]]);
    expect(none.test).toMatchObject({ pValue: null, verdict: 'nothing to test: no leads were assigned in the period' });

    const nobodyEligible = computeFairness({ ...PERIOD, reps: [rep('Li', 1, 3, []), rep('Tom', 1, 0, [])] });
    expect(nobodyEligible.reps.map((r) => r.expectedShare)).toEqual([0, 0]);
    expect(nobodyEligible.reps[0]?.deviation).toBe(3);
  });

  it('flags expected counts below 5, where the test is unreliable', () => {
    expect(computeFairness({ ...PERIOD, reps: [rep('Li', 1, 3), rep('Tom', 1, 3)] }).test.lowExpectedCounts).toBe(true);
    expect(computeFairness({ ...PERIOD, reps: [rep('Li', 1, 5), rep('Tom', 1, 5)] }).test.lowExpectedCounts).toBe(false);
  });

  const repsArbitrary = fc.array(
    fc.record({
      weight: fc.integer({ min: 1, max: 5 }),
      assignments: fc.integer({ min: 0, max: 200 }),
      eligible: fc.array(fc.tuple(fc.integer({ min: -2, max: 12 }), fc.integer({ min: 0, max: 6 })), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 8 },
  ).map((reps) =>
    reps.map((r, i) => rep(`r${i}`, r.weight, r.assignments, r.eligible.map(([start, length]) => ({ from: start * H, to: (start + length) * H })))),
  );

  it('expects as many leads in all as were assigned, so the deviations cancel out', () => {
    fc.assert(
      fc.property(repsArbitrary, (reps) => {
        const report = computeFairness({ ...PERIOD, reps });
        const total = reps.reduce((s, r) => s + r.assignments, 0);
        const anyEligible = report.reps.some((r) => r.eligibleSeconds > 0);
        const sum = (f: (r: (typeof report.reps)[number]) => number) => report.reps.reduce((s, r) => s + f(r), 0);
        if (anyEligible) {
          expect(sum((r) => r.expectedShare)).toBeCloseTo(1, 9);
          expect(sum((r) => r.expected)).toBeCloseTo(total, 6);
          expect(sum((r) => r.deviation)).toBeCloseTo(0, 6);
        }
        for (const r of report.reps) {
          expect(r.eligibleSeconds).toBeGreaterThanOrEqual(0);
          expect(r.eligibleSeconds).toBeLessThanOrEqual(10 * 3600);
        }
        if (report.test.pValue !== null) {
          expect(report.test.pValue).toBeGreaterThanOrEqual(0);
          expect(report.test.pValue).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('gives the same report when every weight is scaled by the same factor', () => {
    fc.assert(
      fc.property(repsArbitrary, fc.integer({ min: 2, max: 7 }), (reps, factor) => {
        const base = computeFairness({ ...PERIOD, reps });
        const scaled = computeFairness({ ...PERIOD, reps: reps.map((r) => ({ ...r, weight: r.weight * factor })) });
        scaled.reps.forEach((r, i) => expect(r.expected).toBeCloseTo(base.reps[i]?.expected as number, 6));
        expect(scaled.test.verdict).toBe(base.test.verdict);
      }),
    );
  });
});

describe('formatPValue', () => {
  it.each([
    [0.6213, 'p = 0.62'],
    [0.05, 'p = 0.05'],
    [0.0031, 'p = 0.003'],
    [0.0004, 'p < 0.001'],
  ])('writes %s as "%s"', (p, text) => {
    expect(formatPValue(p)).toBe(text);
  });
});

describe('fairnessCsv', () => {
  it('writes one line per rep with the JSON field names, rounded, quoting names that need it', () => {
    const report = computeFairness({ ...PERIOD, reps: [rep('Chen, Sarah', 2, 7), rep('=Li', 1, 2)] });
    expect(fairnessCsv(report.reps)).toBe(
      'repId,name,weight,eligibleSeconds,assignments,expectedShare,actualShare,expected,deviation\r\n' +
        '"id-Chen, Sarah","Chen, Sarah",2,36000,7,0.666667,0.777778,6,1\r\n' +
        "id-=Li,'=Li,1,36000,2,0.333333,0.222222,3,-1\r\n",
    );
  });
});
