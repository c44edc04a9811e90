import { type AnyActorScope, createActor, type SnapshotFrom } from 'xstate';
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

interface ExecutedAction {
  readonly type: string;
  readonly params: unknown;
}

/**
 * What XState's pure `transition`/`getMicrosteps` do, without their cost: each call of those builds
 * a throwaway actor (and works out the machine's initial state for it) to serve as the actor
 * scope, which made a lead's step 5–6 times dearer than on a live actor. The lead machine spawns
 * nothing and has no delays, so one inert scope serves every step: actions are collected instead
 * of run, and each microstep is told through the system's inspection hook, which XState calls once
 * the microstep's actions have been collected. Steps are synchronous, so the scope is never shared
 * by two at once.
 */
const scope = (() => {
  const self = createActor(leadMachine, { input: { leadId: '' as never } });
  const system = Object.create(self.system) as typeof self.system & { _sendInspectionEvent: (event: { type: string; snapshot?: unknown }) => void };
  let actions: ExecutedAction[] = [];
  let microsteps: Array<{ readonly snapshot: LeadSnapshot; readonly actions: ReadonlyArray<ExecutedAction> }> = [];
  system._sendInspectionEvent = (event) => {
    if (event.type !== '@xstate.microstep') return;
    microsteps.push({ snapshot: event.snapshot as LeadSnapshot, actions });
    actions = [];
  };
  const actorScope = {
    self,
    id: '',
    sessionId: '',
    system,
    logger: () => {},
    defer: () => {},
    emit: () => {},
    stopChild: () => {},
    actionExecutor: (action: ExecutedAction) => {
      actions.push(action);
    },
  } as unknown as AnyActorScope;
  return {
    /** The microsteps `event` takes from `snapshot`, each with the actions it collected. */
    microsteps(snapshot: LeadSnapshot, event: LeadEvent) {
      actions = [];
      microsteps = [];
      leadMachine.transition(snapshot, event, actorScope);
      const taken = microsteps;
      microsteps = [];
      actions = [];
      return taken;
    },
    initial(input: LeadInput): LeadSnapshot {
      return leadMachine.getInitialSnapshot(actorScope, input);
    },
  };
})();

/** The snapshot of a lead that has just been received, before its first step. */
export function newLeadSnapshot(input: LeadInput): LeadSnapshot {
  return scope.initial(input);
}

/**
 * A lead's next state worked out without touching the state it started from: each event is a
 * pure transition, and every lifecycle event the machine emits on the way is kept with the states
 * of the microstep that emitted it. Nothing is adopted until the caller has persisted it; a step
 * that fails to persist is simply dropped.
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
    for (const step of scope.microsteps(this.#snapshot, event)) {
      const from = String(this.#snapshot.value);
      // Named `emit` actions (logTouch, ...) arrive as XState's own `xstate.emit`.
      for (const action of step.actions) {
        if (action.type !== EMIT) continue;
        const emitted = (action.params as { event: LeadLifecycleEmit }).event;
        this.#log.push({ ...emitted, from, to: String(step.snapshot.value) });
      }
      this.#snapshot = step.snapshot;
    }
  }
}
