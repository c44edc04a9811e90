import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { BusEvent, BusSubscription } from './bus.ts';
import { createBusEvent } from './bus-message.ts';
import { BusError } from './errors.ts';
import { translateNatsError } from './nats-error-translation.ts';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.ts';
import { encodeServeError, SERVE_ERROR_HEADERS } from './serve-error-reply.ts';

/** What {@link startNatsServer} needs. */
export interface NatsServerOptions {
  readonly nc: NatsConnection;
  readonly subject: string;
  readonly queue: string | undefined;
  readonly handler: (request: BusEvent) => Uint8Array | Promise<Uint8Array>;
  readonly timeoutMs: number;
  readonly report: (error: BusError) => void;
}

/**
 * Serves requests on a core NATS subscription (in a queue group when `queue` is given):
 * each request runs the handler, without waiting for earlier ones, and the handler's bytes
 * are the reply. A handler that throws replies `{ "error": { "name", "message" } }` with
 * header `Sb-Error: 1`. `stop()` drains the subscription and waits for running handlers.
 */
export async function startNatsServer(options: NatsServerOptions): Promise<BusSubscription> {
  const { nc, subject, handler, report } = options;
  const pending = new Set<Promise<void>>();
  const errorHeaders: MsgHdrs | undefined = toNatsHeaders(SERVE_ERROR_HEADERS);

  const respond = (msg: Msg, data: Uint8Array, headers: MsgHdrs | undefined): void => {
    try {
      msg.respond(data, headers === undefined ? undefined : { headers });
    } catch (error) {
      report(translateNatsError(error, { description: `reply to a request on ${msg.subject}`, timeoutMs: options.timeoutMs }));
    }
  };

  const answer = (msg: Msg): void => {
    const request = createBusEvent(msg.subject, msg.data, fromNatsHeaders(msg.headers));
    const task = Promise.resolve()
      .then(() => handler(request))
      .then(
        (bytes) => {
          if (msg.reply) {
            respond(msg, bytes, undefined);
          }
        },
        (error: unknown) => {
          if (msg.reply) {
            respond(msg, encodeServeError(error), errorHeaders);
            return;
          }
          // A plain publish (no reply subject) reached the server: nobody else would hear of it.
          report(new BusError(`serve handler for "${subject}" threw on a message on "${msg.subject}" that expected no reply`, { cause: error }));
        },
      );
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };

  const sub = nc.subscribe(subject, {
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    callback: (error, msg) => {
      if (error) {
        report(translateNatsError(error, { description: `serve ${subject}`, timeoutMs: options.timeoutMs }));
        return;
      }
      answer(msg);
    },
  });
  // Make sure the server knows the subscription before the caller relies on it.
  await nc.flush();

  return {
    async stop() {
      if (!sub.isClosed()) {
        try {
          // Hands over the requests already received, then unsubscribes.
          await sub.drain();
        } catch {
          // The connection is closing or closed: the subscription is gone either way.
        }
      }
      while (pending.size > 0) {
        await Promise.allSettled([...pending]);
      }
    },
  };
}
