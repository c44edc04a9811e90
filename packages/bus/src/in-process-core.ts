import type { BusEvent, BusHeaders, BusSubscription } from './bus.ts';
import { createBusEvent } from './bus-message.ts';
import { BusError, BusTimeoutError, NoResponderError } from './errors.ts';
import { encodeServeError, SERVE_ERROR_HEADERS } from './serve-error-reply.ts';
import { subjectMatches } from './subject-pattern.ts';

/**
 * The non-durable half of the in-process bus, standing in for core NATS: plain
 * subscriptions and request/reply. Nothing is stored; handlers run on a later turn.
 */
export interface InProcessCore {
  /** Hands a message to the matching subscriptions (a JetStream publish is a core message too). */
  deliver(subject: string, data: Uint8Array, headers: BusHeaders): void;
  subscribe(pattern: string, handler: (event: BusEvent) => void): BusSubscription;
  serve(pattern: string, queue: string | undefined, handler: (request: BusEvent) => Uint8Array | Promise<Uint8Array>): BusSubscription;
  request(subject: string, data: Uint8Array, headers: BusHeaders, timeoutMs: number): Promise<BusEvent>;
  /** Stops every subscription and server; resolves when the servers' handlers are idle. */
  close(): Promise<void>;
}

interface Subscriber {
  readonly pattern: string;
  readonly handler: (event: BusEvent) => void;
  active: boolean;
}

interface Server {
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly answer: (request: BusEvent, reply: (event: BusEvent) => void) => void;
  readonly stop: () => Promise<void>;
  active: boolean;
}

/** Creates the core (non-durable) messaging of one in-process bus. */
export function createInProcessCore(report: (error: BusError) => void): InProcessCore {
  const subscribers = new Set<Subscriber>();
  const servers = new Set<Server>();
  // Round-robin position per queue group, so that queue members share the requests.
  const queueTurns = new Map<string, number>();

  const deliver = (subject: string, data: Uint8Array, headers: BusHeaders): void => {
    const targets = [...subscribers].filter((s) => subjectMatches(s.pattern, subject));
    if (targets.length === 0) {
      return;
    }
    const event = createBusEvent(subject, data.slice(), headers);
    setImmediate(() => {
      for (const subscriber of targets) {
        if (!subscriber.active) {
          continue;
        }
        try {
          subscriber.handler(event);
        } catch (error) {
          report(
            new BusError(`subscription handler for "${subscriber.pattern}" threw on an event on "${subject}"; the subscription goes on`, {
              cause: error,
            }),
          );
        }
      }
    });
  };

  // As NATS does: every server outside a queue group gets the request, and one member of
  // each queue group.
  const pickServers = (subject: string): Server[] => {
    const picked: Server[] = [];
    const groups = new Map<string, Server[]>();
    for (const server of servers) {
      if (!subjectMatches(server.pattern, subject)) {
        continue;
      }
      if (server.queue === undefined) {
        picked.push(server);
      } else {
        groups.set(server.queue, [...(groups.get(server.queue) ?? []), server]);
      }
    }
    for (const [queue, members] of groups) {
      const turn = queueTurns.get(queue) ?? 0;
      queueTurns.set(queue, turn + 1);
      const member = members[turn % members.length];
      if (member !== undefined) {
        picked.push(member);
      }
    }
    return picked;
  };

  return {
    deliver,

    subscribe(pattern, handler) {
      const subscriber: Subscriber = { pattern, handler, active: true };
      subscribers.add(subscriber);
      return {
        async stop() {
          subscriber.active = false;
          subscribers.delete(subscriber);
        },
      };
    },

    serve(pattern, queue, handler) {
      const pending = new Set<Promise<void>>();
      const server: Server = {
        pattern,
        queue,
        active: true,
        answer(request, reply) {
          const task = Promise.resolve()
            .then(() => handler(request))
            .then(
              (bytes) => reply(createBusEvent(request.subject, bytes.slice(), {})),
              (error: unknown) => reply(createBusEvent(request.subject, encodeServeError(error), SERVE_ERROR_HEADERS)),
            );
          pending.add(task);
          void task.finally(() => pending.delete(task));
        },
        async stop() {
          server.active = false;
          servers.delete(server);
          while (pending.size > 0) {
            await Promise.allSettled([...pending]);
          }
        },
      };
      servers.add(server);
      return { stop: server.stop };
    },

    request(subject, data, headers, timeoutMs) {
      const targets = pickServers(subject);
      const listening = [...subscribers].some((s) => subjectMatches(s.pattern, subject));
      if (targets.length === 0 && !listening) {
        return Promise.reject(new NoResponderError(subject));
      }
      deliver(subject, data, headers);
      const request = createBusEvent(subject, data.slice(), headers);
      return new Promise<BusEvent>((resolve, reject) => {
        let answered = false;
        // Like NATS, a subject with subscribers but no server is not "no responders": it times out.
        const timer = setTimeout(() => {
          answered = true;
          reject(
            new BusTimeoutError(`request to ${subject}`, timeoutMs, {
              hint: 'is the component that serves it running, and does its handler answer in time?',
            }),
          );
        }, timeoutMs);
        const reply = (event: BusEvent): void => {
          if (answered) {
            return;
          }
          answered = true;
          clearTimeout(timer);
          resolve(event);
        };
        setImmediate(() => {
          for (const server of targets) {
            if (server.active) {
              server.answer(request, reply);
            }
          }
        });
      });
    },

    async close() {
      for (const subscriber of subscribers) {
        subscriber.active = false;
      }
      subscribers.clear();
      await Promise.all([...servers].map((server) => server.stop()));
    },
  };
}
