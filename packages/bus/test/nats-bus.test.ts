import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import {
  BusConnectionError,
  type BusError,
  type BusMessage,
  connectNatsBus,
  createSubjects,
  encodeJson,
  NoStreamForSubjectError,
} from '../src/index.ts';
import { waitFor } from './bus-harness.ts';

// What only the NATS bus does; the shared behaviour is in bus-contract.test.ts.
describe('connectNatsBus', () => {
  it('rejects with BusConnectionError naming the server, the reason and the fix when nothing listens there', async () => {
    const error = await connectNatsBus({ servers: 'nats://127.0.0.1:1' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BusConnectionError);
    expect((error as BusConnectionError).servers).toBe('nats://127.0.0.1:1');
    expect((error as Error).message).toBe(
      'could not connect to NATS at nats://127.0.0.1:1: connection refused. Is nats-server running with JetStream (-js)? Set NATS_URL or leave it unset for the in-process bus.',
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

const natsUrl = process.env.NATS_URL;
describe.skipIf(!natsUrl)('NATS bus, against a server', () => {
  const servers = natsUrl ?? '';

  async function withBus(test: (context: { bus: Awaited<ReturnType<typeof connectNatsBus>>; subjects: ReturnType<typeof createSubjects>; errors: BusError[] }) => Promise<void>) {
    const errors: BusError[] = [];
    const subjects = createSubjects(`t${randomUUID().replaceAll('-', '').slice(0, 12)}`);
    const bus = await connectNatsBus({ servers, timeoutMs: 500, onError: (e) => errors.push(e) });
    try {
      await test({ bus, subjects, errors });
    } finally {
      await bus.close();
      const nc = await connect({ servers });
      const jsm = await jetstreamManager(nc);
      for (const stream of Object.values(subjects.streams)) {
        await jsm.streams.delete(stream).catch(() => false);
      }
      await nc.close();
    }
  }

  it('ensureStreams is safe when two processes run it at once', async () => {
    await withBus(async ({ bus, subjects }) => {
      const other = await connectNatsBus({ servers });
      try {
        await Promise.all([bus.ensureStreams(subjects.streamSpecs), other.ensureStreams(subjects.streamSpecs)]);
        expect(await other.publish(subjects.leadIntake, encodeJson({}))).toEqual({ stream: subjects.streams.intake, seq: 1, duplicate: false });
      } finally {
        await other.close();
      }
    });
  });

  it('rejects a publish with NoStreamForSubjectError, not a timeout, when only a core subscriber listens on the subject', async () => {
    await withBus(async ({ bus, subjects }) => {
      const subject = `${subjects.namespace}.evt.uncovered`;
      const subscription = await bus.subscribe(subject, () => {});

      const error = await bus.publish(subject, encodeJson({})).catch((e: unknown) => e);
      await subscription.stop();

      expect(error).toBeInstanceOf(NoStreamForSubjectError);
      expect((error as NoStreamForSubjectError).subject).toBe(subject);
    });
  });

  it('keeps consuming after its durable consumer was deleted under it: it reports, re-creates the consumer and goes on', async () => {
    await withBus(async ({ bus, subjects, errors }) => {
      await bus.ensureStreams(subjects.streamSpecs);
      const deliveries: BusMessage[] = [];
      const subscription = await bus.consume(subjects.streams.intake, { durable: 'router' }, (m) => {
        deliveries.push(m);
        m.ack();
      });
      await bus.publish(subjects.leadIntake, encodeJson({ n: 1 }));
      await waitFor('the first delivery', () => deliveries.length === 1);

      const nc = await connect({ servers });
      await (await jetstreamManager(nc)).consumers.delete(subjects.streams.intake, 'router');
      await nc.close();
      await bus.publish(subjects.leadIntake, encodeJson({ n: 2 }));
      // The re-created consumer starts from the beginning of the stream (deliver all).
      await waitFor('the message published after the deletion', () => deliveries.some((m) => m.seq === 2), 8000);
      await subscription.stop();

      expect(errors.map((e) => e.message)).toEqual([
        `consume loop of durable consumer "router" on stream "${subjects.streams.intake}" stopped (the server reported consumer_deleted); restarting it`,
      ]);
    });
  }, 15_000);
});
