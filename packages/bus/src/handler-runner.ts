import type { BusMessage } from './bus.ts';
import type { Delivery } from './bus-message.ts';

/** Calls a consumer's handler for each delivery, concurrently, and knows when all calls are done. */
export interface HandlerRunner {
  /**
   * Calls the handler without waiting for earlier calls. If the handler throws or rejects
   * before settling the message, the message is nak'd so that it is delivered again.
   */
  run(delivery: Delivery): void;
  /** Resolves once every handler call started so far has returned or settled its promise. */
  idle(): Promise<void>;
}

/**
 * Creates the {@link HandlerRunner} of one consumer.
 *
 * @param onError called with what the handler threw, after the message was nak'd.
 */
export function createHandlerRunner(
  handler: (message: BusMessage) => void | Promise<void>,
  onError: (error: unknown, message: BusMessage) => void,
): HandlerRunner {
  const pending = new Set<Promise<void>>();

  const fail = (delivery: Delivery, error: unknown): void => {
    if (!delivery.settled) {
      delivery.message.nak();
    }
    onError(error, delivery.message);
  };

  return {
    run(delivery) {
      let result: void | Promise<void>;
      try {
        result = handler(delivery.message);
      } catch (error) {
        fail(delivery, error);
        return;
      }
      if (result === undefined || typeof (result as Partial<Promise<void>>).then !== 'function') {
        return;
      }
      const settled = Promise.resolve(result).then(
        () => undefined,
        (error: unknown) => fail(delivery, error),
      );
      pending.add(settled);
      void settled.finally(() => pending.delete(settled));
    },
    async idle() {
      while (pending.size > 0) {
        await Promise.allSettled([...pending]);
      }
    },
  };
}
