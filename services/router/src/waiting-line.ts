import type { LeadId } from '@switchboard/core';

/** What the line orders a waiting lead by. */
export interface WaitingPlace {
  readonly id: LeadId;
  readonly priority: number;
  readonly receivedAt: number;
  readonly waitingSince: number | null;
}

/**
 * The leads waiting for a rep, in the order they are offered again: highest priority first, then
 * the oldest. The order is worked out when asked for and kept until the line changes, so a burst
 * of leads joining costs one sort, not one per lead.
 */
export class WaitingLine<T extends WaitingPlace> {
  readonly #members = new Map<LeadId, T>();
  #ordered: T[] | undefined = [];

  /** Puts a lead in the line, or updates its place. */
  set(member: T): void {
    this.#members.set(member.id, member);
    this.#ordered = undefined;
  }

  delete(id: LeadId): void {
    if (this.#members.delete(id)) this.#ordered = undefined;
  }

  get(id: LeadId): T | undefined {
    return this.#members.get(id);
  }

  get size(): number {
    return this.#members.size;
  }

  /** The line in order; a copy, safe to walk while the line changes. */
  ordered(): ReadonlyArray<T> {
    this.#ordered ??= [...this.#members.values()].sort((a, b) => b.priority - a.priority || a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
    return this.#ordered;
  }

  /** Since when (epoch ms) the longest-waiting lead has waited, or null for an empty line. */
  oldestSince(): number | null {
    let oldest: number | null = null;
    for (const member of this.#members.values()) {
      if (member.waitingSince !== null && (oldest === null || member.waitingSince < oldest)) oldest = member.waitingSince;
    }
    return oldest;
  }
}
