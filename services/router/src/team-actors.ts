import type { LeadId, TeamId } from '@switchboard/core';
import { Mailboxes } from './mailboxes.ts';
import { type WaitingPlace, WaitingLine } from './waiting-line.ts';

/** A waiting lead's place, and the team whose line it is in (null: no team — no rule matched, or a queue outside any team). */
export interface TeamWaitingPlace extends WaitingPlace {
  readonly teamId: TeamId | null;
}

/**
 * The team actors: each team is the single writer of its strategy state (round-robin order,
 * weighted-round-robin credits, load-balanced counts), of its decisions and of its waiting line.
 *
 * - A team's decisions run one at a time in its decision mailbox, from reading the strategy state
 *   through sending the offer (not through the rep's answer: a rep slow to answer holds up nobody).
 * - A team's waiting line is retried in passes, one pass of that team at a time, so its leads are
 *   offered in line order and none is taken up by two passes. Other teams' passes go on
 *   meanwhile: a team whose rep is slow to answer doesn't hold up another team's line.
 */
export class TeamActors {
  readonly #decisions = new Mailboxes<TeamId>();
  readonly #passes = new Mailboxes<TeamId | null>();
  readonly #lines = new Map<TeamId | null, WaitingLine<TeamWaitingPlace>>();
  /** Which line each waiting lead is in. */
  readonly #lineOf = new Map<LeadId, TeamId | null>();

  /** Runs one of the team's decisions once its earlier ones are done. */
  decide<T>(teamId: TeamId, work: () => Promise<T>): Promise<T> {
    return this.#decisions.run(teamId, work);
  }

  /** Puts a waiting lead in its team's line, moves it when its team changed, or takes it out (undefined: it stopped waiting). */
  place(id: LeadId, place: TeamWaitingPlace | undefined): void {
    const was = this.#lineOf.get(id);
    if (was !== undefined && (place === undefined || place.teamId !== was)) {
      const line = this.#lines.get(was);
      line?.delete(id);
      if (line?.size === 0) this.#lines.delete(was);
      this.#lineOf.delete(id);
    }
    if (place === undefined) return;
    let line = this.#lines.get(place.teamId);
    if (!line) {
      line = new WaitingLine<TeamWaitingPlace>();
      this.#lines.set(place.teamId, line);
    }
    line.set(place);
    this.#lineOf.set(id, place.teamId);
  }

  /** The line a waiting lead is in, if it is waiting. */
  lineOf(id: LeadId): TeamId | null | undefined {
    return this.#lineOf.get(id);
  }

  /** Teams (and null, for leads of no team) with leads waiting. */
  teamsWithLines(): ReadonlyArray<TeamId | null> {
    return [...this.#lines.keys()];
  }

  /**
   * Runs a retry pass over a team's line, in line order (highest priority first, then oldest),
   * after that team's earlier passes.
   */
  pass(teamId: TeamId | null, work: (line: ReadonlyArray<TeamWaitingPlace>) => Promise<void>): Promise<void> {
    return this.#passes.run(teamId, () => work(this.#lines.get(teamId)?.ordered() ?? []));
  }

  /** How many leads wait, in every line. */
  get waiting(): number {
    return this.#lineOf.size;
  }

  /** Since when (epoch ms) the longest-waiting lead of any line has waited, or null. */
  oldestSince(): number | null {
    let oldest: number | null = null;
    for (const line of this.#lines.values()) {
      const since = line.oldestSince();
      if (since !== null && (oldest === null || since < oldest)) oldest = since;
    }
    return oldest;
  }
}
