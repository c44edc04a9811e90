import type { Rep, RepId, RepState } from '@switchboard/core';
import { repMachine } from '@switchboard/machines';
import type { RepLiveState } from '@switchboard/store';
import { type Actor, createActor } from 'xstate';

/** A rep actor and what the router keeps beside it. */
export interface RepEntry {
  readonly actor: Actor<typeof repMachine>;
  profile: Rep;
  /** Revision of the last live state handed to the store. */
  revision: number;
}

/**
 * The rep actors one router hosts: independent root actors in a map (many children
 * under one parent actor is quadratic in XState v5).
 */
export class RepActors {
  readonly #entries = new Map<RepId, RepEntry>();

  get size(): number {
    return this.#entries.size;
  }

  get(repId: RepId): RepEntry | undefined {
    return this.#entries.get(repId);
  }

  values(): IterableIterator<RepEntry> {
    return this.#entries.values();
  }

  /** Starts the actor of a rep from its stored row (its counters included). */
  load(rep: Rep, counters: { lastAssignmentSeq: number | null }): RepEntry {
    const actor = createActor(repMachine, {
      input: {
        repId: rep.id,
        name: rep.name,
        cap: rep.cap,
        available: rep.available,
        activeLeads: rep.activeLeads,
        lastAssignedAt: rep.lastAssignedAt?.getTime() ?? null,
        lastAssignmentSeq: counters.lastAssignmentSeq,
      },
    }).start();
    const entry: RepEntry = { actor, profile: rep, revision: rep.revision };
    this.#entries.set(rep.id, entry);
    return entry;
  }

  /** Applies a changed profile to a running actor; answers true if its state changed. */
  applyProfile(entry: RepEntry, rep: Rep): boolean {
    const before = entry.actor.getSnapshot().value;
    const context = entry.actor.getSnapshot().context;
    if (rep.name !== context.name) entry.actor.send({ type: 'RENAME', name: rep.name });
    if (rep.cap !== context.cap) entry.actor.send({ type: 'SET_CAP', cap: rep.cap });
    if (rep.available !== context.available) entry.actor.send({ type: 'SET_AVAILABLE', available: rep.available });
    entry.profile = rep;
    return entry.actor.getSnapshot().value !== before;
  }

  /** What the store keeps of a rep actor, as a new revision. */
  liveState(entry: RepEntry): RepLiveState {
    const snapshot = entry.actor.getSnapshot();
    entry.revision += 1;
    return {
      revision: entry.revision,
      repId: snapshot.context.repId,
      state: snapshot.value as RepState,
      activeLeads: snapshot.context.activeLeads,
      lastAssignedAt: snapshot.context.lastAssignedAt,
      lastAssignmentSeq: snapshot.context.lastAssignmentSeq,
    };
  }

  stopAll(): void {
    for (const entry of this.#entries.values()) entry.actor.stop();
    this.#entries.clear();
  }
}
