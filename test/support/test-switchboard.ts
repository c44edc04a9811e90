import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createSubjects } from '@switchboard/bus';
import type { Scheduler } from '@switchboard/router';
import { configFromEnv, type RunningSwitchboard, startSwitchboard } from '@switchboard/server';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { TEST_ADMIN_KEY } from './test-keys.ts';

/** Which bus a test runs on. */
export type TestBus = 'nats' | 'in-process';

/** The buses to run a suite on: NATS only when NATS_URL is set. */
export const availableBuses: ReadonlyArray<TestBus> = process.env.NATS_URL ? ['in-process', 'nats'] : ['in-process'];

/** A Switchboard started for one test, on a fresh schema and namespace. */
export interface TestSwitchboard {
  readonly running: RunningSwitchboard;
  readonly url: string;
  readonly database: TestDatabase;
  readonly namespace: string;
  /** Stops the service and keeps the schema and streams (to start again on them). */
  stop(): Promise<void>;
  /** Stops this one and starts a new process-equivalent on the same schema and namespace (with a router unless told otherwise). */
  restart(overrides?: Partial<TestSwitchboardOptions>): Promise<TestSwitchboard>;
  /** Stops the service and removes the schema and the namespace's streams. */
  destroy(): Promise<void>;
}

/** Options of `startTestSwitchboard`. */
export interface TestSwitchboardOptions {
  readonly bus: TestBus;
  /** Reuse a schema (for restarts). */
  readonly database?: TestDatabase;
  readonly namespace?: string;
  /** Log at this level to stderr. @default 'silent' */
  readonly logLevel?: string;
  /** Run the router in this process. @default true */
  readonly router?: boolean;
  /** Time and timers (a `ManualScheduler` for SLA tests). @default the system clock */
  readonly scheduler?: Scheduler;
  /** More environment variables for the configuration, e.g. `SALESFORCE_*`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts a whole Switchboard (API + router) on a free port against the test PostgreSQL and the chosen bus. */
export async function startTestSwitchboard(options: TestSwitchboardOptions): Promise<TestSwitchboard> {
  if (options.bus === 'nats' && !process.env.NATS_URL) {
    throw new Error('this test needs NATS_URL (e.g. nats://127.0.0.1:4222); guard it with availableBuses');
  }
  const database = options.database ?? (await createTestDatabase());
  const namespace = options.namespace ?? `t${randomBytes(5).toString('hex')}`;
  const config = configFromEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    NATS_URL: options.bus === 'nats' ? process.env.NATS_URL : undefined,
    SWITCHBOARD_NAMESPACE: namespace,
    SWITCHBOARD_ADMIN_KEY: TEST_ADMIN_KEY,
    // The tests' calendar feeds run on this machine (refusing them by default is tested too).
    SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES: 'allow',
    ...options.env,
  });
  const running = await startSwitchboard(config, {
    logger: pino({ level: options.logLevel ?? 'silent' }),
    router: options.router ?? true,
    ...(options.scheduler && { scheduler: options.scheduler }),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop();
  };
  return {
    running,
    url: running.url,
    database,
    namespace,
    stop,
    restart: async (overrides: Partial<TestSwitchboardOptions> = {}) => {
      await stop();
      return startTestSwitchboard({ ...options, router: true, ...overrides, database, namespace });
    },
    destroy: async () => {
      await stop();
      if (options.bus === 'nats') await deleteNamespaceStreams(namespace);
      await database.drop();
    },
  };
}

/** Removes the JetStream streams of a test namespace. */
export async function deleteNamespaceStreams(namespace: string): Promise<void> {
  const nc = await connect({ servers: process.env.NATS_URL as string });
  try {
    const jsm = await jetstreamManager(nc);
    const { streams } = createSubjects(namespace);
    for (const name of Object.values(streams)) {
      await jsm.streams.delete(name).catch(() => false);
    }
  } finally {
    await nc.close();
  }
}
