import { z } from 'zod';

/**
 * Lifecycle event types, published on `<namespace>.evt.<type>` and stored in the
 * lead's event log. Their payloads are versioned (`version`), documented in
 * `docs/asyncapi.yaml`, and only ever extended compatibly within a version.
 */
export const LifecycleEventType = {
  leadReceived: 'lead.received',
  leadRouting: 'lead.routing',
  leadAssigned: 'lead.assigned',
  leadWaiting: 'lead.waiting',
  repUpdated: 'rep.updated',
} as const;
export type LifecycleEventType = (typeof LifecycleEventType)[keyof typeof LifecycleEventType];

const envelope = {
  /** Unique per event; also the `Nats-Msg-Id`, so a republished event is dropped by the stream. */
  id: z.uuid(),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  leadId: z.uuid(),
};

/** `lead.received`: a lead was accepted and committed. */
export const leadReceivedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.received'),
  data: z.object({
    email: z.string(),
    externalId: z.string().nullable(),
    company: z.string().nullable(),
    source: z.string().nullable(),
    requestedTeam: z.string().nullable(),
  }),
});

/** `lead.assigned`: the lead has an owner; the assignment is committed. */
export const leadAssignedEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.assigned'),
  data: z.object({
    repId: z.uuid(),
    repEmail: z.string(),
    teamId: z.uuid(),
    externalId: z.string().nullable(),
    summary: z.string().describe('Why this rep, in one sentence.'),
  }),
});

/** `lead.waiting`: nobody could take the lead; it is held and retried when a rep frees up. */
export const leadWaitingEventSchema = z.object({
  ...envelope,
  type: z.literal('lead.waiting'),
  data: z.object({ teamId: z.uuid().nullable(), reason: z.string() }),
});

/** Any lead lifecycle event. */
export const leadLifecycleEventSchema = z.discriminatedUnion('type', [
  leadReceivedEventSchema,
  leadAssignedEventSchema,
  leadWaitingEventSchema,
]);
export type LeadLifecycleEvent = z.output<typeof leadLifecycleEventSchema>;
export type LeadReceivedEvent = z.output<typeof leadReceivedEventSchema>;
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
