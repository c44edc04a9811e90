import { jetstream, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, TimeoutError } from '@nats-io/transport-node';
import type { Bus, BusSubscription, PublishAck } from './bus.ts';
import { createBusEvent } from './bus-message.ts';
import { resolveConsumeSettings } from './consume-settings.ts';
import {
  BusClosedError,
  BusConnectionError,
  BusError,
  type BusErrorListener,
  createErrorReporter,
  NoResponderError,
  NoStreamForSubjectError,
} from './errors.ts';
import { ensureNatsConsumer, startNatsConsumeLoop } from './nats-consumer.ts';
import { isJetStreamNotEnabled, isNoResponders, translateNatsError } from './nats-error-translation.ts';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.ts';
import { startNatsServer } from './nats-serve.ts';
import { ensureNatsStream } from './nats-stream-setup.ts';
import { resolveRequestTimeoutMs } from './request-timeout.ts';
import { resolveStreamSettings } from './stream-settings.ts';

/** `NatsBusOptions.timeoutMs` when not given. */
const DEFAULT_TIMEOUT_MS = 5000;
/** How long `ping()` waits for the server's pong. */
const PING_TIMEOUT_MS = 2000;

/** Options of {@link connectNatsBus}. */
export interface NatsBusOptions {
  /** Server URL, or several separated by commas, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string;
  /** Connection name shown by the server's monitoring. @default 'switchboard' */
  readonly name?: string;
  /**
   * How long a JetStream call may take: a publish waiting for its ack, a stream or consumer
   * update. (`request()` has its own `RequestOptions.timeoutMs`.) @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * Receives errors the bus handles by itself: a consume loop restarting after a failure,
   * a consume handler that threw (its message is nak'd), a subscription handler that threw.
   * @default emitBusWarning (a process warning)
   */
  readonly onError?: BusErrorListener;
}

/**
 * Connects to NATS and returns the JetStream-backed bus. Fails fast (with a
 * {@link BusConnectionError}) when the server cannot be reached or has no JetStream; once
 * connected, the client reconnects for ever and consumers resume by themselves.
 *
 * @example
 * const bus = await connectNatsBus({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
 * await bus.ensureStreams(createSubjects('sb').streamSpecs);
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<Bus> {
  const { servers } = options;
  const callTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const report = createErrorReporter(options.onError);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: servers.split(',').map((s) => s.trim()),
      name: options.name ?? 'switchboard',
      // A router must outlive server restarts: never give up reconnecting.
      maxReconnectAttempts: -1,
      // The client otherwise builds an Error (a stack trace) for every request, in case
      // it times out: measured at about 16% of the service's CPU under load, since
      // every JetStream publish is a request. Our errors keep their own context.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new BusConnectionError(servers, error instanceof Error ? error.message : String(error), { cause: error });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc, { timeout: callTimeoutMs });
  } catch (error) {
    await nc.close();
    const reason =
      isNoResponders(error) || isJetStreamNotEnabled(error)
        ? 'the server has no JetStream'
        : error instanceof Error
          ? error.message
          : String(error);
    throw new BusConnectionError(servers, reason, { cause: error });
  }
  const js = jetstream(nc, { timeout: callTimeoutMs });
  const running = new Set<BusSubscription>();
  let closed = false;
  const reconnectListeners = new Set<() => void>();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type !== 'reconnect') continue;
      for (const listener of reconnectListeners) {
        try {
          listener();
        } catch (error) {
          report(new BusError('a reconnect listener threw', { cause: error }));
        }
      }
    }
  })();


  const assertOpen = (operation: string): void => {
    if (closed) {
      throw new BusClosedError(operation);
    }
  };

  // No responders means nothing listens on the subject. If a core subscriber does listen,
  // the publish instead waits for an ack no stream sends: ask JetStream which it is.
  const explainTimeout = async (subject: string, error: TimeoutError): Promise<BusError> => {
    const operation = { description: `publish to ${subject}`, timeoutMs: callTimeoutMs };
    try {
      await jsm.streams.find(subject);
    } catch (lookupError) {
      if (lookupError instanceof Error && /no stream matches subject/i.test(lookupError.message)) {
        return new NoStreamForSubjectError(subject, { cause: error });
      }
    }
    return translateNatsError(error, operation);
  };

  return {
    kind: 'nats',

    async ensureStreams(specs) {
      assertOpen('ensureStreams');
      for (const spec of specs) {
        const settings = resolveStreamSettings(spec);
        try {
          await ensureNatsStream(jsm, settings);
        } catch (error) {
          throw translateNatsError(error, { description: `ensureStreams (stream "${settings.name}")`, timeoutMs: callTimeoutMs });
        }
      }
    },

    async publish(subject, data, publishOptions = {}): Promise<PublishAck> {
      assertOpen(`publish to ${subject}`);
      try {
        // One request per publish over the connection's shared reply subscription: many
        // publishes can be in flight at once without a subscription or a flush each.
        const ack = await js.publish(subject, data, {
          ...(publishOptions.msgId === undefined ? {} : { msgID: publishOptions.msgId }),
          ...(publishOptions.headers === undefined ? {} : { headers: toNatsHeaders(publishOptions.headers) }),
        });
        return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
      } catch (error) {
        if (isNoResponders(error)) {
          throw new NoStreamForSubjectError(subject, { cause: error });
        }
        if (error instanceof TimeoutError) {
          throw await explainTimeout(subject, error);
        }
        throw translateNatsError(error, { description: `publish to ${subject}`, timeoutMs: callTimeoutMs });
      }
    },

    emit(subject, data, publishOptions = {}) {
      assertOpen(`emit to ${subject}`);
      // A core publish on a stream subject is stored by JetStream like any other; only the
      // ack round trip (a request per message) is skipped.
      const headers = toNatsHeaders({
        ...publishOptions.headers,
        ...(publishOptions.msgId === undefined ? {} : { 'Nats-Msg-Id': publishOptions.msgId }),
      });
      nc.publish(subject, data, headers === undefined ? undefined : { headers });
    },

    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },

    notify(subject, data, headers = {}) {
      assertOpen(`notify ${subject}`);
      const natsHeaders = toNatsHeaders(headers);
      nc.publish(subject, data, natsHeaders === undefined ? undefined : { headers: natsHeaders });
    },

    async consume(stream, consumeOptions, handler) {
      assertOpen(`consume ${stream}`);
      const settings = resolveConsumeSettings(consumeOptions);
      try {
        await ensureNatsConsumer(jsm, stream, settings);
      } catch (error) {
        throw translateNatsError(error, {
          description: `consume ${stream} (durable consumer "${settings.durable}")`,
          timeoutMs: callTimeoutMs,
          stream,
        });
      }
      const loop = startNatsConsumeLoop({ js, jsm, stream, settings, handler, timeoutMs: callTimeoutMs, report });
      const subscription: BusSubscription = {
        async stop() {
          running.delete(subscription);
          await loop.stop();
        },
      };
      running.add(subscription);
      return subscription;
    },

    async request(subject, data, requestOptions = {}) {
      assertOpen(`request to ${subject}`);
      const timeoutMs = resolveRequestTimeoutMs(requestOptions);
      try {
        const reply = await nc.request(subject, data, { timeout: timeoutMs, headers: toNatsHeaders(requestOptions.headers) });
        // The reply arrives on an inbox subject; report the subject it answers instead.
        return createBusEvent(subject, reply.data, fromNatsHeaders(reply.headers));
      } catch (error) {
        if (isNoResponders(error)) {
          throw new NoResponderError(subject, { cause: error });
        }
        throw translateNatsError(error, {
          description: `request to ${subject}`,
          timeoutMs,
          timeoutHint: 'is the component that serves it running, and does its handler answer in time?',
        });
      }
    },

    async serve(subject, serveOptions, handler) {
      assertOpen(`serve ${subject}`);
      let server: BusSubscription;
      try {
        server = await startNatsServer({ nc, subject, queue: serveOptions.queue, handler, timeoutMs: callTimeoutMs, report });
      } catch (error) {
        throw translateNatsError(error, { description: `serve ${subject}`, timeoutMs: callTimeoutMs });
      }
      const subscription: BusSubscription = {
        async stop() {
          running.delete(subscription);
          await server.stop();
        },
      };
      running.add(subscription);
      return subscription;
    },

    async subscribe(subject, handler) {
      assertOpen(`subscribe to ${subject}`);
      try {
        const sub = nc.subscribe(subject, {
          callback: (error, msg) => {
            if (error) {
              report(translateNatsError(error, { description: `subscription to ${subject}`, timeoutMs: callTimeoutMs }));
              return;
            }
            try {
              handler(createBusEvent(msg.subject, msg.data, fromNatsHeaders(msg.headers)));
            } catch (handlerError) {
              report(
                new BusError(
                  `subscription handler for "${subject}" threw on an event on "${msg.subject}"; the subscription goes on`,
                  { cause: handlerError },
                ),
              );
            }
          },
        });
        // Make sure the server knows the subscription before the caller relies on it.
        await nc.flush();
        return {
          async stop() {
            if (!sub.isClosed()) {
              sub.unsubscribe();
            }
          },
        };
      } catch (error) {
        throw translateNatsError(error, { description: `subscribe to ${subject}`, timeoutMs: callTimeoutMs });
      }
    },

    async ping() {
      if (closed || nc.isClosed()) {
        return false;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      });
      try {
        return await Promise.race([nc.flush().then(() => true), timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await Promise.all([...running].map((s) => s.stop()));
      if (!nc.isClosed()) {
        // drain() lets pending publishes and acks go out before the connection closes.
        await nc.drain();
      }
    },
  };
}
