import {
  intakeDeadLetterSchema,
  leadAssignedEventSchema,
  leadBreachedEventSchema,
  leadClosedEventSchema,
  leadEscalatedEventSchema,
  leadRejectedEventSchema,
  leadReroutedEventSchema,
  leadTouchedEventSchema,
  leadUnassignedAlertEventSchema,
  leadDeadLetteredEventSchema,
  leadBookedEventSchema,
  leadBookingCancelledEventSchema,
  leadIntakeSchema,
  leadReceivedEventSchema,
  leadMergedEventSchema,
  leadWaitingEventSchema,
} from '@switchboard/core';
import { z } from 'zod';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input' });

const namespaceParameter = {
  namespace: { description: 'SWITCHBOARD_NAMESPACE of the deployment', default: 'sb' },
};

/**
 * The AsyncAPI 3 document of Switchboard's event stream: the intake subject other
 * producers publish leads to, the dead-letter subject, and the lifecycle events.
 * Built from the same zod schemas the code validates with, so it can't drift.
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchboard event stream',
      version: '1.0.0',
      description: [
        'Switchboard is driven by NATS JetStream (or, in the embedded default, an in-process bus with the same subjects).',
        'Every name is prefixed by the namespace (`SWITCHBOARD_NAMESPACE`, default `sb`).',
        '',
        'Streams: `{namespace}_INTAKE` holds `{namespace}.lead.intake`; `{namespace}_EVENTS` holds `{namespace}.evt.>`;',
        '`{namespace}_DEADLETTER` holds `{namespace}.deadletter.>` (kept 30 days).',
        '',
        'Producers publish a lead to the intake subject as JSON; set a `Nats-Msg-Id` header (e.g. your form submission id) so that a',
        'retried publish within two minutes is stored once. A lead with an `externalId` is one lead however often it arrives.',
        'A message that fails validation is not routed and not dropped: it goes to the dead-letter subject with the reason.',
        '',
        'Lifecycle events are published after their rows are committed in PostgreSQL; each carries a unique `id` (also its',
        '`Nats-Msg-Id`) and a schema `version`. Within a version, fields are only ever added.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      nats: { host: 'localhost:4222', protocol: 'nats', description: 'A NATS server with JetStream enabled.' },
    },
    channels: {
      leadIntake: {
        address: '{namespace}.lead.intake',
        parameters: namespaceParameter,
        messages: { lead: { $ref: '#/components/messages/LeadIntake' } },
      },
      intakeDeadLetter: {
        address: '{namespace}.deadletter.lead.intake',
        parameters: namespaceParameter,
        messages: { deadLetter: { $ref: '#/components/messages/IntakeDeadLetter' } },
      },
      leadReceived: {
        address: '{namespace}.evt.lead.received',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadReceived' } },
      },
      leadMerged: {
        address: '{namespace}.evt.lead.merged',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadMerged' } },
      },
      leadAssigned: {
        address: '{namespace}.evt.lead.assigned',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadAssigned' } },
      },
      leadWaiting: {
        address: '{namespace}.evt.lead.waiting',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadWaiting' } },
      },
      leadUnassignedAlert: {
        address: '{namespace}.evt.lead.unassigned_alert',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadUnassignedAlert' } },
      },
      leadDeadLettered: {
        address: '{namespace}.evt.lead.dead_lettered',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadDeadLettered' } },
      },
      leadBooked: {
        address: '{namespace}.evt.lead.booked',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadBooked' } },
      },
      leadBookingCancelled: {
        address: '{namespace}.evt.lead.booking_cancelled',
        parameters: namespaceParameter,
        messages: { event: { $ref: '#/components/messages/LeadBookingCancelled' } },
      },
      ...Object.fromEntries(
        (['touched', 'breached', 'rejected', 'rerouted', 'escalated', 'closed', 'converted'] as const).map((type) => [
          `lead${type[0]?.toUpperCase()}${type.slice(1)}`,
          {
            address: `{namespace}.evt.lead.${type}`,
            parameters: namespaceParameter,
            messages: { event: { $ref: `#/components/messages/Lead${type === 'converted' ? 'Closed' : `${type[0]?.toUpperCase()}${type.slice(1)}`}` } },
          },
        ]),
      ),
    },
    operations: {
      publishLead: {
        action: 'send',
        channel: { $ref: '#/channels/leadIntake' },
        summary: 'Submit a lead for routing, exactly as POST /v1/leads would.',
      },
      receiveDeadLetters: { action: 'receive', channel: { $ref: '#/channels/intakeDeadLetter' }, summary: 'Intake messages that were refused, with why.' },
      receiveLeadReceived: { action: 'receive', channel: { $ref: '#/channels/leadReceived' }, summary: 'A lead was accepted and committed.' },
      receiveLeadMerged: {
        action: 'receive',
        channel: { $ref: '#/channels/leadMerged' },
        summary: 'A new submission with the email of an open lead was merged into it (dedupe.byEmail).',
      },
      receiveLeadAssigned: {
        action: 'receive',
        channel: { $ref: '#/channels/leadAssigned' },
        summary: 'A lead has an owner (for CRM write-back, notifications, dashboards).',
      },
      receiveLeadWaiting: { action: 'receive', channel: { $ref: '#/channels/leadWaiting' }, summary: 'Nobody could take a lead; it is held and retried.' },
      receiveLeadUnassignedAlert: {
        action: 'receive',
        channel: { $ref: '#/channels/leadUnassignedAlert' },
        summary: 'A lead has waited for a rep longer than its team allows.',
      },
      receiveLeadDeadLettered: {
        action: 'receive',
        channel: { $ref: '#/channels/leadDeadLettered' },
        summary: 'A lead was accepted but its routing outcome could not be stored; it is on the dead-letter subject and is not retried.',
      },
      receiveLeadBooked: { action: 'receive', channel: { $ref: '#/channels/leadBooked' }, summary: 'The prospect booked (or moved) a meeting through the lead’s booking link.' },
      receiveLeadBookingCancelled: { action: 'receive', channel: { $ref: '#/channels/leadBookingCancelled' }, summary: 'The prospect cancelled the booked meeting.' },
      receiveLeadTouched: { action: 'receive', channel: { $ref: '#/channels/leadTouched' }, summary: 'The owner touched the lead; the SLA clock stopped.' },
      receiveLeadBreached: { action: 'receive', channel: { $ref: '#/channels/leadBreached' }, summary: 'An SLA ran out; the lead is taken back.' },
      receiveLeadRejected: { action: 'receive', channel: { $ref: '#/channels/leadRejected' }, summary: 'The owner rejected the lead.' },
      receiveLeadRerouted: { action: 'receive', channel: { $ref: '#/channels/leadRerouted' }, summary: 'The owner was deactivated; the lead is routed again.' },
      receiveLeadEscalated: { action: 'receive', channel: { $ref: '#/channels/leadEscalated' }, summary: 'Too many breaches: escalated.' },
      receiveLeadClosed: { action: 'receive', channel: { $ref: '#/channels/leadClosed' }, summary: 'The lead was closed.' },
      receiveLeadConverted: { action: 'receive', channel: { $ref: '#/channels/leadConverted' }, summary: 'The lead was converted.' },
    },
    components: {
      messages: {
        LeadIntake: {
          name: 'LeadIntake',
          title: 'A lead to route',
          headers: {
            type: 'object',
            properties: { 'Nats-Msg-Id': { type: 'string', description: 'Deduplication id (recommended).' } },
          },
          payload: schema(leadIntakeSchema),
          examples: [{ payload: { email: 'ana@acme.io', company: 'Acme GmbH', externalId: 'form-8812', source: 'web-form', attributes: { country: 'DE' } } }],
        },
        IntakeDeadLetter: { name: 'IntakeDeadLetter', payload: schema(intakeDeadLetterSchema) },
        LeadReceived: { name: 'LeadReceived', payload: schema(leadReceivedEventSchema) },
        LeadMerged: { name: 'LeadMerged', payload: schema(leadMergedEventSchema) },
        LeadAssigned: { name: 'LeadAssigned', payload: schema(leadAssignedEventSchema) },
        LeadWaiting: { name: 'LeadWaiting', payload: schema(leadWaitingEventSchema) },
        LeadTouched: { name: 'LeadTouched', payload: schema(leadTouchedEventSchema) },
        LeadBreached: { name: 'LeadBreached', payload: schema(leadBreachedEventSchema) },
        LeadRejected: { name: 'LeadRejected', payload: schema(leadRejectedEventSchema) },
        LeadRerouted: { name: 'LeadRerouted', payload: schema(leadReroutedEventSchema) },
        LeadEscalated: { name: 'LeadEscalated', payload: schema(leadEscalatedEventSchema) },
        LeadClosed: { name: 'LeadClosed', payload: schema(leadClosedEventSchema) },
        LeadUnassignedAlert: { name: 'LeadUnassignedAlert', payload: schema(leadUnassignedAlertEventSchema) },
        LeadDeadLettered: { name: 'LeadDeadLettered', payload: schema(leadDeadLetteredEventSchema) },
        LeadBooked: { name: 'LeadBooked', payload: schema(leadBookedEventSchema) },
        LeadBookingCancelled: { name: 'LeadBookingCancelled', payload: schema(leadBookingCancelledEventSchema) },
      },
    },
  };
}
