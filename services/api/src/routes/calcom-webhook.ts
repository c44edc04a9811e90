import { toValidationIssues, type TouchType } from '@switchboard/core';
import type { CalcomRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { attendeeEmails, calcomBookingSchema, calcomEnvelopeSchema, isHandledTrigger, leadIdNamedBy, touchFor } from '../calcom-booking-payload.ts';
import { CALCOM_SIGNATURE_HEADER, checkCalcomSignature } from '../calcom-signature.ts';
import { validationBody } from '../errors.ts';
import { withRawJsonBody } from '../raw-json-body.ts';
import type { RouterClient } from '../router-client.ts';
import { errorSchema, leadStateSchema } from '../schemas.ts';

/** The environment variable that holds the Cal.com webhook's secret. */
export const CALCOM_SECRET_VARIABLE = 'SWITCHBOARD_CALCOM_WEBHOOK_SECRET';

/** A Cal.com payload is a few kilobytes; room for many attendees and long answers. */
const BODY_LIMIT = 262_144;

const answerSchema = z
  .object({
    ignored: z.boolean().optional().describe('True for a trigger Switchboard does not act on (a reschedule, the "Ping test"): acknowledged, nothing done.'),
    triggerEvent: z.string(),
    matched: z.boolean().optional().describe('Whether a lead was found: the one the booking’s metadata names, else the latest open lead with an attendee’s email.'),
    leadId: z.uuid().optional(),
    touched: z.boolean().optional().describe('Whether this delivery recorded the touch.'),
    duplicate: z.boolean().optional().describe('True when an earlier delivery of the same trigger for the same booking recorded it: nothing done again.'),
    state: leadStateSchema.optional().describe('The lead’s state after the touch.'),
    reason: z.string().optional().describe('Why the lead was not touched (closed, not assigned yet).'),
  })
  .meta({ id: 'CalcomWebhookAnswer' });
type Answer = z.output<typeof answerSchema>;

/**
 * `POST /v1/integrations/calcom/webhook`: Cal.com's booking webhooks. `BOOKING_CREATED`
 * records a `meeting` touch on the booking's lead (which stops its response SLA) and
 * `BOOKING_CANCELLED` a `status_change` touch, each through the lead's router like
 * `POST /v1/leads/{id}/touches`, and each once per booking.
 *
 * No API key: the body's `X-Cal-Signature-256` under `SWITCHBOARD_CALCOM_WEBHOOK_SECRET` is
 * the credential. Answers are chosen for Cal.com: a 2xx tells it the delivery is done, and
 * anything else is logged as a failed delivery (and retried where its deliveries run through
 * its task queue), so a booking for no known lead is a 200 that says so, not an error a retry
 * can't fix; only "no router answered" is a 503, where a later delivery can succeed.
 */
export function calcomWebhookRoutes(app: FastifyInstance, deps: { calcom: CalcomRepository; router: RouterClient; webhookSecret: string | undefined }): void {
  withRawJsonBody(app, (scope) => {
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/integrations/calcom/webhook',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          ...access('public'),
          tags: ['integrations'],
          summary: 'Receive a Cal.com booking webhook (signed)',
          description:
            'Point a Cal.com webhook here (Settings → Developer → Webhooks) with the triggers Booking Created and Booking Cancelled, ' +
            `the secret in \`${CALCOM_SECRET_VARIABLE}\`, and no custom payload template. ` +
            '`BOOKING_CREATED` records a `meeting` touch on the lead (stopping its response SLA), `BOOKING_CANCELLED` a `status_change` touch. ' +
            'The lead is the one the booking’s `metadata.switchboardLeadId` names (the routing-form redirect puts it there), else the most recent open lead with an attendee’s email. ' +
            'Each trigger of a booking is acted on once, however often it is delivered. Other triggers answer `{ ignored: true }`; a booking for no lead `{ matched: false }`. ' +
            `No API key: a missing or wrong \`X-Cal-Signature-256\` (hex HMAC-SHA256 of the raw body) answers 401, and without \`${CALCOM_SECRET_VARIABLE}\` the route answers 503.`,
          headers: z.object({ [CALCOM_SIGNATURE_HEADER]: z.string().optional().describe('Hex HMAC-SHA256 of the raw body under the webhook’s secret.') }),
          response: { 200: answerSchema, 400: errorSchema, 401: errorSchema, 503: errorSchema },
        },
      },
      async (request, reply) => {
        const secret = deps.webhookSecret;
        if (!secret) {
          return reply.code(503).send({
            error: 'not_configured',
            message: `the Cal.com webhook is not set up on this Switchboard: set ${CALCOM_SECRET_VARIABLE} to a random secret (e.g. \`openssl rand -hex 32\`), give the Cal.com webhook the same secret, and restart (see docs/calcom.md)`,
          });
        }
        const raw = typeof request.body === 'string' ? request.body : '';
        const check = checkCalcomSignature(request.headers[CALCOM_SIGNATURE_HEADER], raw, secret);
        if (!check.ok) return reply.code(401).send({ error: 'unauthorized', message: check.reason });
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch (error) {
          return reply.code(400).send({ error: 'invalid_json', message: `the body is not valid JSON: ${(error as Error).message}` });
        }
        const envelope = calcomEnvelopeSchema.safeParse(body);
        if (!envelope.success) return reply.code(400).send(refusal(envelope.error));
        const { triggerEvent } = envelope.data;
        if (!isHandledTrigger(triggerEvent)) return { ignored: true, triggerEvent } satisfies Answer;
        const parsed = calcomBookingSchema.safeParse(envelope.data.payload);
        if (!parsed.success) return reply.code(400).send(refusal(parsed.error, 'payload'));
        const booking = parsed.data;

        // The lead the booking link named wins: the booker may have typed another address.
        const named = leadIdNamedBy(booking);
        const lead = (named !== undefined ? await deps.calcom.lead(named) : undefined) ?? (await deps.calcom.latestOpenLeadByEmail(attendeeEmails(booking)));
        if (!lead) return { triggerEvent, matched: false } satisfies Answer;

        if (!(await deps.calcom.claimDelivery(triggerEvent, booking.uid, lead.id))) {
          return { triggerEvent, matched: true, leadId: lead.id, touched: false, duplicate: true } satisfies Answer;
        }
        return touch(reply, deps, { triggerEvent, uid: booking.uid, leadId: lead.id, ...touchFor(triggerEvent, booking) });
      },
    );
  });
}

/**
 * Sends the touch to the lead's actor. The claim stays only when the touch was made: after a
 * refusal or no answer it is given back, so that a later delivery may try again. (A router that
 * touched the lead but whose answer was lost looks like no answer; the next delivery then
 * touches once more, which is the lesser harm than a meeting never recorded.)
 */
async function touch(
  reply: FastifyReply,
  deps: { calcom: CalcomRepository; router: RouterClient },
  what: { triggerEvent: string; uid: string; leadId: string; touch: TouchType; note: string },
): Promise<FastifyReply | Answer> {
  const answer = await deps.router.leadCommand(what.leadId, { type: 'touch', touch: what.touch, note: what.note });
  if (answer?.ok) return { triggerEvent: what.triggerEvent, matched: true, leadId: what.leadId, touched: true, state: answer.state as Answer['state'] };
  await deps.calcom.releaseDelivery(what.triggerEvent, what.uid);
  if (!answer || answer.code === 'unavailable') {
    return reply.code(503).send({ error: 'unavailable', message: 'no router is running to record the touch; nothing was changed, and Cal.com may deliver the webhook again' });
  }
  // Closed, or not assigned yet: no retry changes that, so Cal.com hears the delivery arrived.
  return { triggerEvent: what.triggerEvent, matched: true, leadId: what.leadId, touched: false, reason: answer.message };
}

function refusal(error: z.ZodError, prefix = '') {
  const refused = validationBody(toValidationIssues(error, prefix));
  return { ...refused, errors: [...(refused.errors ?? [])] };
}
