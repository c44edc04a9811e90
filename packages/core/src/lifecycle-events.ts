import { touchTypeSchema } from './touch.ts';
import { z } from 'zod';

/**
 * Lifecycle event types, published on `<namespace>.evt.<type>` and stored in the
 * lead's event log. Their payloads are versioned (`version`), documented in
 * `docs/asyncapi.yaml`, and only ever extended compatibly within a version.
 */
export const LifecycleEventType = {
  leadReceived: 'lead.received',
  leadMerged: 'lead.merged',
  leadRouting: 'lead.routing',
  leadAssigned: 'lead.assigned',
  leadWaiting: 'lead.waiting',
  leadTouched: 'lead.touched',
  leadBreached: 'lead.breached',
  leadRejected: 'lead.rejected',
  leadRerouted: 'lead.rerouted',
  leadEscalated: 'lead.escalated',
  leadClosed: 'lead.closed',
  leadConverted: 'lead.converted',
  leadUnassignedAlert: 'lead.unassigned_alert',
  leadDeadLettered: 'lead.dead_lettered',
  leadBooked: 'lead.booked',
  leadBookingCancelled: 'lead.booking_cancelled',
} as const;
export type LifecycleEventType = (typeof LifecycleEventType)[keyof typeof LifecycleEventType];

const envelope = {
  /** Unique per event; also the `Nats-Msg-Id`, so a republished event is dropped by the stream. */
  id: z.uuid(),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  leadId: z.uuid(),
};

/** What a submitted lead said about itself, as `lead.received` and `lead.merged` record it. */
const submission = {
  email: z.string(),
  externalId: z.string().nullable(),
  company: z.string().nullable(),
  source: z.string().nullable(),
  requestedTeam: z.string().nullable(),
};

/** `lead.received`: a lead was accepted and committed. */
export const leadReceivedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.received'),
  data: z.object(submission),
});

/**
 * `lead.merged`: a new submission carried the email of this open lead and, with
 * `dedupe.byEmail` on, was folded into it instead of becoming a second lead. The
 * lead keeps its own fields and owner; the submission is kept here, whole.
 */
export const leadMergedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.merged'),
  data: z.object({
    ...submission,
    attributes: z.record(z.string(), z.unknown()),
    via: z.enum(['api', 'bus']),
  }),
});

/** `lead.assigned`: the lead has an owner; the assignment is committed. */
export const leadAssignedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.assigned'),
  data: z.object({
    repId: z.uuid(),
    repEmail: z.string(),
    teamId: z.uuid().nullable().describe('The team whose SLA applies; null for a rep chosen by name or as account owner outside any team.'),
    ruleName: z.string().nullable().describe('The routing rule that matched, if any.').optional(),
    externalId: z.string().nullable(),
    summary: z.string().describe('Why this rep, in one sentence.'),
    reassigned: z.boolean().describe('True when the lead had an owner before (a breach or a rejection).').optional(),
    slaDeadlineAt: z.iso.datetime().nullable().describe('When the response SLA runs out, if the team has one.').optional(),
  }),
});

/** `lead.waiting`: nobody could take the lead; it is held and retried when a rep frees up. */
export const leadWaitingEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.waiting'),
  data: z.object({
    teamId: z.uuid().nullable(),
    queue: z.string().nullable().describe('The queue the lead waits in (a rule parked it, no rule matched, or the overflow queue).').optional(),
    reason: z.string(),
  }),
});

/** `lead.touched`: the owner called, emailed, met or changed the status; the response SLA stops. */
export const leadTouchedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.touched'),
  data: z.object({
    touch: touchTypeSchema,
    repId: z.uuid().nullable(),
    followUpDeadlineAt: z.iso.datetime().nullable(),
  }),
});

/** `lead.breached`: the owner let the SLA run out; the lead is taken back. */
export const leadBreachedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.breached'),
  data: z.object({ repId: z.uuid().nullable(), deadlineAt: z.iso.datetime().nullable(), breaches: z.int() }),
});

/** `lead.rejected`: the owner gave the lead back, with a reason. */
export const leadRejectedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.rejected'),
  data: z.object({ repId: z.uuid(), reason: z.string() }),
});

/** `lead.rerouted`: the owner can no longer hold the lead (deactivated). */
export const leadReroutedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.rerouted'),
  data: z.object({ repId: z.uuid().nullable(), reason: z.string() }),
});

/** `lead.escalated`: too many breaches; the lead went to a manager or an escalation queue. */
export const leadEscalatedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.escalated'),
  data: z.object({
    repId: z.uuid().nullable().describe('The manager now holding it, if any.'),
    lastOwnerId: z.uuid().nullable(),
    reason: z.string().nullable(),
    breaches: z.int(),
  }),
});

/** `lead.closed` and `lead.converted`: the lead is done. */
export const leadClosedEventSchema = z.object({
  ...envelope,
  type: z.enum(['lead.closed', 'lead.converted']),
  data: z.object({ outcome: z.string(), repId: z.uuid().nullable() }),
});

/** `lead.unassigned_alert`: a lead has waited for a rep longer than its team's `sla.unassignedAlert`. */
export const leadUnassignedAlertEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.unassigned_alert'),
  data: z.object({ teamId: z.uuid().nullable(), waitingSince: z.iso.datetime().nullable(), waitedMs: z.number(), reason: z.string().nullable() }),
});

/**
 * `lead.dead_lettered`: the lead was accepted, but its routing outcome could not be stored
 * (the database refused it as data, not for being down). It stays `new` with the reason, is
 * published to the intake dead-letter subject, and is not retried.
 */
export const leadDeadLetteredEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.dead_lettered'),
  data: z.object({ reason: z.string() }),
});

/** `lead.booked`: the prospect booked a meeting through the lead's booking link (or moved it: `rescheduled`). */
export const leadBookedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.booked'),
  data: z.object({
    bookingId: z.uuid(),
    repId: z.uuid().describe('Whom the meeting is with.'),
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    timeZone: z.string().describe('The prospect’s time zone, as the booking page had it.'),
    rescheduled: z.boolean().describe('True when this booking replaces an earlier one of the same link.'),
    replaces: z.uuid().nullable().describe('The booking this one replaces, if rescheduled.'),
  }),
});

/** `lead.booking_cancelled`: the prospect cancelled the meeting through the link. */
export const leadBookingCancelledEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.booking_cancelled'),
  data: z.object({ bookingId: z.uuid(), repId: z.uuid(), start: z.iso.datetime() }),
});

/** Any lead lifecycle event. */
export const leadLifecycleEventSchema = z.union([
  leadReceivedEventSchema,
  leadMergedEventSchema,
  leadAssignedEventSchema,
  leadWaitingEventSchema,
  leadTouchedEventSchema,
  leadBreachedEventSchema,
  leadRejectedEventSchema,
  leadReroutedEventSchema,
  leadEscalatedEventSchema,
  leadClosedEventSchema,
  leadUnassignedAlertEventSchema,
  leadDeadLetteredEventSchema,
  leadBookedEventSchema,
  leadBookingCancelledEventSchema,
]);
export type LeadLifecycleEvent = z.output<typeof leadLifecycleEventSchema>;
export type LeadReceivedEvent = z.output<typeof leadReceivedEventSchema>;
export type LeadMergedEvent = z.output<typeof leadMergedEventSchema>;
export type LeadAssignedEvent = z.output<typeof leadAssignedEventSchema>;
export type LeadWaitingEvent = z.output<typeof leadWaitingEventSchema>;

/** Dead-letter record for an intake message that could not be accepted. */
export const intakeDeadLetterSchema = z.object({
  version: z.literal(1),
  reason: z.string().describe('What was wrong, naming the fields.'),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  receivedAt: z.iso.datetime(),
  originalSubject: z.string(),
  /** The original payload as text (it may not be JSON). */
  payload: z.string(),
});
export type IntakeDeadLetter = z.output<typeof intakeDeadLetterSchema>;
