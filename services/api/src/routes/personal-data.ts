import { eraseLeadPersonalData } from '@switchboard/store';
import type { Database } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { errorSchema, idParams, isoDate } from '../schemas.ts';

/** `DELETE /v1/leads/{id}/personal-data`: erasure on request (an admin's). */
export function personalDataRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; clock: () => number }): void {
  app.withTypeProvider<ZodTypeProvider>().delete(
    '/v1/leads/:id/personal-data',
    {
      schema: {
        ...access('admin'),
        tags: ['leads'],
        summary: 'Erase a lead’s personal data',
        description:
          'Replaces its name, email, company and attributes with a tombstone, in the lead, its event log and its routing decisions; ' +
          'its state, owner, team, times, outcome and decisions stay, so reports still add up. A lead still open answers 409: close it first. Erasing again answers 200 with the first time.',
        params: idParams('lead'),
        response: { 200: z.object({ id: z.uuid(), erasedAt: isoDate, already: z.boolean() }), 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const outcome = await eraseLeadPersonalData(deps.db, id, new Date(deps.clock()));
      if (!outcome.erased) {
        if (outcome.reason === 'not_found') return reply.code(404).send({ error: 'not_found', message: `lead "${id}" does not exist` });
        return reply.code(409).send({ error: 'conflict', message: `lead "${id}" is ${outcome.state}, still being worked: close it first (POST /v1/leads/${id}/close), then erase its personal data` });
      }
      return { id, erasedAt: outcome.at, already: outcome.already };
    },
  );
}
