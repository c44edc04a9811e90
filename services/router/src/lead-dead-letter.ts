import type { IntakeDeadLetter, LeadId, Logger } from '@switchboard/core';
import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import type { LeadRepository } from '@switchboard/store';
import { v7 as uuidv7 } from 'uuid';
import type { LifecyclePublisher } from './lifecycle-publisher.ts';

/** Where the lead that can't be routed came from, for its dead-letter record. */
export interface DeadLetterOrigin {
  /** The intake subject, or where the lead was picked up again (`sweep`, `restart`). */
  readonly subject: string;
  /** The submission as text (the intake message, or the stored lead's fields). */
  readonly payload: string;
  /** What brought the lead to the router, for its log (`intake:api`, `recovered`, ...). */
  readonly cause: string;
}

/**
 * Dead-letters an accepted lead whose routing outcome PostgreSQL refuses to store (a data
 * error, not an outage). Sending it again would fail the same way, so instead of being
 * redelivered forever the lead keeps the reason on its row and in its log, stays `new`, and
 * its submission goes to the intake dead-letter subject for a person to look at.
 */
export function createLeadDeadLetter(deps: {
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly leads: LeadRepository;
  readonly publisher: LifecyclePublisher;
  readonly logger: Logger;
  readonly clock: () => number;
}): (leadId: LeadId, error: unknown, origin: DeadLetterOrigin) => Promise<void> {
  const { bus, subjects, leads, publisher, logger, clock } = deps;
  return async (leadId, error, origin) => {
    const at = new Date(clock());
    const reason = `the lead was accepted, but its routing outcome could not be stored: ${(error as Error).message ?? String(error)}`;
    const record: IntakeDeadLetter = {
      version: 1,
      reason,
      errors: [{ path: '', message: (error as Error).message ?? String(error) }],
      receivedAt: at.toISOString(),
      originalSubject: origin.subject,
      payload: origin.payload,
    };
    // One dead letter per lead, however often this runs before the mark commits.
    await bus.publish(subjects.intakeDeadLetter, encodeJson(record), { msgId: `dead-letter:lead:${leadId}` });
    const eventId = uuidv7();
    if (await leads.markDeadLettered(leadId, { reason, eventId, at, cause: origin.cause })) {
      publisher.publish({ id: eventId, type: 'lead.dead_lettered', version: 1, occurredAt: at.toISOString(), leadId, data: { reason } } as never);
    }
    logger.error({ err: error, leadId }, 'a lead could not be stored as routed; it is dead-lettered and will not be retried');
  };
}
