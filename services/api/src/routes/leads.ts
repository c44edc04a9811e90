import { leadIntakeSchema, NotFoundError } from '@switchboard/core';
import type { LeadRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LeadIntakeService } from '../lead-intake.ts';
import { errorSchema, idParams, leadAcceptedSchema, leadDetailSchema, leadStateSchema, leadSummarySchema } from '../schemas.ts';

/** `/v1/leads`: intake, list, read. */
export function leadRoutes(app: FastifyInstance, deps: { leads: LeadRepository; intake: LeadIntakeService }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['leads'];

  api.post(
    '/v1/leads',
    {
      schema: {
        tags,
        summary: 'Submit a lead for routing',
        description:
          '202 means the lead is committed in PostgreSQL and on its way to a rep; follow it with GET /v1/leads/{id}. ' +
          'The same `externalId` again answers 200 with the first lead’s id and stores nothing. ' +
          'Invalid input answers 400 naming each bad field, and stores nothing.',
        body: leadIntakeSchema,
        response: { 200: leadAcceptedSchema, 202: leadAcceptedSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const traceparent = request.headers.traceparent;
      const answer = await deps.intake.accept(request.body, typeof traceparent === 'string' ? traceparent : undefined);
      return reply.code(answer.duplicate ? 200 : 202).send(answer);
    },
  );

  api.get(
    '/v1/leads',
    {
      schema: {
        tags,
        summary: 'List leads, newest first',
        querystring: z.object({
          state: leadStateSchema.optional(),
          owner: z.uuid({ error: 'must be a rep id (a UUID)' }).optional(),
          team: z.uuid({ error: 'must be a team id (a UUID)' }).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(50),
          before: z.uuid().optional().describe('Cursor: the `next` value of the previous page.'),
        }),
        response: { 200: z.object({ items: z.array(leadSummarySchema), next: z.string().nullable() }), 400: errorSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await deps.leads.list({
        limit: q.limit,
        ...(q.state && { state: q.state }),
        ...(q.owner && { ownerId: q.owner }),
        ...(q.team && { teamId: q.team }),
        ...(q.before && { before: q.before }),
      });
      return { items, next: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
    },
  );

  api.get(
    '/v1/leads/:id',
    {
      schema: {
        tags,
        summary: 'Read a lead with its history',
        params: idParams('lead'),
        response: { 200: leadDetailSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const lead = await deps.leads.get(request.params.id);
      if (!lead) throw new NotFoundError('lead', request.params.id);
      return lead;
    },
  );
}
