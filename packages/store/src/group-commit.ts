import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/**
 * Writes a batch of operations atomically — as one statement, or inside a transaction
 * it opens itself — answering one result per operation, in order.
 */
export type BatchWriter<Op, Result> = (db: Kysely<Database>, ops: ReadonlyArray<Op>) => Promise<ReadonlyArray<Result>>;

/** Options of a group committer. */
export interface GroupCommitOptions {
  /** Most operations in one transaction. @default 500 */
  readonly maxBatch?: number;
  /** Transactions in flight at once; the next batch gathers while they commit. @default 2 */
  readonly maxConcurrent?: number;
}

/** Collects operations and commits them together; see `createGroupCommitter`. */
export interface GroupCommitter<Op, Result> {
  /** Resolves with the operation's result once its transaction has committed. */
  submit(op: Op): Promise<Result>;
  /** Resolves when everything submitted so far has committed (or failed). */
  drain(): Promise<void>;
  /** Operations waiting or in flight. */
  readonly pending: number;
}

interface Pending<Op, Result> {
  readonly op: Op;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: operations that arrive while a transaction is committing wait and go
 * together in the next one, so throughput grows with load while an operation on an
 * idle system is written at once (no fixed delay). Durability is unchanged: each
 * operation resolves only after its own transaction committed.
 *
 * If a batch fails, its operations are retried one per transaction, so one bad
 * operation fails alone instead of taking its neighbours down with it.
 */
export function createGroupCommitter<Op, Result>(
  db: Kysely<Database>,
  write: BatchWriter<Op, Result>,
  options: GroupCommitOptions = {},
): GroupCommitter<Op, Result> {
  const maxBatch = options.maxBatch ?? 500;
  const maxConcurrent = options.maxConcurrent ?? 2;
  let queue: Pending<Op, Result>[] = [];
  let inFlight = 0;
  let inFlightOps = 0;
  let scheduled = false;
  const idleWaiters: Array<() => void> = [];

  const commit = async (batch: ReadonlyArray<Pending<Op, Result>>): Promise<void> => {
    try {
      const results = await write(db, batch.map((p) => p.op));
      batch.forEach((p, i) => p.resolve(results[i] as Result));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await write(db, [p.op]);
          p.resolve(result as Result);
        } catch (single) {
          p.reject(single);
        }
      }
    }
  };

  const pump = (): void => {
    while (inFlight < maxConcurrent && queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      inFlight += 1;
      inFlightOps += batch.length;
      void commit(batch).finally(() => {
        inFlight -= 1;
        inFlightOps -= batch.length;
        pump();
        if (inFlight === 0 && queue.length === 0) for (const wake of idleWaiters.splice(0)) wake();
      });
    }
  };

  return {
    submit(op) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ op, resolve, reject });
        // Let operations submitted in the same tick join one batch.
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(() => {
            scheduled = false;
            pump();
          });
        }
      });
    },
    drain() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get pending() {
      return queue.length + inFlightOps;
    },
  };
}
