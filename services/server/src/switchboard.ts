import { join } from 'node:path';
import { type Bus, connectNatsBus, createInProcessBus, createSubjects, type Subjects } from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import { createApiServer } from '@switchboard/api';
import { createRouter, type Router, type Scheduler, systemScheduler } from '@switchboard/router';
import { type SalesforceConnector, startSalesforceConnector } from '@switchboard/salesforce';
import { createMetrics, logTelemetryDiagnostics, registerTracing, type SwitchboardMetrics } from '@switchboard/telemetry';
import {
  acquireRouterLock,
  createDatabase,
  type Database,
  type EmbeddedPostgresServer,
  migrateToLatest,
  startEmbeddedPostgres,
} from '@switchboard/store';
import type { Kysely } from 'kysely';
import pino from 'pino';
import type { SwitchboardConfig } from './config.ts';

/** JSON lines for machines; readable lines when a person watches the terminal. */
function createLogger(level: string): pino.Logger {
  if (!process.stdout.isTTY) return pino({ level });
  return pino({ level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } });
}

/** A running Switchboard: API, router, database and bus. */
export interface RunningSwitchboard {
  /** The API's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly router: Router;
  /** This Switchboard's metrics (served at `GET /metrics`). */
  readonly metrics: SwitchboardMetrics;
  /** The Salesforce connector, when `SALESFORCE_INSTANCE_URL` is set. */
  readonly salesforce: SalesforceConnector | undefined;
  /** Stops accepting requests, finishes what is in flight, closes the bus and the database. */
  stop(): Promise<void>;
}

/** Options beside the configuration. */
export interface StartOptions {
  /** A pino logger; by default one at `config.logLevel` on stdout. */
  readonly logger?: pino.Logger;
  /** Start the router in this process. @default true */
  readonly router?: boolean;
  /** Time and timers (tests pass a manual one). @default the system clock */
  readonly scheduler?: Scheduler;
}

/**
 * Starts Switchboard in this process: the database (embedded unless `databaseUrl`),
 * migrations, the bus (in-process unless `natsUrl`) and its streams, the router, and
 * the HTTP API. With no configuration at all, everything runs embedded.
 */
export async function startSwitchboard(config: SwitchboardConfig, options: StartOptions = {}): Promise<RunningSwitchboard> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const log = logger as unknown as Logger;
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        logger.error({ err: error }, 'shutdown step failed');
      }
    }
  };
  try {
    logTelemetryDiagnostics(log);
    // Tracing is process-wide and only on with an OTLP endpoint (or registered by the host, e.g. a test).
    const tracing = registerTracing();
    cleanups.push(() => tracing.shutdown());
    if (tracing.enabled) logger.info('OpenTelemetry tracing is on');
    const metrics = createMetrics();
    cleanups.push(() => metrics.shutdown());

    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const dataDir = join(config.dataDir, 'pg');
      logger.info({ dataDir, port: config.embeddedPostgresPort }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
      const embedded: EmbeddedPostgresServer = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const db = createDatabase({
      url: databaseUrl,
      poolSize: 12,
      // The pool replaces the connection; requests meanwhile answer 503 and the router retries.
      onConnectionError: (error) => logger.warn({ err: error }, 'a PostgreSQL connection failed; it is replaced on the next query'),
    });
    cleanups.push(() => db.destroy());
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');

    const subjects = createSubjects(config.namespace);
    let bus: Bus;
    if (config.natsUrl) {
      bus = await connectNatsBus({ servers: config.natsUrl, name: `switchboard-${process.pid}` });
    } else {
      logger.info('NATS_URL is not set: using the in-process bus');
      bus = createInProcessBus();
    }
    cleanups.push(() => bus.close());
    await bus.ensureStreams(subjects.streamSpecs);

    const scheduler = options.scheduler ?? systemScheduler;
    const router = createRouter({ db, bus, subjects, logger: log, scheduler, meter: metrics.meter });
    if (options.router !== false) {
      // One router per database for now: a second one refuses to start, naming the first.
      const lock = await acquireRouterLock({
        url: databaseUrl,
        namespace: config.namespace,
        onConnectionLost: (error) => logger.warn({ err: error }, 'the router lock’s PostgreSQL connection failed; taking the lock back when the database answers'),
        onRegained: () => logger.info('the router lock is held again'),
        onLost: (error) => {
          logger.fatal({ err: error }, 'another router took the router lock while the database was away: this router stops routing');
          void router.stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'stopping the router failed'));
        },
      });
      cleanups.push(() => lock.release());
      await router.start();
      cleanups.push(() => router.stop());
    }

    const api = await createApiServer({
      db,
      bus,
      subjects,
      logger,
      clock: () => scheduler.now(),
      metrics,
      allowedOrigins: config.allowedOrigins,
      ...(options.router !== false && { eventsCommitted: () => router.eventsCommitted() }),
    });
    cleanups.push(async () => {
      await api.app.close();
      await api.flush();
    });
    // The Salesforce connector routes through the router and the bus, like any producer.
    let salesforce: SalesforceConnector | undefined;
    if (config.salesforce) {
      salesforce = await startSalesforceConnector({ config: config.salesforce, db, bus, subjects, logger: log, clock: () => scheduler.now() });
      const connector = salesforce;
      cleanups.push(() => connector.stop());
    }

    const address = await api.app.listen({ port: config.port, host: config.host });
    const port = (api.app.server.address() as { port: number }).port;
    logger.info({ address, bus: bus.kind, namespace: config.namespace }, `Switchboard is listening on ${address} (API docs at /docs)`);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      db,
      bus,
      subjects,
      router,
      metrics,
      salesforce,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
