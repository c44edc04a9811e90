import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type Bus, type BusError, type BusSubscription, connectNatsBus, createInProcessBus, createSubjects, type Subjects } from '../src/index.ts';

/**
 * One bus under test, with what a test needs around it: a fresh namespace, the errors the
 * bus reported, and cleanup of everything the test created.
 */
export interface BusHarness {
  readonly bus: Bus;
  readonly subjects: Subjects;
  /** Errors passed to the bus's `onError`. */
  readonly errors: BusError[];
  /** Remembers a subscription so that `dispose()` stops it if the test did not. */
  track<T extends BusSubscription>(subscription: T): T;
  /** Stops tracked subscriptions, closes the bus and deletes the namespace's streams. */
  dispose(): Promise<void>;
}

/** Creates a {@link BusHarness}; one per test. */
export type MakeHarness = () => Promise<BusHarness>;

function freshSubjects(): Subjects {
  return createSubjects(`t${randomUUID().replaceAll('-', '').slice(0, 12)}`);
}

function harness(bus: Bus, subjects: Subjects, errors: BusError[], deleteStreams: () => Promise<void>): BusHarness {
  const subscriptions: BusSubscription[] = [];
  return {
    bus,
    subjects,
    errors,
    track(subscription) {
      subscriptions.push(subscription);
      return subscription;
    },
    async dispose() {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await bus.close();
      await deleteStreams();
    },
  };
}

/** A harness around a new in-process bus (its streams go away with it). */
export const makeInProcessHarness: MakeHarness = async () => {
  const errors: BusError[] = [];
  const bus = createInProcessBus({ onError: (error) => errors.push(error) });
  return harness(bus, freshSubjects(), errors, async () => {});
};

/** A harness around a NATS bus connected to `servers`; it deletes the test's streams afterwards. */
export function makeNatsHarness(servers: string): MakeHarness {
  return async () => {
    const errors: BusError[] = [];
    const subjects = freshSubjects();
    const bus = await connectNatsBus({ servers, name: 'bus-contract-test', onError: (error) => errors.push(error) });
    return harness(bus, subjects, errors, async () => {
      const nc = await connect({ servers });
      try {
        const jsm = await jetstreamManager(nc);
        const names: string[] = [];
        for await (const name of jsm.streams.names()) {
          if (name.startsWith(`${subjects.namespace}_`)) {
            names.push(name);
          }
        }
        await Promise.all(names.map((name) => jsm.streams.delete(name)));
      } finally {
        await nc.close();
      }
    });
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every 10 ms until it returns something other than `undefined` or `false`.
 *
 * @throws Error naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(10);
  }
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function deferred(): { readonly promise: Promise<void>; readonly resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
