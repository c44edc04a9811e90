import {
  AckPolicy,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { BusMessage, BusSubscription } from './bus.ts';
import { createDelivery } from './bus-message.ts';
import type { ConsumeSettings } from './consume-settings.ts';
import { BusError } from './errors.ts';
import { createHandlerRunner } from './handler-runner.ts';
import { fromNatsHeaders } from './nats-headers.ts';
import { translateNatsError } from './nats-error-translation.ts';

/** Waits between restarts of a consume loop that failed, in milliseconds. */
const RESTART_BACKOFF_MS: ReadonlyArray<number> = [250, 500, 1000, 2000, 5000];
const backoff = (attempt: number): number => RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)] ?? 5000;

async function findConsumer(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Creates the durable pull consumer (explicit ack, deliver all) if it is missing, or
 * updates it so that its `ack_wait` and `filter_subject` are those of `settings` and its
 * `max_ack_pending` is at least `settings.maxInFlight`. A larger `max_ack_pending` is kept: other instances of
 * the same durable may have asked for it.
 */
export async function ensureNatsConsumer(jsm: JetStreamManager, stream: string, settings: ConsumeSettings): Promise<void> {
  const ackWait = nanos(settings.ackWaitMs);
  let info = await findConsumer(jsm, stream, settings.durable);
  if (info === undefined) {
    try {
      await jsm.consumers.add(stream, {
        durable_name: settings.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ackWait,
        max_ack_pending: settings.maxInFlight,
        ...(settings.filterSubject === undefined ? {} : { filter_subject: settings.filterSubject }),
      });
      return;
    } catch (error) {
      // Another instance created it between our info and our add, with another configuration.
      info = await findConsumer(jsm, stream, settings.durable);
      if (info === undefined) {
        throw error;
      }
    }
  }
  const maxAckPending = info.config.max_ack_pending ?? -1;
  const enoughPending = maxAckPending === -1 || maxAckPending >= settings.maxInFlight;
  const filterSubject = settings.filterSubject ?? '';
  if (info.config.ack_wait !== ackWait || !enoughPending || (info.config.filter_subject ?? '') !== filterSubject) {
    await jsm.consumers.update(stream, settings.durable, {
      ack_wait: ackWait,
      max_ack_pending: enoughPending ? maxAckPending : settings.maxInFlight,
      filter_subject: filterSubject,
    });
  }
}

/** What a NATS consume loop needs. */
export interface NatsConsumeLoopOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly settings: ConsumeSettings;
  readonly handler: (message: BusMessage) => void | Promise<void>;
  readonly timeoutMs: number;
  readonly report: (error: BusError) => void;
}

/**
 * Runs `consume()` on a durable pull consumer until stopped: pulls at most `maxInFlight`
 * messages at a time, calls the handler for each without waiting for the previous one,
 * and holds back while `maxInFlight` messages are unsettled. When the pull ends on an
 * error (consumer deleted, connection trouble the client gave up on), the loop reports it,
 * ensures the consumer again and restarts, with backoff. Missed heartbeats are recovered by
 * the NATS client itself, which re-pulls. Call it after {@link ensureNatsConsumer}.
 */
export function startNatsConsumeLoop(options: NatsConsumeLoopOptions): BusSubscription {
  const { js, jsm, stream, settings, report } = options;
  const label = `durable consumer "${settings.durable}" on stream "${stream}"`;
  const runner = createHandlerRunner(options.handler, (error, message) =>
    report(
      new BusError(
        `handler of ${label} threw on message seq ${message.seq} (delivery ${message.deliveryCount}); the message was nak'd for redelivery`,
        { cause: error },
      ),
    ),
  );
  const slotTimers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let stopping = false;
  let current: ConsumerMessages | undefined;
  let wakeUp: (() => void) | undefined;

  // The loop sleeps in one place at a time: waiting for a free slot, or backing off.
  const sleep = (ms: number | undefined): Promise<void> =>
    new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  const wake = (): void => wakeUp?.();

  const safely = (action: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      report(translateNatsError(error, { description: `${action} of ${label}`, timeoutMs: options.timeoutMs }));
    }
  };

  const dispatch = (msg: JsMsg): void => {
    inFlight += 1;
    let released = false;
    const release = (): void => {
      if (released) {
        return;
      }
      released = true;
      clearTimeout(timer);
      slotTimers.delete(timer);
      inFlight -= 1;
      wake();
    };
    // An unsettled message stops taking a slot when JetStream would redeliver it anyway,
    // so that a handler that forgets to ack cannot starve the consumer.
    const timer = setTimeout(release, settings.ackWaitMs);
    slotTimers.add(timer);
    const delivery = createDelivery(
      {
        subject: msg.subject,
        data: msg.data,
        headers: fromNatsHeaders(msg.headers),
        seq: msg.seq,
        deliveryCount: msg.info.deliveryCount,
      },
      {
        ack: () => {
          release();
          safely('ack', () => msg.ack());
        },
        nak: (delayMs) => {
          release();
          safely('nak', () => msg.nak(delayMs));
        },
        term: () => {
          release();
          safely('term', () => msg.term());
        },
      },
    );
    runner.run(delivery);
  };

  // Why the loop closed its own pull, to say so when it restarts.
  let restartReason: string | undefined;
  const watchStatus = async (messages: ConsumerMessages): Promise<void> => {
    for await (const status of messages.status()) {
      // The client keeps pulling from a consumer that is gone; restarting re-creates it.
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found' || status.type === 'stream_not_found') {
        restartReason = `the server reported ${status.type}`;
        void messages.close();
        return;
      }
    }
  };

  const pullUntilClosed = async (messages: ConsumerMessages): Promise<void> => {
    for await (const msg of messages) {
      while (!stopping && inFlight >= settings.maxInFlight) {
        await sleep(undefined);
      }
      if (stopping) {
        // Pulled but never handed to the handler: give it back now rather than after ack wait.
        safely('nak', () => msg.nak());
        continue;
      }
      dispatch(msg);
    }
  };

  const loop = async (): Promise<void> => {
    let attempt = 0;
    let needsEnsure = false;
    while (!stopping) {
      try {
        if (needsEnsure) {
          await ensureNatsConsumer(jsm, stream, settings);
        }
        const consumer = await js.consumers.get(stream, settings.durable);
        const messages = await consumer.consume({ max_messages: settings.maxInFlight });
        current = messages;
        if (stopping) {
          await messages.close();
          return;
        }
        // Notifications only steer restarts; if their iterator fails, the pull itself still ends or goes on.
        watchStatus(messages).catch(() => undefined);
        await pullUntilClosed(messages);
        const ended = await messages.closed();
        if (stopping) {
          return;
        }
        attempt = 0;
        const reason = ended ? ended.message : (restartReason ?? 'the pull ended');
        restartReason = undefined;
        report(new BusError(`consume loop of ${label} stopped (${reason}); restarting it`, { cause: ended }));
      } catch (error) {
        if (stopping) {
          return;
        }
        const cause = translateNatsError(error, { description: `consume ${stream}`, timeoutMs: options.timeoutMs, stream });
        report(new BusError(`consume loop of ${label} failed: ${cause.message}; restarting it in ${backoff(attempt)} ms`, { cause }));
      }
      needsEnsure = true;
      await sleep(backoff(attempt));
      attempt += 1;
    }
  };

  const done = loop();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wake();
        await current?.close();
        await done;
        await runner.idle();
        for (const timer of slotTimers) {
          clearTimeout(timer);
        }
      })();
      return stopped;
    },
  };
}
