import gammainc from '@stdlib/math-base-special-gammainc';

/**
 * The chi-square distribution's survival function: the probability that a chi-square
 * variable with `degreesOfFreedom` degrees of freedom is at least `statistic`, i.e. the
 * p-value of a chi-square test. It is the regularized upper incomplete gamma function
 * Q(k/2, x/2), computed directly (not as 1 − CDF) so that small p-values keep their digits.
 *
 * @example
 * chiSquareSurvival(3.841, 1); // ≈ 0.05
 *
 * @throws RangeError if `degreesOfFreedom` is not a positive integer or `statistic` is negative or not a number.
 */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  if (!Number.isInteger(degreesOfFreedom) || degreesOfFreedom < 1) {
    throw new RangeError(`degreesOfFreedom must be a whole number ≥ 1, got ${degreesOfFreedom}`);
  }
  if (!(statistic >= 0)) throw new RangeError(`statistic must be a number ≥ 0, got ${statistic}`);
  if (statistic === Number.POSITIVE_INFINITY) return 0;
  return gammainc(statistic / 2, degreesOfFreedom / 2, true, true);
}

/** The outcome of a Pearson chi-square goodness-of-fit test. */
export interface ChiSquareTest {
  /** Σ (observed − expected)² / expected over the cells with expected > 0. */
  readonly statistic: number;
  /** Cells with expected > 0, minus one; 0 when there is nothing to test. */
  readonly degreesOfFreedom: number;
  /** P(χ² ≥ statistic) under the expected distribution; null when `degreesOfFreedom` is 0. */
  readonly pValue: number | null;
  /** Some tested cell expects fewer than 5: the chi-square approximation is then unreliable. */
  readonly lowExpectedCounts: boolean;
}

/** Expected counts below this make the chi-square approximation unreliable (Cochran's rule of thumb). */
export const MIN_RELIABLE_EXPECTED_COUNT = 5;

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against expected counts
 * (which should add up to the same total). Cells expecting nothing are left out: they
 * can't be tested, and a count there says the expectation was wrong, not unlucky.
 *
 * @example
 * chiSquareGoodnessOfFit([18, 12], [20, 10]); // { statistic: 0.6, degreesOfFreedom: 1, pValue: ≈0.44, ... }
 */
export function chiSquareGoodnessOfFit(observed: ReadonlyArray<number>, expected: ReadonlyArray<number>): ChiSquareTest {
  if (observed.length !== expected.length) {
    throw new RangeError(`observed and expected must have the same length, got ${observed.length} and ${expected.length}`);
  }
  let statistic = 0;
  let cells = 0;
  let lowExpectedCounts = false;
  expected.forEach((e, i) => {
    if (!(e > 0)) return;
    const o = observed[i] as number;
    statistic += ((o - e) * (o - e)) / e;
    cells += 1;
    if (e < MIN_RELIABLE_EXPECTED_COUNT) lowExpectedCounts = true;
  });
  const degreesOfFreedom = Math.max(0, cells - 1);
  return {
    statistic,
    degreesOfFreedom,
    pValue: degreesOfFreedom === 0 ? null : chiSquareSurvival(statistic, degreesOfFreedom),
    lowExpectedCounts,
  };
}
