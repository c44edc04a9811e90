import type { Scheduler } from './scheduler.ts';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * For tests (the router's own and those of programs that embed it). A clock that moves only when told to: `advance(15 * 60_000)` runs every timer due in
 * those 15 minutes, in order, letting the work each one starts (database writes
 * included) settle before the next. No real sleeping.
 */
export class ManualScheduler implements Scheduler {
  #now: number;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { id, at: this.#now + Math.max(0, delayMs), callback });
    if (delayMs <= 0) {
      // Already due (e.g. armed by work that finished after the last advance): fire soon,
      // as a real timer would, unless an advance gets to it first.
      setImmediate(() => {
        const pending = this.#pending.get(id);
        if (!pending) return;
        this.#pending.delete(id);
        pending.callback();
      });
    }
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Moves the clock forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves the clock to `target` (epoch ms), firing due timers in order. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.#pending.values()) if (p.at <= target && (!next || p.at < next.at || (p.at === next.at && p.id < next.id))) next = p;
      if (!next) break;
      this.#pending.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }
}

/** Lets I/O started by timers (database round trips) finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}
