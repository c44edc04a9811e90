import { getMicrosteps, initialTransition, type SnapshotFrom } from 'xstate';
import type { LeadEvent, LeadInput, LeadLifecycleEmit } from './lead-machine.ts';
import { leadMachine } from './lead-machine.ts';

/** A lead's state between steps: XState's snapshot, immutable. */
export type LeadSnapshot = SnapshotFrom<typeof leadMachine>;

/** One line of the lead's lifecycle log, as a transition of the machine emitted it. */
export interface LeadLogEntry extends LeadLifecycleEmit {
  /** The state the microstep left. */
  readonly from: string;
  /** The state it entered. */
  readonly to: string;
}

const EMIT = 'xstate.emit';

/** The snapshot of a lead that has just been received, before its first step. */
export function newLeadSnapshot(input: LeadInput): LeadSnapshot {
  return initialTransition(leadMachine, input)[0];
}

/**
 * A lead's next state worked out without touching the state it started from: each event is a
 * pure transition (XState's `getMicrosteps`), and every lifecycle event the machine emits on the
 * way is kept with the states of the microstep that emitted it. Nothing is adopted until the
 * caller has persisted it; a step that fails to persist is simply dropped.
 *
 * `getSnapshot`/`send`/`can` mirror an actor's, so code that drives a lead (the routing step)
 * doesn't know it holds a draft.
 */
export class LeadDraft {
  #snapshot: LeadSnapshot;
  readonly #log: LeadLogEntry[] = [];

  constructor(start: LeadSnapshot) {
    this.#snapshot = start;
  }

  getSnapshot(): LeadSnapshot {
    return this.#snapshot;
  }

  /** The lifecycle events emitted so far, in order. */
  get log(): ReadonlyArray<LeadLogEntry> {
    return this.#log;
  }

  can(event: LeadEvent): boolean {
    return this.#snapshot.can(event);
  }

  send(event: LeadEvent): void {
    for (const [next, actions] of getMicrosteps(leadMachine, this.#snapshot, event)) {
      const from = String(this.#snapshot.value);
      // Named `emit` actions (logTouch, ...) reach here as XState's own `xstate.emit`, which its types don't list.
      for (const action of actions as ReadonlyArray<{ readonly type: string; readonly params: unknown }>) {
        if (action.type !== EMIT) continue;
        const emitted = (action.params as { event: LeadLifecycleEmit }).event;
        this.#log.push({ ...emitted, from, to: String(next.value) });
      }
      this.#snapshot = next;
    }
  }
}
