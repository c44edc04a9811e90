import type { Bus } from '@switchboard/bus';
import type { Database } from '@switchboard/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { healthRoutes } from './routes/health.ts';
import { type MetricsSource, metricsRoutes } from './routes/metrics.ts';

/** Whether a process without the API (a router) is ready, and what it says about itself. */
export interface Readiness {
  readonly ready: boolean;
  readonly detail: Record<string, unknown>;
}

export interface OperationsServerOptions {
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly metrics: MetricsSource;
  readonly readiness: () => Readiness;
}

/**
 * The HTTP endpoints of a process that serves no API (`SWITCHBOARD_ROLE=router`): `/livez`,
 * `/healthz` (database and bus), `/metrics`, and `/readyz` — 200 while the process does its job
 * (a router that holds the router lock), 503 otherwise (standing by), with what it is doing.
 */
export function createOperationsServer(options: OperationsServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  healthRoutes(app, { db: options.db, bus: options.bus });
  metricsRoutes(app, { metrics: options.metrics });
  app.get('/readyz', async (_request, reply) => {
    const { ready, detail } = options.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', ...detail });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}: a router process serves /livez, /healthz, /readyz and /metrics; the API runs with SWITCHBOARD_ROLE=api or all` }),
  );
  return app;
}
