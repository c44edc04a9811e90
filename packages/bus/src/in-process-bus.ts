import type { Bus, BusSubscription, PublishAck } from './bus.ts';
import { resolveConsumeSettings } from './consume-settings.ts';
import {
  BusClosedError,
  BusError,
  type BusErrorListener,
  createErrorReporter,
  NoStreamForSubjectError,
  StreamNotFoundError,
} from './errors.ts';
import { createHandlerRunner } from './handler-runner.ts';
import { type ConsumerInstance, createInProcessConsumer, type InProcessConsumer } from './in-process-consumer.ts';
import { createInProcessCore } from './in-process-core.ts';
import { createInProcessStream, type InProcessStream } from './in-process-stream.ts';
import { resolveRequestTimeoutMs } from './request-timeout.ts';
import { resolveStreamSettings } from './stream-settings.ts';
import { subjectsOverlap } from './subject-pattern.ts';

/** Options of {@link createInProcessBus}. */
export interface InProcessBusOptions {
  /**
   * Receives errors the bus handles by itself: a consume handler that threw (its message is
   * nak'd), a subscription handler that threw (the subscription goes on).
   * @default emitBusWarning (a process warning)
   */
  readonly onError?: BusErrorListener;
}

interface StreamEntry {
  readonly stream: InProcessStream;
  readonly consumers: Map<string, InProcessConsumer>;
}

/**
 * Creates a bus that keeps its streams in memory, for the embedded (single-process) mode
 * and for tests. It follows the same contract as the NATS bus: per-stream seqs, `msgId`
 * deduplication within the duplicate window, durable consumers that keep their position
 * and their unacknowledged messages across `stop()`, nak/ack-wait redelivery, `term`,
 * `maxInFlight`, subject filters, NATS subject wildcards, queue groups for `serve()`.
 * Handlers always run on a later turn of the event loop, never inside `publish()`.
 *
 * Nothing survives the process: use the NATS bus when messages must outlive a restart.
 * The reply of `request()` carries the request's subject.
 *
 * @example
 * const bus = createInProcessBus();
 * await bus.ensureStreams(createSubjects('sb').streamSpecs);
 */
export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  const report = createErrorReporter(options.onError);
  const streams = new Map<string, StreamEntry>();
  const running = new Set<BusSubscription>();
  let closed = false;

  const core = createInProcessCore(report);

  const assertOpen = (operation: string): void => {
    if (closed) {
      throw new BusClosedError(operation);
    }
  };

  const track = (subscription: BusSubscription): BusSubscription => {
    let stopping: Promise<void> | undefined;
    const tracked: BusSubscription = {
      stop() {
        stopping ??= subscription.stop().finally(() => running.delete(tracked));
        return stopping;
      },
    };
    running.add(tracked);
    return tracked;
  };

  return {
    kind: 'in-process',

    async ensureStreams(specs) {
      assertOpen('ensureStreams');
      for (const spec of specs) {
        const settings = resolveStreamSettings(spec);
        for (const [name, other] of streams) {
          if (name === settings.name) {
            continue;
          }
          for (const mine of settings.subjects) {
            const theirs = other.stream.subjects.find((s) => subjectsOverlap(s, mine));
            if (theirs !== undefined) {
              throw new BusError(
                `stream "${settings.name}" cannot store "${mine}": it overlaps "${theirs}" of stream "${name}", and a subject may belong to one stream only`,
              );
            }
          }
        }
        const existing = streams.get(settings.name);
        if (existing === undefined) {
          streams.set(settings.name, { stream: createInProcessStream(settings), consumers: new Map() });
        } else {
          existing.stream.setSubjects(settings.subjects);
        }
      }
    },

    emit(subject, data, publishOptions = {}) {
      this.publish(subject, data, publishOptions).catch((error: unknown) =>
        report(error instanceof BusError ? error : new BusError(String(error), { cause: error })),
      );
    },

    notify(subject, data, headers = {}) {
      assertOpen(`notify ${subject}`);
      core.deliver(subject, data, Object.freeze({ ...headers }));
    },

    async publish(subject, data, publishOptions = {}): Promise<PublishAck> {
      assertOpen(`publish to ${subject}`);
      const entry = [...streams.values()].find((e) => e.stream.covers(subject));
      if (entry === undefined) {
        throw new NoStreamForSubjectError(subject);
      }
      const headers = Object.freeze({ ...publishOptions.headers });
      const { seq, duplicate } = entry.stream.store(subject, data, headers, publishOptions.msgId);
      if (!duplicate) {
        for (const consumer of entry.consumers.values()) {
          consumer.notify();
        }
      }
      // Like NATS, where a JetStream publish is also a core message: live subscribers see it.
      core.deliver(subject, data, headers);
      return { stream: entry.stream.name, seq, duplicate };
    },

    async consume(streamName, consumeOptions, handler) {
      assertOpen(`consume ${streamName}`);
      const settings = resolveConsumeSettings(consumeOptions);
      const entry = streams.get(streamName);
      if (entry === undefined) {
        throw new StreamNotFoundError(streamName);
      }
      const { filterSubject } = settings;
      if (filterSubject !== undefined && !entry.stream.subjects.some((s) => subjectsOverlap(s, filterSubject))) {
        throw new BusError(
          `ConsumeOptions.filterSubject "${filterSubject}" matches no subject of stream "${streamName}" (${entry.stream.subjects.join(', ')})`,
        );
      }
      let consumer = entry.consumers.get(settings.durable);
      if (consumer === undefined) {
        consumer = createInProcessConsumer(entry.stream, settings.ackWaitMs, filterSubject);
        entry.consumers.set(settings.durable, consumer);
      }
      consumer.ackWaitMs = settings.ackWaitMs;
      consumer.filterSubject = filterSubject;
      const instance: ConsumerInstance = {
        maxInFlight: settings.maxInFlight,
        runner: createHandlerRunner(handler, (error, message) =>
          report(
            new BusError(
              `handler of durable consumer "${settings.durable}" on stream "${streamName}" threw on message seq ${message.seq} (delivery ${message.deliveryCount}); the message was nak'd for redelivery`,
              { cause: error },
            ),
          ),
        ),
      };
      const attached = consumer;
      attached.attach(instance);
      return track({
        async stop() {
          attached.detach(instance);
          await instance.runner.idle();
        },
      });
    },

    async request(subject, data, requestOptions = {}) {
      assertOpen(`request to ${subject}`);
      const timeoutMs = resolveRequestTimeoutMs(requestOptions);
      return core.request(subject, data, Object.freeze({ ...requestOptions.headers }), timeoutMs);
    },

    async serve(subject, serveOptions, handler) {
      assertOpen(`serve ${subject}`);
      return track(core.serve(subject, serveOptions.queue, handler));
    },

    async subscribe(subject, handler) {
      assertOpen(`subscribe to ${subject}`);
      return core.subscribe(subject, handler);
    },

    async ping() {
      return !closed;
    },

    // Nothing to lose a connection to.
    onReconnect() {
      return () => {};
    },

    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await Promise.all([...running].map((s) => s.stop()));
      await core.close();
      for (const entry of streams.values()) {
        for (const consumer of entry.consumers.values()) {
          consumer.dispose();
        }
      }
    },
  };
}
