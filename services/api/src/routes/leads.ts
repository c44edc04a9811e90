import { ConflictError, leadIntakeSchema, NotFoundError, touchTypeSchema } from '@switchboard/core';
import type { BookingService } from '../booking-service.ts';
import { bookingLinkSchema, bookingPageUrl } from './booking.ts';
import type { LeadRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LeadIntakeService } from '../lead-intake.ts';
import type { LeadCommandRequest } from '@switchboard/bus';
import type { LeadCommandReply, RouterClient } from '../router-client.ts';
import {
  decisionSchema,
  errorSchema,
  idParams,
  leadAcceptedSchema,
  leadCommandAnswerSchema,
  leadDetailSchema,
  leadStateSchema,
  leadSummarySchema,
} from '../schemas.ts';
import { access } from '../auth/access-control.ts';
import { references, repReference, teamReference } from '../references.ts';

const touchSchema = z.strictObject({
  type: z.enum(touchTypeSchema.options, { error: `must be one of ${touchTypeSchema.options.join(', ')}` }),
  note: z.string().max(2000).optional(),
});
const closeSchema = z.strictObject({
  outcome: z
    .string()
    .trim()
    .min(1, { error: 'must not be empty: e.g. won, lost, converted, disqualified' })
    .max(100)
    .describe('How the lead ended; "converted" moves it to the converted state, anything else to closed.'),
});
const rejectSchema = z.strictObject({
  reason: z.string().trim().min(1, { error: 'must say why, e.g. "wrong language"' }).max(500),
  repId: repReference('the rejecting rep').optional().describe('The rejecting rep, by id or email: must be the owner (default: the owner).'),
});

/** `/v1/leads`: intake, list, read, and what happens to a lead after assignment. */
export function leadRoutes(
  app: FastifyInstance,
  deps: { leads: LeadRepository; intake: LeadIntakeService; router: RouterClient; booking: BookingService; publicUrl: string | null },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['leads'];

  api.post(
    '/v1/leads',
    {
      schema: {
        ...access('intake'),
        tags,
        summary: 'Submit a lead for routing',
        description:
          '202 means the lead is committed in PostgreSQL and on its way to a rep; follow it with GET /v1/leads/{id}. ' +
          'The same `externalId` again answers 200 with the first lead’s id and stores nothing. ' +
          'Invalid input answers 400 naming each bad field, and stores nothing. ' +
          'With `book: true` the answer carries a booking link for the prospect (`booking`), or why there is none (`bookingUnavailable`).',
        body: leadIntakeSchema.safeExtend({
          book: z.boolean().optional().describe('Ask for a booking link: the prospect books the routed rep’s time at once.'),
        }),
        response: {
          200: leadAcceptedSchema.extend({ booking: bookingLinkSchema.optional(), bookingUnavailable: z.string().optional() }),
          202: leadAcceptedSchema.extend({ booking: bookingLinkSchema.optional(), bookingUnavailable: z.string().optional() }),
          400: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const traceparent = request.headers.traceparent;
      const { book, ...intake } = request.body;
      const answer = await deps.intake.accept(intake, typeof traceparent === 'string' ? traceparent : undefined);
      if (!book) return reply.code(answer.duplicate ? 200 : 202).send(answer);
      // The lead is committed whatever happens to its link: a link that can't be made is said, not an error.
      try {
        const { token, link } = await deps.booking.createLink(answer.id, { createdBy: request.principal?.name ?? 'intake' });
        return reply.code(answer.duplicate ? 200 : 202).send({ ...answer, booking: { url: bookingPageUrl(request, deps.publicUrl, token), token, expiresAt: link.expiresAt } });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return reply.code(answer.duplicate ? 200 : 202).send({ ...answer, bookingUnavailable: error.message });
      }
    },
  );

  api.get(
    '/v1/leads',
    {
      schema: {
        ...access('viewer', 'own-leads'),
        ...references({ querystring: { owner: 'rep', team: 'team' } }),
        tags,
        summary: 'List leads, newest first',
        querystring: z.object({
          state: leadStateSchema.optional(),
          owner: repReference('the owner').optional(),
          team: teamReference().optional(),
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
        ...access('viewer', 'own-lead'),
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

  api.get(
    '/v1/leads/:id/decision',
    {
      schema: {
        ...access('viewer', 'own-lead'),
        tags,
        summary: 'Why the lead went where it went',
        description:
          'The latest routing decision: the rules tried and the one that matched, the account match, each step of the route (team, fallbacks, queue) with every candidate and why it was excluded or chosen, and the strategy’s tie-break.',
        params: idParams('lead'),
        response: { 200: decisionSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const found = await deps.leads.latestDecision(request.params.id);
      if (!found) {
        if (!(await deps.leads.getState(request.params.id))) throw new NotFoundError('lead', request.params.id);
        throw new NotFoundError('decision for lead', request.params.id, 'the lead has not been routed yet; try again in a moment');
      }
      return found.decision as never;
    },
  );
}

/** Lead commands answer what the lead's actor did, or why it refused. */
function commandRoutes(app: FastifyInstance, deps: { router: RouterClient }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['leads'];
  const responses = { 200: leadCommandAnswerSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema };
  const send = async (reply: FastifyReply, leadId: string, command: LeadCommandRequest) => {
    const answer: LeadCommandReply | undefined = await deps.router.leadCommand(leadId, command);
    if (!answer) {
      return reply.code(503).send({ error: 'unavailable', message: 'no router is running to act on the lead; nothing was changed, try again' });
    }
    if (answer.ok) return reply.code(200).send({ id: leadId, state: answer.state as never, ownerId: answer.ownerId });
    const status = answer.code === 'not_found' ? 404 : answer.code === 'invalid' ? 400 : answer.code === 'unavailable' ? 503 : 409;
    return reply.code(status).send({ error: answer.code, message: answer.message });
  };

  api.post(
    '/v1/leads/:id/touches',
    {
      schema: {
        ...access('operator', 'own-lead'),
        tags,
        summary: 'Record a touch (call, email, status change, meeting)',
        description: 'Stops the response SLA clock; starts the follow-up SLA if the team has one. 409 if the lead has no owner or is closed.',
        params: idParams('lead'),
        body: touchSchema,
        response: responses,
      },
    },
    async (request, reply) => send(reply, request.params.id, { type: 'touch', touch: request.body.type, ...(request.body.note && { note: request.body.note }) }),
  );

  api.post(
    '/v1/leads/:id/close',
    {
      schema: {
        ...access('operator', 'own-lead'), tags, summary: 'Close or convert a lead', description: 'Frees the owner’s slot. 409 if already closed.', params: idParams('lead'), body: closeSchema, response: responses },
    },
    async (request, reply) => send(reply, request.params.id, { type: 'close', outcome: request.body.outcome }),
  );

  api.post(
    '/v1/leads/:id/reject',
    {
      schema: {
        ...access('operator', 'own-lead'),
        tags,
        ...references({ body: { repId: 'rep' } }),
        summary: 'The owner rejects a lead',
        description: 'The lead is routed again, never to this rep; rejections per rep per day are limited (10).',
        params: idParams('lead'),
        body: rejectSchema,
        response: responses,
      },
    },
    async (request, reply) =>
      send(reply, request.params.id, { type: 'reject', reason: request.body.reason, ...(request.body.repId && { repId: request.body.repId }) }),
  );
}

export { commandRoutes };
