import { join } from 'node:path';
import { type Bus, connectNatsBus, createInProcessBus, createSubjects, type Subjects } from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import { createApiServer, createOperationsServer } from '@switchboard/api';
import { createRouter, type Router, type Scheduler, startPartitionedRouter, systemScheduler } from '@switchboard/router';
import { createNotifier } from '@switchboard/notify';
import { type SalesforceConnector, startSalesforceConnector } from '@switchboard/salesforce';
import { createMetrics, logTelemetryDiagnostics, MetricName, registerTracing, type SwitchboardMetrics } from '@switchboard/telemetry';
import {
  acquireRouterLock,
  createDatabase,
  type Database,
  type EmbeddedPostgresServer,
  migrateToLatest,
  rebaseEventLogAfterRestore,
  startEmbeddedPostgres,
} from '@switchboard/store';
import type { Kysely } from 'kysely';
import pino from 'pino';
import type { SwitchboardConfig } from './config.ts';
import { type ClusterRouter, startClusterRouter } from './cluster-router.ts';
import { ensureFirstAdminKey } from './first-admin-key.ts';
import { createCalendarPoller } from './calendar-poller.ts';

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
  /** The router of this process (`all`); undefined for `api` and `router` (see `routerRole`). */
  readonly router: Router | undefined;
  /** A `router` process's place in the cluster: the partitions it routes. */
  readonly routerRole: ClusterRouter | undefined;
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
    // Migrations first, on a pool of their own with no query timeout: an index on a big table may take a while.
    const migrator = createDatabase({ url: databaseUrl, poolSize: 2 });
    try {
      const applied = await migrateToLatest(migrator);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
      const rebased = await rebaseEventLogAfterRestore(migrator);
      if (rebased.events > 0 || rebased.cursors > 0) {
        logger.warn(rebased, 'the event log held transaction ids ahead of this PostgreSQL server (a dump restored into another server): its events were moved before the relays, which start again at its head');
      }
    } finally {
      await migrator.destroy();
    }
    const db = createDatabase({
      url: databaseUrl,
      poolSize: 12,
      // A frozen or partitioned PostgreSQL answers nothing and closes nothing: without a limit every request would hang.
      queryTimeoutMs: config.databaseTimeoutSeconds * 1000,
      // The pool replaces the connection; requests meanwhile answer 503 and the router retries.
      onConnectionError: (error) => logger.warn({ err: error }, 'a PostgreSQL connection failed; it is replaced on the next query'),
    });
    cleanups.push(() => db.destroy());

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
    const role = options.router === false ? 'api' : config.role;
    // The Salesforce connector polls and writes back on behalf of the whole deployment, so it runs
    // once: beside the router of the all role, or of the `loose` partition (it reaches the
    // routers through the bus, like any producer).
    let salesforce: SalesforceConnector | undefined;
    const sf = config.salesforce;
    const salesforceRun = sf && {
      async start() {
        salesforce = await startSalesforceConnector({ config: sf, db, bus, subjects, logger: log, clock: () => scheduler.now() });
      },
      async stop() {
        const connector = salesforce;
        salesforce = undefined;
        await connector?.stop();
      },
    };
    // Notifications are planned from the event log and sent by one worker for the deployment,
    // like the Salesforce connector: beside the router of the all role, or of the `loose` partition.
    // A test's manual clock decides when notifications are due too (quiet hours, SLA warnings).
    const notifier = createNotifier({ db, logger: log, publicUrl: config.publicUrl ?? null, ...(config.email && { email: config.email }), ...(options.scheduler && { now: () => scheduler.now() }) });
    const calendarSettings = { pollEveryMs: config.calendarPollMs, horizonMs: 92 * 86_400_000, allowPrivateAddresses: config.calendarPrivateAddresses };
    const calendarPoller = createCalendarPoller({ db, bus, subjects, logger: log, settings: calendarSettings, ...(options.scheduler && { now: () => scheduler.now() }) });
    const singletons = {
      async start() {
        await notifier.start();
        calendarPoller.start();
        await salesforceRun?.start();
      },
      async stop() {
        await salesforceRun?.stop();
        await calendarPoller.stop();
        await notifier.stop();
      },
    };
    const withSingletons = (router: Router): Router =>
      Object.assign(Object.create(router) as Router, {
        async start() {
          await router.start();
          await singletons.start();
        },
        async stop() {
          await singletons.stop();
          await router.stop();
        },
      });
    const newRouter = (fencing: { epoch: () => Promise<number>; onFenced: () => void }) =>
      createRouter({ db, bus, subjects, logger: log, scheduler, meter: metrics.meter, ...fencing });
    /** What the caller gets; `routerOf` answers the router as it is when asked (a `router` process's comes and goes). */
    const running = (port: number, routerOf: () => Router | undefined, routerRole: ClusterRouter | undefined): RunningSwitchboard => ({
      url: `http://127.0.0.1:${port}`,
      port,
      db,
      bus,
      subjects,
      get router() {
        return routerOf();
      },
      routerRole,
      metrics,
      get salesforce() {
        return salesforce;
      },
      stop: cleanup,
    });

    if (role === 'router') {
      const member = startClusterRouter({
        databaseUrl,
        namespace: config.namespace,
        logger: log,
        start: (cluster) => startPartitionedRouter({ db, bus, subjects, logger: log, scheduler, cluster, meter: metrics.meter, singleton: singletons }),
      });
      cleanups.push(() => member.stop());
      metrics.meter
        .createObservableGauge(MetricName.routerActive, { description: '1 while this router process routes (holds at least one partition), 0 otherwise' })
        .addCallback((gauge) => gauge.observe(member.held().length > 0 ? 1 : 0));
      metrics.meter
        .createObservableGauge(MetricName.routerPartitions, { description: 'The partitions this router process holds; `of`: how many the partition map has' })
        .addCallback((gauge) => gauge.observe(member.held().length, { of: member.partitionCount() }));
      const ops = createOperationsServer({
        db,
        bus,
        metrics,
        bootstrapKey: config.adminKey,
        logger: log,
        // Ready once it holds every partition that falls to it — none, for a spare, which is
        // what makes failover fast: a rollout or a disruption budget must count it as up.
        readiness: () => ({
          active: member.held().length > 0,
          settled: member.state === 'member' && (member.router?.settled() ?? false),
          detail: { role, router: member.state, partitions: [...member.held()].sort(), of: member.partitionCount(), topology: member.version },
        }),
      });
      cleanups.push(() => ops.close());
      const address = await ops.listen({ port: config.port, host: config.host });
      const port = (ops.server.address() as { port: number }).port;
      logger.info({ address, bus: bus.kind, namespace: config.namespace }, `Switchboard router on ${address} (/readyz, /metrics); joining the routers of this database`);
      return running(port, () => undefined, member);
    }

    let router: Router | undefined;
    if (role === 'all') {
      // One process with both: a second router on the same database refuses to start, naming the first.
      const stopRouting = (detail: object, why: string) => {
        logger.fatal(detail, `${why}: this router stops routing`);
        void router?.stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'stopping the router failed'));
      };
      const lock = await acquireRouterLock({
        url: databaseUrl,
        namespace: config.namespace,
        onConnectionLost: (error) => logger.warn({ err: error }, 'the router lock’s PostgreSQL connection failed; taking the lock back when the database answers'),
        onRegained: () => logger.info('the router lock is held again'),
        onLost: (error) => stopRouting({ err: error }, 'another router took the router lock while the database was away'),
      });
      cleanups.push(() => lock.release());
      const active = withSingletons(
        newRouter({
          epoch: () => lock.settledEpoch(),
          onFenced: () => stopRouting({ epoch: lock.epoch }, 'a routing write was fenced: another router holds a newer epoch'),
        }),
      );
      router = active;
      await active.start();
      cleanups.push(() => active.stop());
    }

    if (!config.adminKey) await ensureFirstAdminKey(db, config.dataDir, log);
    const api = await createApiServer({
      db,
      bus,
      subjects,
      logger,
      clock: () => scheduler.now(),
      metrics,
      allowedOrigins: config.allowedOrigins,
      trustProxy: config.trustProxy,
      rateLimits: config.rateLimits,
      retentionIntervalMs: config.retentionCheckSeconds * 1000,
      singleSignOn: config.singleSignOn,
      notify: { publicUrl: config.publicUrl ?? null, ...(config.email && { email: config.email }) },
      calendars: calendarSettings,
      ...(config.adminKey && { bootstrapKey: config.adminKey }),
      ...(config.calcomWebhookSecret && { calcomWebhookSecret: config.calcomWebhookSecret }),
      ...(router && { eventsCommitted: () => router.eventsCommitted() }),
    });
    cleanups.push(async () => {
      await api.app.close();
      await api.flush();
    });

    const address = await api.app.listen({ port: config.port, host: config.host });
    const port = (api.app.server.address() as { port: number }).port;
    logger.info({ address, bus: bus.kind, namespace: config.namespace }, `Switchboard is listening on ${address} (API docs at /docs)`);
    return running(port, () => router, undefined);
  } catch (error) {
    await cleanup();
    throw error;
  }
}
