import type { Bus } from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import { createCredentialRepository, createLeadRepository, type Database, pingDatabase } from '@switchboard/store';
import { access, installAccessControl } from './auth/access-control.ts';
import { Authenticator } from './auth/authenticator.ts';
import { ConsoleSessions } from './auth/console-sessions.ts';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { healthRoutes } from './routes/health.ts';
import { type MetricsSource, metricsRoutes } from './routes/metrics.ts';

/** Where a process without the API (a router) stands, and what it says about itself. */
export interface Readiness {
  /** It routes now: it holds at least one partition's lease. */
  readonly active: boolean;
  /**
   * It holds every partition that falls to it (none may: a spare for when another router goes),
   * so it is ready if its database and bus answer too.
   */
  readonly settled: boolean;
  readonly detail: Record<string, unknown>;
}

export interface OperationsServerOptions {
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly metrics: MetricsSource;
  readonly readiness: () => Readiness;
  /** `SWITCHBOARD_ADMIN_KEY`, accepted besides the stored keys for `/metrics`. */
  readonly bootstrapKey?: string | undefined;
  /** Where a failure to record a key's last use is told. */
  readonly logger: Logger;
}

/**
 * The HTTP endpoints of a process that serves no API (`SWITCHBOARD_ROLE=router`): `/livez`,
 * `/healthz` (database and bus), `/metrics`, `/readyz` — 200 while it holds every partition
 * that falls to it (none, for a spare) and its database and bus answer, 503 otherwise — and
 * `/activez`, 200 only while it routes at least one partition. Both say which partitions it holds.
 * `/metrics` needs a key with the role viewer or metrics, as on the API.
 */
export function createOperationsServer(options: OperationsServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // `/metrics` takes a key (viewer or metrics), as on the API; the probes are open.
  const credentials = createCredentialRepository(options.db);
  const authenticator = new Authenticator({ credentials, bootstrapKey: options.bootstrapKey, logger: options.logger });
  installAccessControl(app, { authenticator, sessions: new ConsoleSessions(credentials), leads: createLeadRepository(options.db) });
  app.addHook('onClose', () => authenticator.flush());
  healthRoutes(app, { db: options.db, bus: options.bus });
  metricsRoutes(app, { metrics: options.metrics });
  app.get('/readyz', { schema: access('public') }, async (_request, reply) => {
    const { settled, detail } = options.readiness();
    const ready = settled && (await pingDatabase(options.db)) && (await options.bus.ping());
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', ...detail });
  });
  app.get('/activez', { schema: access('public') }, async (_request, reply) => {
    const { active, detail } = options.readiness();
    return reply.code(active ? 200 : 503).send({ status: active ? 'active' : 'not_active', ...detail });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}: a router process serves /livez, /healthz, /readyz, /activez and /metrics; the API runs with SWITCHBOARD_ROLE=api or all` }),
  );
  return app;
}
