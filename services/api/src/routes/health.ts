import type { Bus } from '@switchboard/bus';
import { type Database, pingDatabase } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['up', 'down']),
  bus: z.object({ kind: z.string(), status: z.enum(['up', 'down']) }),
});

/** `GET /healthz`: 200 once the database and the bus answer, 503 otherwise; `GET /livez`: the process answers. */
export function healthRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; bus: Bus }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/livez',
    {
      schema: {
        ...access('public'),
        tags: ['operations'],
        summary: 'Liveness',
        description:
          'Answers 200 while the process serves HTTP, whatever the state of PostgreSQL and NATS: a liveness probe that restarts the process would not fix those.',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.withTypeProvider<ZodTypeProvider>().get(
    '/healthz',
    {
      schema: {
        ...access('public'),
        tags: ['operations'],
        summary: 'Liveness and readiness',
        description: 'Answers 200 when the service can reach its database and its bus, 503 (with what is down) otherwise.',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const [database, bus] = await Promise.all([pingDatabase(deps.db), deps.bus.ping()]);
      const ok = database && bus;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        database: database ? 'up' : 'down',
        bus: { kind: deps.bus.kind, status: bus ? 'up' : 'down' },
      });
    },
  );
}
