import type { AssignmentCounts, RepId } from '@switchboard/core';

/** Starts of the current UTC day, week (Monday) and month containing `at`. */
export function windowStarts(at: number): { day: number; week: number; month: number } {
  const date = new Date(at);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  return { day, week: day - weekday * 86_400_000, month: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) };
}

interface Tally {
  starts: { day: number; week: number; month: number };
  counts: { day: number; week: number; month: number };
}

/**
 * Leads each rep took in the current UTC day, week and month, for `load_balanced`.
 * Seeded from the assignments table at start, then counted in memory as leads are assigned;
 * a window that rolled over starts again from zero.
 */
export class AssignmentCounter {
  readonly #tallies = new Map<RepId, Tally>();

  /** Seeds a rep's counts as of `at` (from the store). */
  seed(repId: RepId, counts: AssignmentCounts, at: number): void {
    this.#tallies.set(repId, { starts: windowStarts(at), counts: { ...counts } });
  }

  record(repId: RepId, at: number): void {
    const tally = this.#current(repId, at);
    tally.counts.day += 1;
    tally.counts.week += 1;
    tally.counts.month += 1;
  }

  /** Takes back a `record` of the same moment (an offer the rep declined). */
  unrecord(repId: RepId, at: number): void {
    const tally = this.#current(repId, at);
    tally.counts.day = Math.max(0, tally.counts.day - 1);
    tally.counts.week = Math.max(0, tally.counts.week - 1);
    tally.counts.month = Math.max(0, tally.counts.month - 1);
  }

  countsOf(repId: RepId, at: number): AssignmentCounts | undefined {
    return this.#tallies.has(repId) ? this.#current(repId, at).counts : undefined;
  }

  #current(repId: RepId, at: number): Tally {
    let tally = this.#tallies.get(repId);
    if (!tally) {
      tally = { starts: windowStarts(at), counts: { day: 0, week: 0, month: 0 } };
      this.#tallies.set(repId, tally);
      return tally;
    }
    // Cheap on the hot path: only a new day can have rolled a window over.
    if (at >= tally.starts.day + 86_400_000 || at < tally.starts.day) {
      const starts = windowStarts(at);
      tally.counts = {
        day: 0,
        week: starts.week === tally.starts.week ? tally.counts.week : 0,
        month: starts.month === tally.starts.month ? tally.counts.month : 0,
      };
      tally.starts = starts;
    }
    return tally;
  }
}
