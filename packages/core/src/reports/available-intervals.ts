import { RepState } from '../rep.ts';

/** One entry of a rep's state log (`rep_events`): at `at` (epoch ms) it went from `from` to `to`. */
export interface RepStateChange {
  readonly at: number;
  readonly from: string | null;
  readonly to: string;
}

/** A half-open stretch of time [from, to), in epoch ms. */
export interface TimeInterval {
  readonly from: number;
  readonly to: number;
}

/** What `availableIntervals` reads of one rep. */
export interface RepStateHistory {
  /** When the rep was created (epoch ms): it has no state before. */
  readonly createdAt: number;
  /** The rep's state now, which it has had since `createdAt` if it never changed. */
  readonly currentState: string;
  /** The last change before the period, if any: the state the period starts in. */
  readonly priorChange: RepStateChange | null;
  /**
   * The changes from the start of the period on, oldest first. Those at or after its end
   * count only for the state before the first of them, so a store may pass the first later
   * change of a rep that did not change inside the period.
   */
  readonly changes: ReadonlyArray<RepStateChange>;
}

/**
 * The stretches of [from, to) in which a rep could take leads — `available`, and `busy` too
 * when `options.busyEligible` (its team lets reps in a meeting take leads) — from its state log. The state at the start of the period is the one
 * the last earlier change led to; without one, the state before the first change (a rep
 * starts as its repository created it), or the current state if it never changed.
 * Adjacent stretches are merged; none is empty.
 *
 * @example
 * availableIntervals({ createdAt: 0, currentState: 'away', priorChange: null,
 *   changes: [{ at: 60_000, from: 'available', to: 'away' }] }, 0, 120_000);
 * // [{ from: 0, to: 60_000 }]
 */
export function availableIntervals(history: RepStateHistory, from: number, to: number, options: { readonly busyEligible?: boolean } = {}): TimeInterval[] {
  const eligible = (state: string) => state === RepState.available || (options.busyEligible === true && state === RepState.busy);
  const first = history.changes[0];
  let state: string;
  let since: number;
  if (history.priorChange) {
    state = history.priorChange.to;
    since = history.priorChange.at;
  } else {
    // The log has no entry for the state a rep is created in; the first change names it.
    state = first ? (first.from ?? RepState.available) : history.currentState;
    since = history.createdAt;
  }
  const intervals: TimeInterval[] = [];
  const add = (start: number, end: number) => {
    const a = Math.max(start, from, history.createdAt);
    const b = Math.min(end, to);
    if (b <= a) return;
    const last = intervals[intervals.length - 1];
    if (last && last.to >= a) intervals[intervals.length - 1] = { from: last.from, to: Math.max(last.to, b) };
    else intervals.push({ from: a, to: b });
  };
  for (const change of history.changes) {
    if (change.at >= to) break;
    if (eligible(state)) add(since, change.at);
    state = change.to;
    since = Math.max(since, change.at);
  }
  if (eligible(state)) add(since, to);
  return intervals;
}

/** The total length of intervals, in seconds (overlaps counted once). */
export function intervalSeconds(intervals: ReadonlyArray<TimeInterval>): number {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  let total = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const { from, to } of sorted) {
    const start = Math.max(from, reach);
    if (to > start) total += to - start;
    reach = Math.max(reach, to);
  }
  return total / 1000;
}
