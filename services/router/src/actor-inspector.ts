import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import type { InspectionEvent } from 'xstate';

/** Which kind of actor. */
export type ActorKind = 'lead' | 'rep';

/** One XState inspection event, as published for a watcher. */
export interface PublishedInspection {
  /** `@xstate.event`, `@xstate.snapshot`, `@xstate.action`, `@xstate.microstep` or `@xstate.actor`. */
  readonly type: InspectionEvent['type'];
  readonly kind: ActorKind;
  readonly id: string;
  readonly at: string;
  /** The event the actor received or reacted to. */
  readonly event?: unknown;
  /** For `@xstate.snapshot`: the state after the event. */
  readonly value?: unknown;
  readonly context?: unknown;
  readonly status?: string;
  /** For `@xstate.action`: the action that ran. */
  readonly action?: string;
  /** For `@xstate.microstep`: the transitions taken, as `source → target`. */
  readonly transitions?: ReadonlyArray<string>;
}

/** The longest a single request may watch an actor; watchers renew while they listen. */
export const MAX_WATCH_SECONDS = 300;

/**
 * Streams the XState inspection events of chosen actors onto the bus while someone
 * watches them. Every actor the router creates gets an observer from here; for actors
 * nobody watches (nearly always all of them) it costs one map lookup per event.
 */
export class ActorInspector {
  readonly #bus: Bus;
  readonly #subjects: Subjects;
  readonly #clock: () => number;
  /** `kind:id` → watched until (epoch ms). */
  readonly #watched = new Map<string, number>();

  constructor(bus: Bus, subjects: Subjects, clock: () => number) {
    this.#bus = bus;
    this.#subjects = subjects;
    this.#clock = clock;
  }

  /** Streams the actor's inspection events for the next `seconds` (renewing an earlier watch). */
  watch(kind: ActorKind, id: string, seconds: number): void {
    const until = this.#clock() + Math.min(Math.max(seconds, 0), MAX_WATCH_SECONDS) * 1000;
    this.#watched.set(`${kind}:${id}`, until);
  }

  /**
   * A step of an actor run as pure transitions (a lead): no live actor reports it, so the host
   * tells it here once it is adopted, as the `@xstate.event`s it took and the `@xstate.snapshot`
   * it left.
   */
  stepped(kind: ActorKind, id: string, events: ReadonlyArray<{ readonly type: string }>, snapshot: { readonly value: unknown; readonly context: unknown; readonly status: string }): void {
    if (this.#watched.size === 0 || !this.#watching(`${kind}:${id}`)) return;
    const subject = this.#subjects.inspectEvents(kind, id);
    const at = new Date(this.#clock()).toISOString();
    for (const event of events) this.#bus.notify(subject, encodeJson({ type: '@xstate.event', kind, id, at, event: plain(event) } satisfies PublishedInspection));
    const last = events.at(-1);
    this.#bus.notify(
      subject,
      encodeJson({ type: '@xstate.snapshot', kind, id, at, event: plain(last), value: snapshot.value, context: plain(snapshot.context), status: snapshot.status } satisfies PublishedInspection),
    );
  }

  /** Whether someone watches the actor now; forgets a watch that ran out. */
  #watching(key: string): boolean {
    const until = this.#watched.get(key);
    if (until === undefined) return false;
    if (until >= this.#clock()) return true;
    this.#watched.delete(key);
    return false;
  }

  /** The `inspect` option for an actor's `createActor`. */
  observer(kind: ActorKind, id: string): (event: InspectionEvent) => void {
    const key = `${kind}:${id}`;
    return (event) => {
      if (this.#watched.size === 0 || !this.#watching(key)) return;
      // Only the actor's own events: not those of actors it spawns, nor ones it sends elsewhere.
      if (event.actorRef.sessionId !== undefined && event.rootId !== event.actorRef.sessionId) return;
      this.#bus.notify(this.#subjects.inspectEvents(kind, id), encodeJson(describeInspection(kind, id, event, this.#clock())));
    };
  }
}

/** A plain-data view of an inspection event: snapshots carry actor refs and functions that don't serialise. */
export function describeInspection(kind: ActorKind, id: string, event: InspectionEvent, now: number): PublishedInspection {
  const base = { type: event.type, kind, id, at: new Date(now).toISOString() };
  switch (event.type) {
    case '@xstate.event':
      return { ...base, event: plain(event.event) };
    case '@xstate.snapshot':
    case '@xstate.transition': {
      const snapshot = event.snapshot as { value?: unknown; context?: unknown; status?: string };
      return { ...base, event: plain(event.event), value: snapshot.value, context: plain(snapshot.context), ...(snapshot.status && { status: snapshot.status }) };
    }
    case '@xstate.microstep':
      return {
        ...base,
        event: plain(event.event),
        transitions: event._transitions.map((t) => `${t.source.id} → ${t.target?.map((n) => n.id).join(', ') ?? '(internal)'}`),
      };
    case '@xstate.action':
      return { ...base, action: event.action.type };
    case '@xstate.actor':
      return base;
  }
}

/** JSON-safe copy: drops functions and actor references, which inspection data may hold. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, (_key, v: unknown) => {
      if (typeof v === 'function') return undefined;
      if (v !== null && typeof v === 'object' && 'sessionId' in v && 'send' in v) return `[actor ${(v as { id?: string }).id ?? ''}]`;
      return v;
    }),
  );
}
