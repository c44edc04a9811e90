import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BusClosedError,
  BusError,
  type BusEvent,
  type BusMessage,
  BusTimeoutError,
  decodeJson,
  encodeJson,
  NoResponderError,
  NoStreamForSubjectError,
  SERVE_ERROR_HEADER,
  StreamNotFoundError,
} from '../src/index.ts';
import { type BusHarness, deferred, type MakeHarness, makeInProcessHarness, makeNatsHarness, sleep, waitFor } from './bus-harness.ts';

/**
 * The behaviour both buses promise. Each test gets a fresh namespace and bus, and its
 * streams are deleted afterwards.
 */
function describeBusContract(name: string, makeHarness: MakeHarness): void {
  describe(`${name} bus contract`, () => {
    let h: BusHarness;

    beforeEach(async () => {
      h = await makeHarness();
    });

    afterEach(async () => {
      // Errors a test expects are asserted and cleared by that test; any other is a bug.
      const unexpected = h.errors.map((e) => e.message);
      await h.dispose();
      expect(unexpected).toEqual([]);
    });

    /** Consumes the intake stream, recording every delivery; `onMessage` decides what to do with it. */
    async function consumeIntake(
      durable: string,
      onMessage: (message: BusMessage) => void | Promise<void> = (message) => message.ack(),
      options: { maxInFlight?: number; ackWaitMs?: number } = {},
    ) {
      const deliveries: BusMessage[] = [];
      const subscription = h.track(
        await h.bus.consume(h.subjects.streams.intake, { durable, ...options }, (message) => {
          deliveries.push(message);
          return onMessage(message);
        }),
      );
      return { deliveries, subscription };
    }

    describe('ensureStreams', () => {
      it('creates the streams and can be called again, also concurrently, without losing messages', async () => {
        const { bus, subjects } = h;
        await Promise.all([bus.ensureStreams(subjects.streamSpecs), bus.ensureStreams(subjects.streamSpecs)]);
        const first = await bus.publish(subjects.leadIntake, encodeJson({ n: 1 }));
        await bus.ensureStreams(subjects.streamSpecs);
        const second = await bus.publish(subjects.leadIntake, encodeJson({ n: 2 }));

        expect(first).toEqual({ stream: subjects.streams.intake, seq: 1, duplicate: false });
        expect(second).toEqual({ stream: subjects.streams.intake, seq: 2, duplicate: false });
      });

      it('updates the subjects of an existing stream', async () => {
        const { bus, subjects } = h;
        const name = `${subjects.namespace}_EXTRA`;
        await bus.ensureStreams([{ name, subjects: [`${subjects.namespace}.extra.a`] }]);
        await bus.publish(`${subjects.namespace}.extra.a`, encodeJson('a'));

        await bus.ensureStreams([{ name, subjects: [`${subjects.namespace}.extra.a`, `${subjects.namespace}.extra.b`] }]);

        expect(await bus.publish(`${subjects.namespace}.extra.b`, encodeJson('b'))).toEqual({ stream: name, seq: 2, duplicate: false });
      });

      it('rejects a stream name NATS would refuse, naming it', async () => {
        const error = await h.bus.ensureStreams([{ name: 'bad.name', subjects: ['x.y'] }]).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(BusError);
        expect((error as Error).message).toBe(
          'stream name "bad.name" is invalid: use a non-empty name without ".", "*", ">", "/", "\\" or whitespace',
        );
      });
    });

    describe('publish', () => {
      beforeEach(async () => {
        await h.bus.ensureStreams(h.subjects.streamSpecs);
      });

      it('stores a message and delivers its subject, data, headers, seq and deliveryCount to a durable consumer', async () => {
        const ack = await h.bus.publish(h.subjects.leadIntake, encodeJson({ email: 'ada@example.com' }), {
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-source': 'api' },
        });
        const { deliveries } = await consumeIntake('reader');
        const [message] = await waitFor('the delivery', () => deliveries.length === 1 && deliveries);

        expect(ack).toEqual({ stream: h.subjects.streams.intake, seq: 1, duplicate: false });
        expect(message?.subject).toBe(h.subjects.leadIntake);
        expect(message?.json()).toEqual({ email: 'ada@example.com' });
        expect(decodeJson(message?.data ?? new Uint8Array())).toEqual({ email: 'ada@example.com' });
        expect(message?.headers).toEqual({
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          'x-source': 'api',
        });
        expect(message?.seq).toBe(1);
        expect(message?.deliveryCount).toBe(1);
      });

      it('accepts a repeated msgId within the duplicate window without storing it again, answering the original seq', async () => {
        const first = await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 1 }), { msgId: 'lead-1' });
        const again = await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 1 }), { msgId: 'lead-1' });
        const other = await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 2 }), { msgId: 'lead-2' });
        const { deliveries } = await consumeIntake('reader');
        await waitFor('two deliveries', () => deliveries.length === 2);
        await sleep(200);

        expect(first).toEqual({ stream: h.subjects.streams.intake, seq: 1, duplicate: false });
        expect(again).toEqual({ stream: h.subjects.streams.intake, seq: 1, duplicate: true });
        expect(other.seq).toBe(2);
        expect(deliveries.map((m) => m.json())).toEqual([{ n: 1 }, { n: 2 }]);
      });

      it('stores emitted messages (no ack awaited) in the stream, with headers, deduplicated by msgId', async () => {
        h.bus.emit(h.subjects.leadIntake, encodeJson({ n: 1 }), { msgId: 'emit-1', headers: { 'X-Kind': 'note' } });
        h.bus.emit(h.subjects.leadIntake, encodeJson({ n: 1 }), { msgId: 'emit-1' });
        h.bus.emit(h.subjects.leadIntake, encodeJson({ n: 2 }), { msgId: 'emit-2' });
        const { deliveries } = await consumeIntake('emit-reader');
        await waitFor('two deliveries', () => deliveries.length === 2);
        await sleep(200);

        expect(deliveries.map((m) => m.json())).toEqual([{ n: 1 }, { n: 2 }]);
        expect(deliveries[0]?.headers['X-Kind']).toBe('note');
      });

      it('rejects a publish to a subject no stream stores with NoStreamForSubjectError naming the subject', async () => {
        const subject = `${h.subjects.namespace}.nowhere`;
        const error = await h.bus.publish(subject, encodeJson({})).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(NoStreamForSubjectError);
        expect(error).toBeInstanceOf(BusError);
        expect((error as NoStreamForSubjectError).subject).toBe(subject);
        expect((error as Error).message).toBe(
          `no stream stores subject "${subject}": declare a stream whose subjects match it and pass it to Bus.ensureStreams() before publishing`,
        );
      });

      it('consumes 500 messages published concurrently exactly once each, never more than maxInFlight (50) at a time', async () => {
        const acks = await Promise.all(
          Array.from({ length: 500 }, (_, i) => h.bus.publish(h.subjects.leadIntake, encodeJson({ i }), { msgId: `m-${i}` })),
        );
        let inFlight = 0;
        let maxSeen = 0;
        const handled = new Map<number, number>();
        const { deliveries } = await consumeIntake(
          'bulk',
          async (message) => {
            inFlight += 1;
            maxSeen = Math.max(maxSeen, inFlight);
            await sleep(1 + (message.seq % 3));
            handled.set(message.seq, (handled.get(message.seq) ?? 0) + 1);
            inFlight -= 1;
            message.ack();
          },
          { maxInFlight: 50 },
        );
        await waitFor('500 handled messages', () => handled.size === 500, 10_000);
        await sleep(200);

        expect(new Set(acks.map((a) => a.seq)).size).toBe(500);
        expect(deliveries).toHaveLength(500);
        expect([...handled.values()].every((count) => count === 1)).toBe(true);
        expect(deliveries.every((m) => m.deliveryCount === 1)).toBe(true);
        expect(maxSeen).toBeLessThanOrEqual(50);
        expect(maxSeen).toBeGreaterThan(1);
      });
    });

    describe('consume', () => {
      beforeEach(async () => {
        await h.bus.ensureStreams(h.subjects.streamSpecs);
      });

      it('does not redeliver acknowledged messages when a durable consumer stops and resumes', async () => {
        for (const n of [1, 2, 3]) {
          await h.bus.publish(h.subjects.leadIntake, encodeJson({ n }));
        }
        const before = await consumeIntake('router');
        await waitFor('three deliveries', () => before.deliveries.length === 3);
        await before.subscription.stop();
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 4 }));

        const after = await consumeIntake('router');
        await waitFor('the new message', () => after.deliveries.length === 1);
        await sleep(300);

        expect(after.deliveries.map((m) => [m.seq, m.deliveryCount])).toEqual([[4, 1]]);
      });

      it('redelivers an unacknowledged message once its ack wait ran out, to the same durable started again', async () => {
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 1 }));
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 2 }));
        const before = await consumeIntake(
          'router',
          (message) => {
            if (message.seq === 1) message.ack();
          },
          { ackWaitMs: 1000 },
        );
        await waitFor('two deliveries', () => before.deliveries.length === 2);
        await before.subscription.stop();

        const after = await consumeIntake('router', (message) => message.ack(), { ackWaitMs: 1000 });
        await waitFor('the redelivery', () => after.deliveries.length === 1);
        await sleep(200);

        expect(after.deliveries.map((m) => [m.seq, m.deliveryCount, m.json()])).toEqual([[2, 2, { n: 2 }]]);
      });

      it("redelivers a nak'd message after the given delay, with deliveryCount 2", async () => {
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 1 }));
        const times: number[] = [];
        const { deliveries } = await consumeIntake('router', (message) => {
          times.push(Date.now());
          if (message.deliveryCount === 1) message.nak(300);
          else message.ack();
        });
        await waitFor('the redelivery', () => deliveries.length === 2);
        await sleep(200);

        expect(deliveries.map((m) => [m.seq, m.deliveryCount])).toEqual([
          [1, 1],
          [1, 2],
        ]);
        expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(250);
      });

      it('never redelivers a termed message, even after its ack wait', async () => {
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ poison: true }));
        const { deliveries } = await consumeIntake('router', (message) => message.term(), { ackWaitMs: 1000 });
        await waitFor('the delivery', () => deliveries.length === 1);
        await sleep(1500);

        expect(deliveries).toHaveLength(1);
      });

      it('redelivers a message whose handler threw or rejected, and reports the error with its cause', async () => {
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 1 }));
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 2 }));
        const { deliveries } = await consumeIntake('router', (message) => {
          if (message.deliveryCount > 1) {
            message.ack();
            return;
          }
          if (message.seq === 1) throw new Error('boom, synchronously');
          return Promise.reject(new Error('boom, asynchronously'));
        });
        await waitFor('two redeliveries', () => deliveries.filter((m) => m.deliveryCount === 2).length === 2);

        expect(deliveries.filter((m) => m.deliveryCount === 2).map((m) => m.seq).sort()).toEqual([1, 2]);
        const causes = h.errors.map((e) => (e.cause as Error).message).sort();
        expect(causes).toEqual(['boom, asynchronously', 'boom, synchronously']);
        expect(h.errors[0]).toBeInstanceOf(BusError);
        expect(h.errors.map((e) => e.message)).toContain(
          `handler of durable consumer "router" on stream "${h.subjects.streams.intake}" threw on message seq 1 (delivery 1); the message was nak'd for redelivery`,
        );
        h.errors.length = 0;
      });

      it('delivers only the messages that match filterSubject', async () => {
        const { bus, subjects } = h;
        await bus.publish(subjects.event('lead.created'), encodeJson({ n: 1 }));
        await bus.publish(subjects.event('lead.assigned'), encodeJson({ n: 2 }));
        const deliveries: BusMessage[] = [];
        h.track(
          await bus.consume(subjects.streams.events, { durable: 'assigned', filterSubject: subjects.event('lead.assigned') }, (m) => {
            deliveries.push(m);
            m.ack();
          }),
        );
        await waitFor('the delivery', () => deliveries.length === 1);
        await sleep(200);

        expect(deliveries.map((m) => [m.subject, m.seq])).toEqual([[subjects.event('lead.assigned'), 2]]);
      });

      it('stop() stops delivery and resolves only once running handlers have settled', async () => {
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 1 }));
        const gate = deferred();
        const { deliveries, subscription } = await consumeIntake('router', async (message) => {
          await gate.promise;
          message.ack();
        });
        await waitFor('the delivery', () => deliveries.length === 1);
        let stopped = false;
        const stopping = subscription.stop().then(() => {
          stopped = true;
        });
        await sleep(100);
        expect(stopped).toBe(false);

        gate.resolve();
        await stopping;
        await h.bus.publish(h.subjects.leadIntake, encodeJson({ n: 2 }));
        await sleep(200);

        expect(deliveries).toHaveLength(1);
      });

      it('rejects consuming a stream that does not exist with StreamNotFoundError', async () => {
        const stream = `${h.subjects.namespace}_MISSING`;
        const error = await h.bus.consume(stream, { durable: 'router' }, () => {}).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(StreamNotFoundError);
        expect((error as Error).message).toBe(`stream "${stream}" does not exist: call Bus.ensureStreams() with its StreamSpec first`);
      });

      it('rejects an invalid maxInFlight, naming the option', async () => {
        const error = await h.bus.consume(h.subjects.streams.intake, { durable: 'router', maxInFlight: 0 }, () => {}).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(BusError);
        expect((error as Error).message).toBe('ConsumeOptions.maxInFlight must be an integer ≥ 1, got 0');
      });
    });

    describe('subscribe', () => {
      it('sees publishes to events subjects while subscribed, and none after stop()', async () => {
        const { bus, subjects } = h;
        await bus.ensureStreams(subjects.streamSpecs);
        const events: BusEvent[] = [];
        const subscription = h.track(await bus.subscribe(subjects.allEvents, (event) => events.push(event)));

        await bus.publish(subjects.leadIntake, encodeJson({ not: 'an event' }));
        await bus.publish(subjects.event('lead.assigned'), encodeJson({ leadId: 'L1' }), { headers: { traceparent: 'tp-1' } });
        const [event] = await waitFor('the event', () => events.length === 1 && events);
        await subscription.stop();
        await bus.publish(subjects.event('lead.assigned'), encodeJson({ leadId: 'L2' }));
        await sleep(200);

        expect(event?.subject).toBe(subjects.event('lead.assigned'));
        expect(event?.json()).toEqual({ leadId: 'L1' });
        expect(event?.headers).toEqual({ traceparent: 'tp-1' });
        expect(events).toHaveLength(1);
      });

      it('hands a notify to current subscribers only, on a subject no stream stores', async () => {
        const { bus, subjects } = h;
        await bus.ensureStreams(subjects.streamSpecs);
        const subject = subjects.inspectEvents('rep', 'r1');
        bus.notify(subject, encodeJson({ n: 0 }));
        const events: BusEvent[] = [];
        const subscription = h.track(await bus.subscribe(subject, (event) => events.push(event)));
        bus.notify(subject, encodeJson({ n: 1 }), { 'x-kind': 'inspection' });
        const [event] = await waitFor('the notify', () => events.length === 1 && events);
        await subscription.stop();

        expect(event?.json()).toEqual({ n: 1 });
        expect(event?.headers).toEqual({ 'x-kind': 'inspection' });
        // Not kept anywhere: a notify before the subscription is gone for good.
        await sleep(200);
        expect(events).toHaveLength(1);
      });
    });

    describe('request and serve', () => {
      it('resolves a request with the reply of a serve handler', async () => {
        const subject = `${h.subjects.namespace}.rep.r1`;
        h.track(
          await h.bus.serve(`${h.subjects.namespace}.rep.*`, {}, async (request) => {
            const { n } = request.json<{ n: number }>();
            return encodeJson({ subject: request.subject, doubled: n * 2, trace: request.headers.traceparent });
          }),
        );

        const reply = await h.bus.request(subject, encodeJson({ n: 21 }), { headers: { traceparent: 'tp-2' } });

        expect(reply.json()).toEqual({ subject, doubled: 42, trace: 'tp-2' });
        expect(reply.headers[SERVE_ERROR_HEADER]).toBeUndefined();
      });

      it('replies with the error of a serve handler that threw, marked with Sb-Error: 1', async () => {
        const subject = `${h.subjects.namespace}.team.t1`;
        h.track(
          await h.bus.serve(subject, {}, () => {
            throw new RangeError('cap must be ≥ 0');
          }),
        );

        const reply = await h.bus.request(subject, encodeJson({}));

        expect(reply.headers).toEqual({ [SERVE_ERROR_HEADER]: '1' });
        expect(reply.json()).toEqual({ error: { name: 'RangeError', message: 'cap must be ≥ 0' } });
      });

      it('rejects a request nobody serves with NoResponderError at once', async () => {
        const subject = `${h.subjects.namespace}.rep.nobody`;
        const started = Date.now();
        const error = await h.bus.request(subject, encodeJson({})).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(NoResponderError);
        expect((error as Error).message).toBe(
          `nobody serves "${subject}": start the component that calls Bus.serve() on it, or check the subject`,
        );
        expect(Date.now() - started).toBeLessThan(1000);
      });

      it('rejects a request that is not answered in time with BusTimeoutError', async () => {
        const subject = `${h.subjects.namespace}.rep.slow`;
        h.track(
          await h.bus.serve(subject, {}, async () => {
            await sleep(400);
            return encodeJson('late');
          }),
        );

        const error = await h.bus.request(subject, encodeJson({}), { timeoutMs: 100 }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(BusTimeoutError);
        expect((error as BusTimeoutError).timeoutMs).toBe(100);
        expect((error as Error).message).toBe(
          `request to ${subject} timed out after 100 ms: is the component that serves it running, and does its handler answer in time?`,
        );
      });

      it('splits requests between the members of a queue group', async () => {
        const subject = `${h.subjects.namespace}.rep.shared`;
        const served = { a: 0, b: 0 };
        for (const member of ['a', 'b'] as const) {
          h.track(
            await h.bus.serve(subject, { queue: 'routers' }, () => {
              served[member] += 1;
              return encodeJson(member);
            }),
          );
        }

        for (let i = 0; i < 20; i++) {
          await h.bus.request(subject, encodeJson(i));
        }

        expect(served.a + served.b).toBe(20);
        expect(served.a).toBeGreaterThan(0);
        expect(served.b).toBeGreaterThan(0);
      });
    });

    describe('lifecycle', () => {
      it('answers ping with true while open; after close, ping is false and publish rejects with BusClosedError', async () => {
        await h.bus.ensureStreams(h.subjects.streamSpecs);
        expect(await h.bus.ping()).toBe(true);

        await h.bus.close();
        const error = await h.bus.publish(h.subjects.leadIntake, encodeJson({})).catch((e: unknown) => e);

        expect(await h.bus.ping()).toBe(false);
        expect(error).toBeInstanceOf(BusClosedError);
        expect((error as Error).message).toBe(
          `publish to ${h.subjects.leadIntake} failed: the bus is closed (create a new bus instead of reusing a closed one)`,
        );
      });
    });
  });
}

describeBusContract('in-process', makeInProcessHarness);

const natsUrl = process.env.NATS_URL;
if (!natsUrl) {
  console.warn('NATS_URL is not set: the NATS bus contract suite is skipped');
}
describe.skipIf(!natsUrl)('with NATS_URL', () => {
  describeBusContract('NATS', makeNatsHarness(natsUrl ?? ''));
});
