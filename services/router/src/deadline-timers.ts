import type { Logger } from '@switchboard/core';
import type { Database } from '@switchboard/store';
import type { Kysely } from 'kysely';
import TinyQueue from 'tinyqueue';
import type { Scheduler } from './scheduler.ts';

/** A durable timer that fell due. */
export interface DueTimer {
  readonly actorKind: 'lead' | 'rep';
  readonly actorId: string;
  readonly kind: string;
  readonly dueAt: number;
}

/** Options of the deadline timers. */
export interface DeadlineTimersOptions {
  readonly db: Kysely<Database>;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Acts on a due timer. It must tolerate stale timers (a deadline that moved). */
  readonly onDue: (timer: DueTimer) => Promise<void>;
  /** Timers due within this much are held in memory; the rest stay rows. @default 60000 */
  readonly horizonMs?: number;
  /** How often rows entering the horizon are loaded. @default horizon / 2 */
  readonly pollMs?: number;
  /** Most due timers acted on at once. @default 256 */
  readonly concurrency?: number;
  /**
   * Keeps, of the timers loaded from the table, those of this router's actors (a partition's
   * router acts only on its own). @default every timer
   */
  readonly own?: (timers: ReadonlyArray<DueTimer>) => Promise<ReadonlyArray<DueTimer>>;
}

const keyOf = (t: { actorKind: string; actorId: string; kind: string }) => `${t.actorKind}:${t.actorId}:${t.kind}`;

/**
 * Durable timers in two tiers. Every deadline is a row in `timers`, written in the same
 * statement as the transition that set it; only the near horizon is held in memory, in
 * one heap under one `setTimeout`. So a million open SLAs cost a million rows and an
 * index, not a million timers, and a process that was down acts on overdue rows as soon
 * as it starts.
 */
export class DeadlineTimers {
  readonly #o: Required<Omit<DeadlineTimersOptions, 'pollMs' | 'own'>> & Pick<DeadlineTimersOptions, 'own'> & { pollMs: number };
  readonly #heap = new TinyQueue<DueTimer>([], (a, b) => a.dueAt - b.dueAt);
  /** The due time each key is armed for; a heap entry with another time is stale. */
  readonly #armed = new Map<string, number>();
  #wakeAt: number | null = null;
  #wakeHandle: unknown;
  #pollHandle: unknown;
  #running = 0;
  #stopped = true;
  readonly #inFlight = new Set<Promise<void>>();
  /** Due-to-acted-on lag (ms) of the timers acted on so far, when `recordLags` is set (the benchmark). */
  readonly lags: number[] = [];
  recordLags = false;

  constructor(options: DeadlineTimersOptions) {
    const horizonMs = options.horizonMs ?? 60_000;
    this.#o = { horizonMs, pollMs: options.pollMs ?? horizonMs / 2, concurrency: options.concurrency ?? 256, ...options };
  }

  /** Timers held in memory. */
  get size(): number {
    return this.#armed.size;
  }

  /** Loads the near horizon (overdue rows included: they fire at once) and starts polling. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#poll();
  }

  /** Stops firing and waits for timers being acted on. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#wakeHandle !== undefined) this.#o.scheduler.clearTimeout(this.#wakeHandle);
    if (this.#pollHandle !== undefined) this.#o.scheduler.clearTimeout(this.#pollHandle);
    this.#wakeHandle = this.#pollHandle = undefined;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** A committed transition set this timer: hold it in memory if it is due soon. */
  arm(timer: DueTimer): void {
    if (timer.dueAt > this.#o.scheduler.now() + this.#o.horizonMs) {
      this.#armed.delete(keyOf(timer));
      return;
    }
    const key = keyOf(timer);
    if (this.#armed.get(key) === timer.dueAt) return;
    this.#armed.set(key, timer.dueAt);
    this.#heap.push(timer);
    this.#schedule();
  }

  /** A committed transition cleared this timer. */
  disarm(timer: Omit<DueTimer, 'dueAt'>): void {
    this.#armed.delete(keyOf(timer));
  }

  async #poll(): Promise<void> {
    if (this.#stopped) return;
    // The next poll is due whatever this one takes.
    this.#pollHandle = this.#o.scheduler.setTimeout(() => void this.#poll(), this.#o.pollMs);
    try {
      const until = new Date(this.#o.scheduler.now() + this.#o.horizonMs);
      const rows = await this.#o.db.selectFrom('timers').select(['actor_kind', 'actor_id', 'kind', 'due_at']).where('due_at', '<=', until).execute();
      const loaded = rows.map((row): DueTimer => ({ actorKind: row.actor_kind as DueTimer['actorKind'], actorId: row.actor_id, kind: row.kind, dueAt: row.due_at.getTime() }));
      for (const timer of this.#o.own ? await this.#o.own(loaded) : loaded) this.arm(timer);
    } catch (error) {
      this.#o.logger.error({ err: error }, 'loading due timers failed; will try again');
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    const next = this.#heap.peek();
    if (!next) return;
    if (this.#wakeAt !== null && this.#wakeAt <= next.dueAt) return;
    if (this.#wakeHandle !== undefined) this.#o.scheduler.clearTimeout(this.#wakeHandle);
    this.#wakeAt = next.dueAt;
    this.#wakeHandle = this.#o.scheduler.setTimeout(() => {
      this.#wakeAt = null;
      this.#wakeHandle = undefined;
      this.#fire();
    }, next.dueAt - this.#o.scheduler.now());
  }

  #fire(): void {
    const now = this.#o.scheduler.now();
    while (this.#running < this.#o.concurrency) {
      const next = this.#heap.peek();
      if (!next || next.dueAt > now) break;
      this.#heap.pop();
      const key = keyOf(next);
      if (this.#armed.get(key) !== next.dueAt) continue;
      this.#armed.delete(key);
      this.#running += 1;
      const task = this.#o
        .onDue(next)
        .then(() => {
          // Lag from due to acted on (the transition committed).
          if (this.recordLags) this.lags.push(this.#o.scheduler.now() - next.dueAt);
        })
        .catch((error: unknown) => {
          // The row is still there: the next poll arms it again.
          this.#o.logger.error({ err: error, timer: next }, 'acting on a due timer failed; it will be retried');
        })
        .finally(() => {
          this.#running -= 1;
          this.#inFlight.delete(task);
          if (this.#running < this.#o.concurrency) this.#fire();
        });
      this.#inFlight.add(task);
    }
    this.#schedule();
  }
}
