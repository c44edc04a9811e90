import {
  type CalcomBookingPrefill,
  type CalcomConfig,
  calcomBookingUrl,
  calcomConfigSchema,
  calcomEventSlugSchema,
  calcomUsernameOf,
  type LeadIntake,
  leadIntakeSchema,
  LeadState,
  toValidationIssues,
  ValidationError,
  type ValidationIssue,
  withCalcomPrefill,
} from '@switchboard/core';
import type { CalcomRepository, ConfigVersionRepository, RepRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import type { LeadIntakeService } from '../lead-intake.ts';
import { awaitRoutingOutcome } from '../routing-outcome.ts';
import { errorSchema } from '../schemas.ts';

/** How long a routing form's prospect waits for the routing decision: "a few seconds". */
export const ROUTING_WAIT_MS = 5_000;
/** Where leads from a routing form say they came from (unless a caller of the JSON variant says otherwise). */
const SOURCE = 'calcom-routing-form';

/** The form fields this route reads itself; every other answer becomes a lead attribute. */
const FIELDS = new Set(['email', 'name', 'firstName', 'lastName', 'company', 'event']);
/**
 * Cal.com's own query parameters, not answers: the `cal.*` ones its routing-form redirect adds
 * (`cal.routingFormResponseId`, `cal.action`) and the headless router's `form` (the form's id).
 */
const isCalcomBookkeeping = (key: string) => key.startsWith('cal.') || key === 'form';
/** A routing form response's id, as Cal.com numbers them (or any short token). */
const RESPONSE_ID = /^[A-Za-z0-9_-]{1,100}$/;

const text = (max: number) => z.string({ error: 'expected a single value' }).max(max);
const querySchema = z.looseObject({
  email: z
    .string({ error: 'required: give the routing form an Email field with the identifier "email"' })
    .max(320)
    .describe('The prospect’s email (a routing-form field with the identifier `email`).'),
  name: text(400).optional().describe('The prospect’s full name; or firstName and lastName.'),
  firstName: text(200).optional(),
  lastName: text(200).optional(),
  company: text(300).optional(),
  event: calcomEventSlugSchema.optional().describe('The Cal.com event type’s slug to book, as in cal.com/<username>/<event>. Without it the owner’s page lists their event types.'),
  'cal.routingFormResponseId': text(100)
    .optional()
    .describe('Added by Cal.com: the form response’s id. The lead’s externalId becomes `calcom-form-response:<id>`, so opening the link again is the same lead.'),
});

const answerSchema = z
  .object({
    leadId: z.uuid(),
    duplicate: z.boolean().describe('True when the lead was already there (same externalId, or merged into an open lead with the same email): `leadId` is that lead.'),
    ownerId: z.uuid().nullable().describe('The lead’s owner, or null when routing did not pick one within 5 seconds.'),
    ownerEmail: z.string().nullable(),
    calcomUsername: z.string().nullable().describe('The owner’s Cal.com username from `calcom.users`, or null.'),
    bookingUrl: z.string().nullable().describe('The owner’s Cal.com booking page, pre-filled and tagged with the lead’s id; else `calcom.fallbackUrl`; null when there is neither.'),
    fallback: z.boolean().describe('True when `bookingUrl` is `calcom.fallbackUrl` rather than the owner’s page.'),
    reason: z.string().nullable().describe('Why `bookingUrl` is not the owner’s page: routing did not decide in time, the owner has no Cal.com username, no calcom: section.'),
  })
  .meta({ id: 'CalcomRouteAnswer' });
type Answer = z.output<typeof answerSchema>;
type Target = Omit<Answer, 'leadId' | 'duplicate'>;

interface Deps {
  readonly intake: LeadIntakeService;
  readonly versions: ConfigVersionRepository;
  readonly reps: RepRepository;
  readonly calcom: CalcomRepository;
  /** How long to wait for the routing decision. @default ROUTING_WAIT_MS */
  readonly waitMs?: number;
}

/**
 * `/v1/integrations/calcom/route`: a Cal.com routing form asks Switchboard which rep to book.
 * The prospect's answers come in as a lead through the normal intake (the validation, rate
 * limits and dedupe of `POST /v1/leads`); once routing has picked the owner, the prospect is sent
 * to the owner's Cal.com booking page.
 *
 * When the owner's page can't be given — routing did not decide within `waitMs`, the lead is
 * waiting for a rep, or the owner has no Cal.com username — the lead still stands and is routed
 * as usual; the prospect is sent to `calcom.fallbackUrl` (a team's round-robin page, say) so
 * that they can book at all. Only without a fallback does the browser get an error page (503).
 * The JSON variant answers 200 with `bookingUrl` and the `reason` instead of a 503: the lead
 * was taken in either way, so the call succeeded, and a retry would change nothing.
 */
export function calcomRoutingRoutes(app: FastifyInstance, deps: Deps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['integrations'];
  const waitMs = deps.waitMs ?? ROUTING_WAIT_MS;

  // Opened by the prospect's browser, sent there by a Cal.com routing form: no key to give.
  const redirect = async (request: FastifyRequest<{ Querystring: z.output<typeof querySchema>; Params: { event?: string } }>, reply: FastifyReply) => {
    const intake = intakeFromAnswers(request.query);
    const calcom = (await deps.versions.current())?.document.calcom;
    // Checked before the lead is taken in: a form pointed here too early changes nothing.
    if (!calcom) {
      return reply.code(503).send({
        error: 'not_configured',
        message: 'Cal.com routing is not set up: add a calcom: section to the routing configuration with each rep’s Cal.com username (see docs/calcom.md)',
      });
    }
    const accepted = await deps.intake.accept(intake, traceparentOf(request));
    const event = request.params.event ?? request.query.event;
    const target = await bookingTarget(deps, calcom, accepted.id, event, waitMs, prefillOf(intake, accepted.id));
    reply.header('cache-control', 'no-store');
    if (target.bookingUrl !== null) return reply.redirect(target.bookingUrl, 302);
    return reply.code(503).send({
      error: 'no_booking_page',
      message: `${target.reason ?? 'no booking page'}; the lead is taken in (${accepted.id}) and routed as usual. Set calcom.fallbackUrl to send prospects to a booking page meanwhile`,
    });
  };
  const redirectDescription =
    'Give a Cal.com routing form a route “External redirect” to this URL, with no query of its own: Cal.com appends the answers, each under its field’s identifier. ' +
    'The answers become a lead, as for `POST /v1/leads`: `email`, `name` (or `firstName`, `lastName`), `company`, and every other answer as an attribute. ' +
    `Once routing has picked the owner (up to ${waitMs / 1000} seconds), answers 302 to the owner’s page \`<calcom.baseUrl>/<username>/<event>\`, pre-filled with the name and email and tagged with \`metadata[switchboardLeadId]\`; ` +
    'when there is no owner in time or the owner has no Cal.com username, 302 to `calcom.fallbackUrl`, and 503 without one. ' +
    'No API key; rate-limited per client address.';
  const redirectResponses = { 302: z.null().describe('To the booking page (Location).'), 400: errorSchema, 503: errorSchema };

  api.get(
    '/v1/integrations/calcom/route',
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'Send a Cal.com routing form’s prospect to the owner’s booking page (a redirect)',
        description: `${redirectDescription} The event type is \`event\` (a parameter on the form’s own link, which Cal.com passes on), or none: the owner’s page lists their event types.`,
        querystring: querySchema,
        response: redirectResponses,
      },
    },
    redirect,
  );

  api.get(
    '/v1/integrations/calcom/route/:event',
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'Send a Cal.com routing form’s prospect to the owner’s page for one event type (a redirect)',
        description: `${redirectDescription} The event type is the path’s last segment: one URL per route of the form (an intro call here, a demo there).`,
        params: z.object({ event: calcomEventSlugSchema }),
        querystring: querySchema,
        response: redirectResponses,
      },
    },
    redirect,
  );

  api.post(
    '/v1/integrations/calcom/route',
    {
      schema: {
        ...access('intake'),
        tags,
        summary: 'Submit a lead and get the Cal.com booking page of its owner',
        description:
          'The body is a lead, as for `POST /v1/leads`, with an optional `event` (the Cal.com event type’s slug). ' +
          `Waits for routing to pick the owner (up to ${waitMs / 1000} seconds) and answers where the prospect should book: the owner’s page, else \`calcom.fallbackUrl\` with the reason. ` +
          'The lead is taken in either way, so the answer is 200 even when there is no page to give (`bookingUrl: null`).',
        body: leadIntakeSchema.safeExtend({ event: calcomEventSlugSchema.optional().describe('The Cal.com event type’s slug, as in cal.com/<username>/<event>.') }),
        response: { 200: answerSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const { event, ...lead } = request.body;
      const intake: LeadIntake = { ...lead, source: lead.source ?? SOURCE };
      const calcom = (await deps.versions.current())?.document.calcom;
      const accepted = await deps.intake.accept(intake, traceparentOf(request));
      const target = await bookingTarget(deps, calcom, accepted.id, event, waitMs, prefillOf(intake, accepted.id));
      return { leadId: accepted.id, duplicate: accepted.duplicate, ...target } satisfies Answer;
    },
  );
}

/**
 * The lead a routing form's answers make: validated as `POST /v1/leads` validates, with each
 * problem named by the query parameter it came from. Throws a `ValidationError` (a 400).
 */
export function intakeFromAnswers(query: Readonly<Record<string, unknown>>): LeadIntake {
  const single = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const [givenFirst, ...rest] = (single(query.name) ?? '').split(/\s+/);
  const firstName = single(query.firstName) ?? (givenFirst || undefined);
  const lastName = single(query.lastName) ?? (rest.length > 0 ? rest.join(' ') : undefined);
  const company = single(query.company);
  const responseId = single(query['cal.routingFormResponseId']);
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (FIELDS.has(key) || isCalcomBookkeeping(key)) continue;
    // A multi-select answer arrives as the same parameter again.
    const answer = Array.isArray(value) ? value.filter((v) => typeof v === 'string' && v.trim() !== '').join(', ') : single(value);
    if (answer) attributes[key] = answer;
  }
  const candidate = {
    email: typeof query.email === 'string' ? query.email.trim() : query.email,
    ...(firstName && { firstName }),
    ...(lastName && { lastName }),
    ...(company && { company }),
    ...(responseId && RESPONSE_ID.test(responseId) && { externalId: `calcom-form-response:${responseId}` }),
    source: SOURCE,
    ...(Object.keys(attributes).length > 0 && { attributes }),
  };
  const parsed = leadIntakeSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issues = toValidationIssues(parsed.error).map((issue): ValidationIssue => ({ path: `query.${parameterOf(issue.path)}`, message: issue.message }));
  throw new ValidationError(issues);
}

/** The query parameter a lead field came from. */
function parameterOf(path: string): string {
  if (path.startsWith('attributes.')) return path.slice('attributes.'.length);
  if (path === 'externalId') return 'cal.routingFormResponseId';
  if (path === 'firstName' || path === 'lastName') return 'name';
  return path || 'email';
}

function prefillOf(intake: LeadIntake, leadId: string): CalcomBookingPrefill {
  const name = [intake.firstName, intake.lastName].filter(Boolean).join(' ');
  return { ...(name && { name }), email: intake.email, leadId };
}

function traceparentOf(request: FastifyRequest): string | undefined {
  const traceparent = request.headers.traceparent;
  return typeof traceparent === 'string' ? traceparent : undefined;
}

/** Where the prospect of `leadId` books, once routing has had its chance. */
async function bookingTarget(
  deps: Deps,
  section: CalcomConfig | undefined,
  leadId: string,
  event: string | undefined,
  waitMs: number,
  prefill: CalcomBookingPrefill,
): Promise<Target> {
  const config = section ?? calcomConfigSchema.parse({});
  const placing = await awaitRoutingOutcome(deps.calcom, leadId, waitMs);
  const owner = placing?.ownerId ? await deps.reps.get(placing.ownerId) : undefined;
  const username = owner ? calcomUsernameOf(config, owner.email) : undefined;
  let reason: string | null = null;
  if (!section) reason = 'the routing configuration has no calcom: section with the reps’ Cal.com usernames (see docs/calcom.md)';
  else if (!owner) {
    reason =
      placing?.state === LeadState.waiting
        ? 'routing found no rep who can take the lead now: it waits for one'
        : `routing did not pick an owner within ${waitMs / 1000} seconds`;
  } else if (!username) reason = `the owner ${owner.email} has no Cal.com username in calcom.users`;
  const ownPage = username ? calcomBookingUrl(config, username, event, prefill) : undefined;
  // The fallback gets the same pre-fill: when it is a Cal.com page (a team's round robin), the
  // booking still carries the lead's id back in its webhook.
  const fallback = ownPage === undefined && section?.fallbackUrl !== undefined ? withCalcomPrefill(section.fallbackUrl, prefill) : undefined;
  return {
    ownerId: owner?.id ?? null,
    ownerEmail: owner?.email ?? null,
    calcomUsername: username ?? null,
    bookingUrl: ownPage ?? fallback ?? null,
    fallback: fallback !== undefined,
    reason,
  };
}
