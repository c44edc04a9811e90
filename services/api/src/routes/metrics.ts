import type { FastifyInstance } from 'fastify';
import { access } from '../auth/access-control.ts';

/** Reads the current metrics in the Prometheus text format. */
export interface MetricsSource {
  scrape(): Promise<string>;
}

/**
 * `GET /metrics`: every metric in the Prometheus text exposition format, for a Prometheus
 * scrape. Left out of the OpenAPI document: it is for monitoring, not for API clients.
 */
export function metricsRoutes(app: FastifyInstance, deps: { metrics: MetricsSource }): void {
  app.get('/metrics', { schema: { hide: true, ...access('metrics') } }, async (_request, reply) => {
    const text = await deps.metrics.scrape();
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
}
