import type { RepId } from '../ids.ts';
import type { Strategy } from '../team.ts';
import type { RepFacts, ShareLedger } from './facts.ts';
import type { LoadWindow } from './routing-config.ts';

/** What a strategy needs besides the eligible reps. */
export interface StrategyOptions {
  /** `weighted_round_robin`: each rep's credit before this pick (missing reps start at 0). */
  readonly ledger: ShareLedger;
  /** `load_balanced`: the window whose assignment counts are compared. */
  readonly window: LoadWindow;
}

/** How a strategy rated one eligible rep: higher wins. */
export interface StrategyScore {
  readonly score: number;
  /** For people: "weight 2, 0.6 leads behind share", "3 leads this week", "7 of 10 free". */
  readonly detail: string;
}

/** The outcome of {@link pickByStrategy}. */
export interface StrategyPick {
  /** The rep who gets the lead, null when nobody is eligible. */
  readonly chosen: RepFacts | null;
  /** Every eligible rep's score, for the decision's candidate verdicts. */
  readonly scores: ReadonlyMap<RepId, StrategyScore>;
  /** One sentence for people: who was picked, on what grounds, and how a tie was broken. */
  readonly tieBreak: string;
  /**
   * `weighted_round_robin`: the credits to store for the next pick (a new map; every rep of
   * the input is kept). Null when there is nothing to store: other strategies, or nobody eligible.
   */
  readonly ledger: ShareLedger | null;
}

/**
 * A rep without a cap has unlimited free capacity. `most_available` compares it as `Infinity`
 * but reports this score, since decisions are stored as JSON, which has no `Infinity`.
 */
export const UNLIMITED_CAPACITY_SCORE = Number.MAX_SAFE_INTEGER;

const WINDOW_PHRASE = { day: 'today', week: 'this week', month: 'this month' } as const satisfies Record<LoadWindow, string>;

/**
 * Picks the rep who gets the lead among the eligible ones (from `judgeCandidates`, in
 * member order), by the team's strategy:
 *
 * - `round_robin`: longest since last assignment (never assigned first).
 * - `weighted_round_robin`: smooth weighted round robin (nginx's): each rep's credit grows by
 *   its weight, the highest credit wins and gives back the sum of the weights. A rep of weight 2
 *   gets twice the leads of a rep of weight 1, spread evenly. Its state is `options.ledger`.
 * - `load_balanced`: fewest leads in `options.window`.
 * - `most_available`: most free capacity (`cap - activeLeads`, no cap is unlimited), then
 *   fewest active leads.
 *
 * Ties go to the rep longest since last assignment, then to the first in member order.
 * Deterministic, and it does not change its inputs.
 *
 * @example
 * const { verdicts, eligible } = judgeCandidates(team.members, repOf, lead, requirement, exclusions);
 * const pick = pickByStrategy(team.strategy, eligible, { ledger, window: team.window });
 * if (pick.ledger) ledger = pick.ledger;
 */
export function pickByStrategy(strategy: Strategy, eligible: ReadonlyArray<RepFacts>, options: StrategyOptions): StrategyPick {
  if (eligible.length === 0) return { chosen: null, scores: new Map(), tieBreak: 'nobody eligible to pick from', ledger: null };
  switch (strategy) {
    case 'round_robin':
      return roundRobin(eligible);
    case 'weighted_round_robin':
      return smoothWeightedRoundRobin(eligible, options.ledger);
    case 'load_balanced':
      return loadBalanced(eligible, options.window);
    case 'most_available':
      return mostAvailable(eligible);
  }
}

function roundRobin(eligible: ReadonlyArray<RepFacts>): StrategyPick {
  const n = eligible.length;
  // Scores in assignments: how long before the newest last assignment among the eligible reps
  // each one's came; never-assigned reps one more than the oldest. (The router's current
  // sequence number is not known here, only the reps' last ones.)
  let newest = -Infinity;
  let oldest = Infinity;
  for (const rep of eligible) {
    if (rep.lastAssignmentSeq === null) continue;
    if (rep.lastAssignmentSeq > newest) newest = rep.lastAssignmentSeq;
    if (rep.lastAssignmentSeq < oldest) oldest = rep.lastAssignmentSeq;
  }
  const neverScore = newest === -Infinity ? 0 : newest - oldest + 1;
  const primary = new Float64Array(n);
  const scores = new Map<RepId, StrategyScore>();
  for (let i = 0; i < n; i++) {
    const seq = eligible[i]!.lastAssignmentSeq;
    primary[i] = seq === null ? Infinity : -seq;
    scores.set(eligible[i]!.repId, { score: seq === null ? neverScore : newest - seq, detail: lastAssignment(eligible[i]!) });
  }
  const b = best(eligible, primary, null);
  const chosen = eligible[b]!;
  const tieBreak = `round robin picked ${chosen.name}: longest since last assignment (${lastAssignment(chosen)}${tieNote(eligible, primary, null, b, '')})`;
  return { chosen, scores, tieBreak, ledger: null };
}

function smoothWeightedRoundRobin(eligible: ReadonlyArray<RepFacts>, ledger: ShareLedger): StrategyPick {
  const n = eligible.length;
  let total = 0;
  for (const rep of eligible) total += rep.weight;
  const credit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rep = eligible[i]!;
    // A rep keeps its credit while it is not eligible (away, capped, lacking a tag), so it
    // neither piles up credit for a flood when it returns nor loses its place. But that credit
    // was earned against another team make-up and can be far out of range for this one: owed
    // 30 in a team of total weight 40 (under a lead), it would win the next 15 leads in a row
    // against one other rep of weight 1. With the eligible set fixed, credits stay above -W
    // and hardly ever pass W (at most 1.125 W for up to 8 reps of weights 1 to 5; see
    // strategy-properties.test.ts), so clamping into [-W, W] holds a returning rep's head
    // start or debt to about one lead. On a steady team it seldom trims anything, and then a
    // fraction of a lead: the worst share deviation stays nginx's and does not grow over time.
    const prior = Math.min(total, Math.max(-total, ledger.get(rep.repId) ?? 0));
    credit[i] = prior + rep.weight;
  }
  const b = best(eligible, credit, null);
  const next = new Map(ledger);
  const scores = new Map<RepId, StrategyScore>();
  for (let i = 0; i < n; i++) {
    const rep = eligible[i]!;
    next.set(rep.repId, i === b ? credit[i]! - total : credit[i]!);
    scores.set(rep.repId, { score: credit[i]!, detail: shareDetail(rep.weight, credit[i]!, total) });
  }
  const chosen = eligible[b]!;
  const tieBreak = `smooth weighted round robin picked ${chosen.name} (${scores.get(chosen.repId)!.detail}${tieNote(eligible, credit, null, b, '')})`;
  return { chosen, scores, tieBreak, ledger: next };
}

function loadBalanced(eligible: ReadonlyArray<RepFacts>, window: LoadWindow): StrategyPick {
  const n = eligible.length;
  const primary = new Float64Array(n);
  const scores = new Map<RepId, StrategyScore>();
  for (let i = 0; i < n; i++) {
    const count = eligible[i]!.assigned[window];
    // 0 - count, not -count: a score of -0 would read oddly and compare unequal in tests.
    primary[i] = 0 - count;
    scores.set(eligible[i]!.repId, { score: primary[i]!, detail: `${leads(count)} ${WINDOW_PHRASE[window]}` });
  }
  const b = best(eligible, primary, null);
  const chosen = eligible[b]!;
  const count = chosen.assigned[window];
  const tieBreak = `load balancing picked ${chosen.name}: fewest leads ${WINDOW_PHRASE[window]} (${count}${tieNote(eligible, primary, null, b, '')})`;
  return { chosen, scores, tieBreak, ledger: null };
}

function mostAvailable(eligible: ReadonlyArray<RepFacts>): StrategyPick {
  const n = eligible.length;
  const free = new Float64Array(n);
  const fewestActive = new Float64Array(n);
  const scores = new Map<RepId, StrategyScore>();
  for (let i = 0; i < n; i++) {
    const rep = eligible[i]!;
    free[i] = rep.cap === null ? Infinity : rep.cap - rep.activeLeads;
    fewestActive[i] = -rep.activeLeads;
    scores.set(rep.repId, { score: rep.cap === null ? UNLIMITED_CAPACITY_SCORE : free[i]!, detail: capacity(rep) });
  }
  const b = best(eligible, free, fewestActive);
  const chosen = eligible[b]!;
  const tieBreak = `most available picked ${chosen.name}: most free capacity (${capacity(chosen)}${tieNote(eligible, free, fewestActive, b, 'fewest active leads')})`;
  return { chosen, scores, tieBreak, ledger: null };
}

/** The index of the winner: highest primary, then highest secondary, then the common tie-break. */
function best(eligible: ReadonlyArray<RepFacts>, primary: Float64Array, secondary: Float64Array | null): number {
  let b = 0;
  for (let i = 1; i < eligible.length; i++) {
    if (primary[i] !== primary[b]) {
      if (primary[i]! > primary[b]!) b = i;
    } else if (secondary !== null && secondary[i] !== secondary[b]) {
      if (secondary[i]! > secondary[b]!) b = i;
    } else if (waitedLonger(eligible[i]!, eligible[b]!)) {
      b = i;
    }
    // Otherwise the earlier member keeps the lead: member order is the last tie-break.
  }
  return b;
}

// Strictly longer since the last assignment; never assigned is longest.
function waitedLonger(a: RepFacts, b: RepFacts): boolean {
  if (a.lastAssignmentSeq === b.lastAssignmentSeq) return false;
  if (a.lastAssignmentSeq === null) return true;
  if (b.lastAssignmentSeq === null) return false;
  return a.lastAssignmentSeq < b.lastAssignmentSeq;
}

/** "; tied with Li, longest since last assignment" when others scored the same as the winner. */
function tieNote(eligible: ReadonlyArray<RepFacts>, primary: Float64Array, secondary: Float64Array | null, b: number, secondaryReason: string): string {
  let tied = 0;
  let other = '';
  // What it took to beat every tied rep: 1 the secondary score, 2 the last assignment, 3 member order.
  let decidedBy = 0;
  const winner = eligible[b]!;
  for (let i = 0; i < eligible.length; i++) {
    if (i === b || primary[i] !== primary[b]) continue;
    tied++;
    other = eligible[i]!.name;
    const level = secondary !== null && secondary[i] !== secondary[b] ? 1 : eligible[i]!.lastAssignmentSeq !== winner.lastAssignmentSeq ? 2 : 3;
    if (level > decidedBy) decidedBy = level;
  }
  if (tied === 0) return '';
  const how = decidedBy === 1 ? secondaryReason : decidedBy === 2 ? 'longest since last assignment' : 'first in member order';
  return `; tied with ${tied === 1 ? other : `${tied} others`}, ${how}`;
}

function lastAssignment(rep: RepFacts): string {
  return rep.lastAssignmentSeq === null ? 'never assigned' : `last assignment #${rep.lastAssignmentSeq}`;
}

/** "weight 2, 0.6 leads behind share": the credit in leads, counting the lead being routed. */
function shareDetail(weight: number, credit: number, total: number): string {
  const inLeads = total > 0 ? credit / total : 0;
  const rounded = Math.round(Math.abs(inLeads) * 10) / 10;
  if (rounded === 0) return `weight ${weight}, on share`;
  return `weight ${weight}, ${rounded} ${rounded === 1 ? 'lead' : 'leads'} ${inLeads > 0 ? 'behind' : 'ahead of'} share`;
}

function leads(count: number): string {
  return `${count} ${count === 1 ? 'lead' : 'leads'}`;
}

function capacity(rep: RepFacts): string {
  return rep.cap === null ? `no cap, ${rep.activeLeads} active` : `${rep.cap - rep.activeLeads} of ${rep.cap} free`;
}
