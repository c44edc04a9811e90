import { type TimeInterval, intervalSeconds } from './available-intervals.ts';
import { type ChiSquareTest, chiSquareGoodnessOfFit } from './chi-square.ts';

/** One rep as the fairness report takes it. */
export interface FairnessRepInput {
  readonly repId: string;
  readonly name: string;
  readonly weight: number;
  /** When the rep could take leads (see `availableIntervals`); clipped to the period. */
  readonly eligible: ReadonlyArray<TimeInterval>;
  /** Leads assigned to the rep in the period. */
  readonly assignments: number;
}

/** What `computeFairness` takes. Times are epoch ms. */
export interface FairnessInput {
  readonly from: number;
  readonly to: number;
  readonly reps: ReadonlyArray<FairnessRepInput>;
  /** Below this p-value the distribution is said to depart from the weights. @default 0.05 */
  readonly significance?: number;
}

/** One rep's line of the fairness report. */
export interface FairnessRow {
  readonly repId: string;
  readonly name: string;
  readonly weight: number;
  /** Seconds of the period in which the rep was available. */
  readonly eligibleSeconds: number;
  readonly assignments: number;
  /** weight × eligible time, as a share of the sum over the report's reps (0 when nobody was eligible). */
  readonly expectedShare: number;
  /** The rep's share of the report's assignments (0 when there were none). */
  readonly actualShare: number;
  /** expectedShare × all assignments: the leads the rep should have had. */
  readonly expected: number;
  /** assignments − expected, in leads: positive is more than its share. */
  readonly deviation: number;
}

/** The chi-square test of the report, with a sentence for people. */
export interface FairnessTest extends ChiSquareTest {
  /** e.g. "consistent with the weights (p = 0.62)" or "departs from the weights (p = 0.003)". */
  readonly verdict: string;
}

/** The fairness report: each rep's assignments against its weighted, time-adjusted share. */
export interface FairnessReport {
  readonly reps: ReadonlyArray<FairnessRow>;
  readonly test: FairnessTest;
}

/**
 * Compares each rep's assignments in a period with its share by weight and eligible time,
 * and tests whether the distribution departs from the weights (Pearson's chi-square
 * goodness of fit over the reps expected to get any lead).
 *
 * The expected share assumes leads arrived evenly over the period: a rep available for half
 * of it, at weight 2, expects as much as a rep of weight 1 available throughout. Pure: no I/O.
 *
 * A smooth scheduler (weighted round robin) is more even than chance, so its p-values sit
 * near 1; a small p-value means the reps' counts are further from their shares than random
 * draws by weight would put them.
 */
export function computeFairness(input: FairnessInput): FairnessReport {
  const { from, to } = input;
  const significance = input.significance ?? 0.05;
  const clipped = input.reps.map((rep) => {
    const intervals = rep.eligible
      .map((i) => ({ from: Math.max(i.from, from), to: Math.min(i.to, to) }))
      .filter((i) => i.to > i.from);
    return { rep, eligibleSeconds: intervalSeconds(intervals) };
  });
  const totalAssignments = input.reps.reduce((sum, rep) => sum + rep.assignments, 0);
  const totalWeightedTime = clipped.reduce((sum, { rep, eligibleSeconds }) => sum + rep.weight * eligibleSeconds, 0);
  const reps = clipped.map(({ rep, eligibleSeconds }): FairnessRow => {
    const expectedShare = totalWeightedTime > 0 ? (rep.weight * eligibleSeconds) / totalWeightedTime : 0;
    const expected = expectedShare * totalAssignments;
    return {
      repId: rep.repId,
      name: rep.name,
      weight: rep.weight,
      eligibleSeconds,
      assignments: rep.assignments,
      expectedShare,
      actualShare: totalAssignments > 0 ? rep.assignments / totalAssignments : 0,
      expected,
      deviation: rep.assignments - expected,
    };
  });
  const test = chiSquareGoodnessOfFit(
    reps.map((r) => r.assignments),
    reps.map((r) => r.expected),
  );
  return { reps, test: { ...test, verdict: verdictOf(test, totalAssignments, significance) } };
}

function verdictOf(test: ChiSquareTest, totalAssignments: number, significance: number): string {
  if (test.pValue === null) {
    return totalAssignments === 0
      ? 'nothing to test: no leads were assigned in the period'
      : 'nothing to test: fewer than two reps were eligible in the period';
  }
  const p = formatPValue(test.pValue);
  return test.pValue < significance ? `departs from the weights (${p})` : `consistent with the weights (${p})`;
}

/**
 * A p-value as people read it: "p = 0.62", "p = 0.003", "p < 0.001".
 *
 * @example
 * formatPValue(0.0031); // "p = 0.003"
 */
export function formatPValue(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  if (p < 0.01) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toFixed(2)}`;
}
