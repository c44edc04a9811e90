import type { Scheduler } from './scheduler.ts';

/**
 * Persists an actor's next state and adopts it once the write committed: resolves true then,
 * false when the store had moved on (a stale version) and nothing was adopted. When `persist`
 * throws, nothing is adopted and the error goes to the caller. Either way the actor stays exactly
 * as the previous message left it: a failed step has nothing to undo.
 */
export type Commit<A> = (next: A, persist: () => Promise<boolean>) => Promise<boolean>;

/** Handles one message: works out the actor's next state (a pure transition) and commits it, or not. */
export type MessageHandler<A, R> = (actor: A | undefined, commit: Commit<A>) => Promise<R>;

/** How the actors of one kind are kept, apart from their messages. */
export interface ActorHostOptions<Id, A> {
  /** Reads a passivated actor from the store; undefined when it has none. */
  readonly load: (id: Id) => Promise<A | undefined>;
  /** Whether an idle actor must stay in memory (a waiting lead, retried when reps free up). */
  readonly resident: (actor: A) => boolean;
  /** Told after every adoption, restore and passivation, so indexes over the actors (the waiting line) follow. */
  readonly changed?: (id: Id, actor: A | undefined) => void;
  /** How long an idle actor that need not stay is kept before it is passivated. @default 0 */
  readonly idleMs?: number;
  /** Timers for `idleMs`; required when it is above 0. */
  readonly scheduler?: Scheduler;
}

interface Slot<A> {
  actor: A | undefined;
  /** Messages given and not handled yet, the one running included. */
  queued: number;
  tail: Promise<unknown>;
  idleTimer?: unknown;
}

/**
 * Hosts the actors of one kind. Each actor id has a mailbox: its messages are handled one at a
 * time in the order given, while other actors' messages go on meanwhile. An actor is loaded from
 * the store on its first message and passivated — dropped from memory, it is its row — once its
 * mailbox is empty and it need not stay. A message is handled as transition → persist → adopt:
 * the handler proposes the next state, the host adopts it only after the write committed.
 */
export class ActorHost<Id, A> {
  readonly #o: ActorHostOptions<Id, A>;
  readonly #slots = new Map<Id, Slot<A>>();
  #busy = 0;

  constructor(options: ActorHostOptions<Id, A>) {
    if ((options.idleMs ?? 0) > 0 && !options.scheduler) throw new Error('an actor host with idleMs needs a scheduler for its idle timers');
    this.#o = options;
  }

  /**
   * Hands a message to the actor's mailbox. The handler gets the actor as earlier messages left it:
   * in memory, else loaded from the store, else `create()` (a new actor, which has no row to read:
   * given `create`, the store is not asked), else undefined.
   */
  send<R>(id: Id, handle: MessageHandler<A, R>, create?: () => A): Promise<R> {
    const slot = this.#slotOf(id);
    slot.queued += 1;
    if (slot.queued === 1) this.#busy += 1;
    if (slot.idleTimer !== undefined) {
      this.#o.scheduler?.clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    const run = async (): Promise<R> => {
      try {
        if (slot.actor === undefined) slot.actor = create ? create() : await this.#o.load(id);
        let committed = false;
        const commit: Commit<A> = async (next, persist) => {
          if (committed) throw new Error('a message commits one next state; send another message for the next step');
          if (!(await persist())) return false;
          committed = true;
          slot.actor = next;
          this.#o.changed?.(id, next);
          return true;
        };
        return await handle(slot.actor, commit);
      } finally {
        slot.queued -= 1;
        if (slot.queued === 0) {
          this.#busy -= 1;
          this.#idle(id, slot);
        }
      }
    };
    const next = slot.tail.then(run, run);
    slot.tail = next.catch(() => {});
    return next;
  }

  /** Puts an actor in memory as it was stored (a waiting lead restored at start), unless it is there already. */
  restore(id: Id, actor: A): void {
    const slot = this.#slotOf(id);
    if (slot.actor !== undefined) return;
    slot.actor = actor;
    this.#o.changed?.(id, actor);
    if (slot.queued === 0) this.#idle(id, slot);
  }

  /** The actor as its last message left it, if it is in memory. */
  peek(id: Id): A | undefined {
    return this.#slots.get(id)?.actor;
  }

  /** True while the actor has messages queued or running. */
  isBusy(id: Id): boolean {
    return (this.#slots.get(id)?.queued ?? 0) > 0;
  }

  /** How many actors have messages queued or running. */
  get busy(): number {
    return this.#busy;
  }

  /** How many actors are in memory (busy, resident or not yet passivated). */
  get size(): number {
    return this.#slots.size;
  }

  #slotOf(id: Id): Slot<A> {
    let slot = this.#slots.get(id);
    if (!slot) {
      slot = { actor: undefined, queued: 0, tail: Promise.resolve() };
      this.#slots.set(id, slot);
    }
    return slot;
  }

  #idle(id: Id, slot: Slot<A>): void {
    if (slot.actor !== undefined && this.#o.resident(slot.actor)) return;
    const idleMs = this.#o.idleMs ?? 0;
    if (idleMs <= 0 || slot.actor === undefined) {
      this.#passivate(id, slot);
      return;
    }
    slot.idleTimer = this.#o.scheduler?.setTimeout(() => {
      slot.idleTimer = undefined;
      if (slot.queued === 0) this.#passivate(id, slot);
    }, idleMs);
  }

  #passivate(id: Id, slot: Slot<A>): void {
    if (this.#slots.get(id) !== slot) return;
    this.#slots.delete(id);
    if (slot.actor !== undefined) this.#o.changed?.(id, undefined);
  }
}
