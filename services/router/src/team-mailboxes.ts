import type { TeamId } from '@switchboard/core';

/**
 * One mailbox per team: the team's routing decisions run one at a time, each from reading the
 * team's strategy state (round-robin order, weighted-round-robin credits, load-balanced counts)
 * through the offer to its rep and the write of the new state. Two leads of one team no longer
 * read the same credits, both await their offers, and write back over each other: with 16
 * concurrent clients that race put reps 9 leads off their weighted share.
 *
 * Teams don't wait for each other: a team waiting for its rep's answer holds only its own
 * mailbox. A rep in several teams is offered leads by each; its own actor's mailbox keeps its caps.
 */
export class TeamMailboxes {
  readonly #tails = new Map<TeamId, Promise<unknown>>();

  /** Runs `work` once every earlier decision of `teamId` has settled, and before any later one. */
  run<T>(teamId: TeamId, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(teamId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    this.#tails.set(teamId, settled);
    void settled.then(() => {
      if (this.#tails.get(teamId) === settled) this.#tails.delete(teamId);
    });
    return next;
  }

  /** Teams with a decision queued or running. */
  get busy(): number {
    return this.#tails.size;
  }
}
