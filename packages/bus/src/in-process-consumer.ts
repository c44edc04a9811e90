import { createDelivery } from './bus-message.ts';
import type { HandlerRunner } from './handler-runner.ts';
import type { InProcessStream, StoredMessage } from './in-process-stream.ts';
import { subjectMatches } from './subject-pattern.ts';

/** One `consume()` call attached to a durable consumer. */
export interface ConsumerInstance {
  readonly maxInFlight: number;
  readonly runner: HandlerRunner;
}

/**
 * The state of one durable consumer of the in-process bus, which outlives the `consume()`
 * calls attached to it: its position in the stream and its unacknowledged messages.
 * Like a JetStream durable consumer it redelivers naked messages and messages whose ack
 * wait ran out, redeliveries first, to whichever attached instance has room.
 */
export interface InProcessConsumer {
  /** Changed by each `consume()` call, as a NATS consumer update does. */
  ackWaitMs: number;
  /** Only messages whose subject matches are delivered; undefined for all. Changed like `ackWaitMs`. */
  filterSubject: string | undefined;
  attach(instance: ConsumerInstance): void;
  detach(instance: ConsumerInstance): void;
  /** Tells the consumer the stream has new messages. */
  notify(): void;
  /** Cancels every timer; the consumer delivers nothing more. */
  dispose(): void;
}

interface PendingMessage {
  readonly seq: number;
  deliveryCount: number;
  /** The ack-wait timer while delivered, the nak-delay timer while waiting to be redelivered. */
  timer: NodeJS.Timeout | undefined;
  /** Identifies the current delivery; undefined while not delivered. Stale settles are ignored. */
  delivery: object | undefined;
}

interface InstanceState {
  inFlight: number;
}

/** Creates a durable consumer positioned at the start of `stream` (deliver policy "all"). */
export function createInProcessConsumer(
  stream: InProcessStream,
  ackWaitMs: number,
  filterSubject: string | undefined,
): InProcessConsumer {
  const pending = new Map<number, PendingMessage>();
  // Seqs ready for redelivery, ascending.
  const ready: number[] = [];
  const instances = new Map<ConsumerInstance, InstanceState>();
  let nextSeq = 1;
  let roundRobin = 0;
  let pumpScheduled = false;
  let disposed = false;

  const schedule = (): void => {
    if (pumpScheduled || disposed) {
      return;
    }
    pumpScheduled = true;
    // Never deliver inside publish() or inside a settle call: handlers run on a later turn.
    setImmediate(pump);
  };

  const makeReady = (entry: PendingMessage): void => {
    let index = ready.length;
    while (index > 0 && (ready[index - 1] ?? 0) > entry.seq) {
      index--;
    }
    ready.splice(index, 0, entry.seq);
    schedule();
  };

  const pickInstance = (): [ConsumerInstance, InstanceState] | undefined => {
    const entries = [...instances];
    for (let i = 0; i < entries.length; i++) {
      const candidate = entries[(roundRobin + i) % entries.length];
      if (candidate !== undefined && candidate[1].inFlight < candidate[0].maxInFlight) {
        roundRobin = (roundRobin + i + 1) % entries.length;
        return candidate;
      }
    }
    return undefined;
  };

  const takeNext = (): [PendingMessage, StoredMessage] | undefined => {
    for (let seq = ready.shift(); seq !== undefined; seq = ready.shift()) {
      const entry = pending.get(seq);
      const stored = stream.get(seq);
      if (entry === undefined) {
        continue;
      }
      if (stored === undefined) {
        // Aged out of the stream while waiting.
        pending.delete(seq);
        continue;
      }
      return [entry, stored];
    }
    while (nextSeq <= stream.lastSeq) {
      const seq = nextSeq++;
      const stored = stream.get(seq);
      const wanted = consumer.filterSubject === undefined || (stored !== undefined && subjectMatches(consumer.filterSubject, stored.subject));
      if (stored !== undefined && wanted) {
        const entry: PendingMessage = { seq, deliveryCount: 0, timer: undefined, delivery: undefined };
        pending.set(seq, entry);
        return [entry, stored];
      }
    }
    return undefined;
  };

  const deliver = (entry: PendingMessage, stored: StoredMessage, instance: ConsumerInstance, state: InstanceState): void => {
    const token = {};
    entry.deliveryCount += 1;
    entry.delivery = token;
    state.inFlight += 1;
    const release = (): boolean => {
      if (entry.delivery !== token) {
        return false;
      }
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.delivery = undefined;
      state.inFlight -= 1;
      return true;
    };
    const remove = (): void => {
      if (release()) {
        pending.delete(entry.seq);
        schedule();
      }
    };
    entry.timer = setTimeout(() => {
      if (release()) {
        makeReady(entry);
      }
    }, consumer.ackWaitMs);
    const delivery = createDelivery(
      { ...stored, deliveryCount: entry.deliveryCount },
      {
        ack: remove,
        term: remove,
        nak: (delayMs) => {
          if (!release()) {
            return;
          }
          if (delayMs === undefined) {
            makeReady(entry);
            return;
          }
          entry.timer = setTimeout(() => {
            entry.timer = undefined;
            makeReady(entry);
          }, delayMs);
        },
      },
    );
    instance.runner.run(delivery);
  };

  function pump(): void {
    pumpScheduled = false;
    while (!disposed) {
      const target = pickInstance();
      if (target === undefined) {
        return;
      }
      const next = takeNext();
      if (next === undefined) {
        return;
      }
      deliver(next[0], next[1], target[0], target[1]);
    }
  }

  const consumer: InProcessConsumer = {
    ackWaitMs,
    filterSubject,
    attach(instance) {
      instances.set(instance, { inFlight: 0 });
      schedule();
    },
    detach(instance) {
      // Its unacknowledged messages stay pending: their ack wait runs out and another
      // instance (or the next consume() of this durable) gets them again.
      instances.delete(instance);
    },
    notify: schedule,
    dispose() {
      disposed = true;
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
      }
    },
  };
  return consumer;
}
