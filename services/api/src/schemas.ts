import { LeadState, RepState, Strategy } from '@switchboard/core';
import { z } from 'zod';

/** Response and parameter schemas: they validate nothing the domain does not, and they make the OpenAPI document. */

export const errorSchema = z
  .object({
    error: z.string().describe('Stable code: validation_failed, invalid_json, body_too_large, not_found, conflict, ...'),
    message: z.string().describe('What is wrong, naming the field, and how to fix it.'),
    errors: z
      .array(
        z.object({
          path: z.string().describe('Where the problem is, as a dotted path: `rules[3].when.country`; empty for the whole input.'),
          message: z.string(),
          line: z.int().min(1).optional().describe('For a document sent as text (a routing configuration): the 1-based line of the node at fault.'),
          column: z.int().min(1).optional().describe('With `line`: the 1-based column of the node at fault.'),
        }),
      )
      .optional()
      .describe('Every problem found; for a routing configuration, in the order they appear in it.'),
  })
  .meta({ id: 'Error' });

export const idParams = (what: string) =>
  z.object({ id: z.uuid({ error: `must be a ${what} id (a UUID)` }) });

// Dates travel as ISO 8601 strings; handlers hand over Date objects.
/** Dates travel as ISO 8601 strings; handlers hand over Date objects. */
export const isoDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

export const repSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    timezone: z.string(),
    weight: z.number(),
    cap: z.number().nullable(),
    tags: z.array(z.string()).readonly(),
    caps: z.object({ hour: z.number().optional(), day: z.number().optional(), week: z.number().optional() }),
    workingHours: z.record(z.string(), z.array(z.object({ from: z.string(), to: z.string() })).readonly()).nullable(),
    holidays: z.array(z.string()).readonly(),
    outOfOffice: z.array(z.object({ from: isoDate, to: isoDate, reason: z.string().optional() })).readonly(),
    managerId: z.uuid().nullable(),
    salesforceUserId: z.string().nullable().describe('The Salesforce User this rep is (owner write-back); null: the active User with its email.'),
    available: z.boolean().describe('The manual availability toggle.'),
    awayReason: z.string().nullable(),
    active: z.boolean().describe('false: deactivated, takes no leads.'),
    state: z.enum(Object.values(RepState) as [RepState, ...RepState[]]).describe('The rep actor’s state.'),
    activeLeads: z.number(),
    lastAssignedAt: isoDate.nullable(),
    busyUntil: isoDate.nullable().describe('While the rep is in a meeting (state `busy`): when it ends.'),
    upcomingBusy: z
      .array(z.object({ start: isoDate, end: isoDate }))
      .describe('Meetings in the next 48 hours, from the rep’s calendars and bookings (times only: a calendar’s contents stay the rep’s).'),
    calendars: z
      .array(
        z.object({
          kind: z.enum(['ics', 'caldav']),
          address: z.string().describe('Where it is read from, shortened: a feed’s secret address is a credential and is never shown whole.'),
          status: z.enum(['ok', 'failing']),
          syncedAt: isoDate.nullable().describe('When it was last read successfully.'),
          error: z.string().nullable().describe('Why the last reading failed: the rep’s busy time is what the last good reading said.'),
          failingSince: isoDate.nullable(),
          nextPollAt: isoDate,
        }),
      )
      .describe('The rep’s calendars and how their last reading went.'),
    nextShiftChangeAt: isoDate
      .nullable()
      .describe('When the rep next goes on or off shift, or into or out of office (from its working hours, holidays and out-of-office periods); null if never.'),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Rep' });

export const teamSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    strategy: z.enum(Object.values(Strategy) as [Strategy, ...Strategy[]]),
    members: z.array(z.uuid()).readonly(),
    sla: z
      .object({
        response: z.number().describe('Milliseconds.'),
        followUp: z.number().optional(),
        businessHours: z.boolean(),
        maxBreaches: z.number(),
        escalateTo: z.string(),
        unassignedAlert: z.number().optional(),
      })
      .nullable(),
    fallback: z.string().nullable().describe('Team tried next when nobody here can take the lead.'),
    overflow: z.string().nullable().describe('Queue a lead waits in when this team and its fallbacks cannot take it.'),
    window: z.enum(['day', 'week', 'month']).describe('The window `load_balanced` counts assignments in.'),
    busy: z.enum(['skip', 'allow']).describe('`skip`: reps in a meeting (their calendars say so) get no leads; `allow`: they still do.'),
    booking: z
      .object({
        duration: z.number().describe('Milliseconds.'),
        window: z.number().describe('Milliseconds: how far ahead slots are offered.'),
        buffer: z.number().describe('Milliseconds kept free before and after each meeting.'),
        minNotice: z.number().describe('Milliseconds: the earliest a slot may start, from now.'),
        mode: z.enum(['owner', 'team']),
        step: z.number().optional().describe('Milliseconds between slot starts; the duration when left out.'),
      })
      .nullable()
      .describe('Instant booking for this team’s leads; null: none.'),
    isDefault: z.boolean().describe('Without a routing configuration, leads that name no team go to the default team (the first created).'),
    createdAt: isoDate,
  })
  .meta({ id: 'Team' });

export const leadStateSchema = z.enum(Object.values(LeadState) as [LeadState, ...LeadState[]]);

const attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).readonly();

export const leadSummarySchema = z
  .object({
    id: z.uuid(),
    externalId: z.string().nullable(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    company: z.string().nullable(),
    source: z.string().nullable(),
    attributes,
    state: leadStateSchema,
    ownerId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    priority: z.number(),
    slaDeadlineAt: isoDate.nullable().describe('When the current SLA runs out; untouched by then, the lead is taken back.'),
    breaches: z.number(),
    outcome: z.string().nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'LeadSummary' });

export const leadEventSchema = z
  .object({
    id: z.string(),
    type: z.string().describe('lead.received, lead.routing, lead.assigned, lead.waiting, ...'),
    from: z.string().nullable(),
    to: z.string().nullable(),
    cause: z.string(),
    data: z.unknown(),
    traceId: z.string().nullable(),
    at: isoDate,
  })
  .meta({ id: 'LeadEvent' });

export const leadDetailSchema = leadSummarySchema
  .extend({
    waitingReason: z.string().nullable().describe('Why the lead is waiting, when it is.'),
    deadLetterReason: z
      .string()
      .nullable()
      .describe('Set when the lead could not be routed because its outcome could not be stored: why. It was published to the intake dead-letter subject and is not retried.'),
    events: z.array(leadEventSchema).readonly(),
    assignments: z.array(
      z.object({
        repId: z.uuid(),
        teamId: z.uuid(),
        decision: z.unknown().describe('The routing decision: every candidate considered and why.'),
        assignedAt: isoDate,
        endedAt: isoDate.nullable(),
        endReason: z.string().nullable(),
      }),
    ).readonly(),
  })
  .meta({ id: 'Lead' });

export const leadAcceptedSchema = z
  .object({
    id: z.uuid(),
    duplicate: z
      .boolean()
      .describe('True when the lead was not stored as a new lead: one with this externalId already existed, or it was merged (see `merged`). `id` is that lead.'),
    merged: z
      .boolean()
      .describe('True when, with `dedupe.byEmail` on, the lead was merged into an open lead with the same email: `id` is that lead, whose log holds a `lead.merged` event.'),
  })
  .meta({ id: 'LeadAccepted' });

export const leadCommandAnswerSchema = z
  .object({ id: z.uuid(), state: leadStateSchema, ownerId: z.uuid().nullable() })
  .meta({ id: 'LeadCommandAnswer' });

const candidateVerdictSchema = z
  .object({
    repId: z.uuid(),
    name: z.string(),
    verdict: z.enum(['excluded', 'eligible', 'chosen']),
    reason: z
      .enum(['away', 'offline', 'busy', 'capped', 'inactive', 'declined', 'breached', 'rejected', 'missing_tag', 'skill_too_low', 'unknown'])
      .optional()
      .describe('Why the rep was excluded.'),
    score: z.number().optional().describe('The strategy’s score, higher wins (eligible and chosen reps).'),
    lastAssignedAt: z.string().nullable().optional(),
    detail: z.string().describe('For people: "Tom is away (OOO until 12 May)", "Sarah: weight 2, 0.6 leads behind share".'),
  })
  .meta({ id: 'CandidateVerdict' });

export const decisionSchema = z
  .object({
    version: z.literal(2),
    decidedAt: z.string(),
    seq: z
      .int()
      .optional()
      .describe('The decision’s place in its router’s sequence: the order decisions were taken in (a replay of the period follows it). Absent from older decisions.'),
    configVersion: z.int().nullable().describe('The configuration version that decided; null before any was applied.'),
    rules: z
      .array(z.object({ index: z.int(), name: z.string(), matched: z.boolean(), detail: z.string() }))
      .describe('Rules tried in order, with why each did not match; the last matched unless none did.'),
    rule: z.object({ index: z.int(), name: z.string() }).nullable(),
    account: z
      .object({ accountId: z.string(), accountName: z.string(), ownerId: z.uuid().nullable(), matchedBy: z.enum(['domain', 'company']), key: z.string() })
      .nullable(),
    steps: z
      .array(
        z.object({
          target: z.object({ type: z.enum(['team', 'rep', 'account_owner', 'queue']) }).loose(),
          via: z.string(),
          strategy: z.string().nullable(),
          candidates: z.array(candidateVerdictSchema),
          chosenRepId: z.uuid().nullable(),
          detail: z.string(),
        }),
      )
      .describe('The route: the first target, then fallbacks and the overflow queue, each with its candidates.'),
    teamId: z.uuid().nullable(),
    teamName: z.string().nullable(),
    strategy: z.string().nullable(),
    candidates: z.array(candidateVerdictSchema),
    chosenRepId: z.uuid().nullable(),
    queue: z.string().nullable(),
    summary: z.string().describe('One line for people.'),
  })
  .meta({ id: 'RoutingDecision' });
