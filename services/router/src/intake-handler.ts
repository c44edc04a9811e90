import {
  factsOfIntake,
  IntakeHeader,
  type IntakeDeadLetter,
  type LeadId,
  type LeadIntake,
  leadIdForIntakeKey,
  leadIntakeSchema,
  type Logger,
  toValidationIssues,
  type ValidationIssue,
} from '@switchboard/core';
import { type Bus, type BusMessage, encodeJson, type Subjects } from '@switchboard/bus';
import { isDataError, type LeadIntakeWriter, type LeadRepository } from '@switchboard/store';
import { traceIdOf } from '@switchboard/telemetry';
import type { DeadLetterOrigin } from './lead-dead-letter.ts';
import type { AdmittedLead } from './lead-router.ts';
import type { LifecyclePublisher } from './lifecycle-publisher.ts';
import type { PolicyState } from './policy-state.ts';
import type { TeamDirectory } from './team-directory.ts';

/** What the intake handler needs. */
export interface IntakeHandlerDeps {
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly leads: LeadRepository;
  readonly teams: TeamDirectory;
  readonly policy: PolicyState;
  readonly intakeWriter: LeadIntakeWriter;
  readonly publisher: LifecyclePublisher;
  /** Routes a stored lead; one whose routing outcome the database refuses to store is dead-lettered. */
  readonly admit: (lead: AdmittedLead, origin: Omit<DeadLetterOrigin, 'cause'>) => Promise<void>;
}

/**
 * Handles one message of the intake stream. A lead the API already committed (it
 * carries `Sb-Lead-Id`) is routed; a lead from any other producer is validated and
 * stored first, or dead-lettered with the reason. The message is acked only once the
 * outcome is committed; a handler that throws leaves it for redelivery.
 */
export function createIntakeHandler(deps: IntakeHandlerDeps): (message: BusMessage) => Promise<void> {
  const { bus, subjects, logger, clock, leads, teams, policy, intakeWriter, publisher, admit } = deps;
  // A lead id minted after this router started cannot have been routed by an earlier process.
  const startedAt = clock();
  const isFresh = (id: string): boolean => uuidTime(id) >= startedAt;

  const deadLetter = async (message: BusMessage, reason: string, errors: ReadonlyArray<ValidationIssue>): Promise<void> => {
    const record: IntakeDeadLetter = {
      version: 1,
      reason,
      errors: [...errors],
      receivedAt: new Date(clock()).toISOString(),
      originalSubject: message.subject,
      payload: new TextDecoder().decode(message.data),
    };
    await bus.publish(subjects.intakeDeadLetter, encodeJson(record), { msgId: `dead-letter:${subjects.streams.intake}:${message.seq}` });
    logger.warn({ seq: message.seq, reason }, 'intake message dead-lettered');
    message.ack();
  };

  const onIntake = async (message: BusMessage): Promise<void> => {
    let payload: unknown;
    try {
      payload = message.json();
    } catch (error) {
      await deadLetter(message, `payload is not valid JSON: ${(error as Error).message}`, [{ path: '', message: 'not valid JSON' }]);
      return;
    }
    // The trace the lead arrived in (the producer's `traceparent`): its events are logged with its id.
    const traceId = traceIdOf(message.headers[IntakeHeader.traceparent]);
    const storedId = message.headers[IntakeHeader.leadId] as LeadId | undefined;
    let intake: LeadIntake;
    let id: LeadId;
    let cause: string;
    // A redelivered message's lead may be routed by another path meanwhile (a restart's list).
    let recheck = false;
    if (storedId) {
      // The API validated and committed this lead before publishing it; the router
      // needs only where it goes. (A forged header can't do harm: an unknown id fails
      // the version guard when its outcome is written.)
      const stored = payload as { [K in keyof LeadIntake]?: unknown };
      const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
      intake = {
        email: text(stored.email) ?? '',
        ...(text(stored.firstName) && { firstName: text(stored.firstName) }),
        ...(text(stored.lastName) && { lastName: text(stored.lastName) }),
        ...(text(stored.company) && { company: text(stored.company) }),
        ...(text(stored.source) && { source: text(stored.source) }),
        ...(typeof stored.team === 'string' && { team: stored.team }),
        ...(typeof stored.externalId === 'string' && { externalId: stored.externalId }),
        ...(typeof stored.attributes === 'object' && stored.attributes !== null && { attributes: stored.attributes as LeadIntake['attributes'] }),
      };
      // Stored by the API before it published. A redelivery may find it routed already.
      recheck = message.deliveryCount > 1 || !isFresh(storedId);
      if (recheck) {
        const current = await leads.getState(storedId);
        if (!current || current.state !== 'new') {
          message.ack();
          return;
        }
      }
      id = storedId;
      cause = 'intake:api';
    } else {
      const parsed = leadIntakeSchema.safeParse(payload);
      if (!parsed.success) {
        const issues = toValidationIssues(parsed.error);
        await deadLetter(message, `invalid lead: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
        return;
      }
      const valid = parsed.data;
      intake = valid;
      if (valid.team !== undefined && !(await teams.find(valid.team))) {
        await deadLetter(message, `team: team "${valid.team}" does not exist`, [
          { path: 'team', message: `team "${valid.team}" does not exist; create it with POST /v1/teams or leave team out` },
        ]);
        return;
      }
      let stored: Awaited<ReturnType<LeadIntakeWriter['write']>>;
      try {
        stored = await intakeWriter.write({
          // The same message (a redelivery) maps to the same lead id, so it can't become two leads.
          id: leadIdForIntakeKey(`${subjects.streams.intake}:${message.seq}`),
          intake: valid,
          receivedAt: new Date(clock()),
          via: 'bus',
          traceId,
        });
      } catch (error) {
        // The database refused the lead's data (not an outage): sending it again fails the same way.
        if (!isDataError(error)) throw error;
        await deadLetter(message, `the lead could not be stored: ${(error as Error).message}`, [{ path: '', message: (error as Error).message }]);
        return;
      }
      if (stored.duplicate) {
        if (stored.merged) publisher.publish(stored.event);
        message.ack();
        return;
      }
      publisher.publish(stored.event);
      id = stored.id;
      cause = 'intake:bus';
    }
    const receivedHeader = message.headers[IntakeHeader.receivedAt];
    const receivedAt = receivedHeader ? Date.parse(receivedHeader) : clock();
    // An outage throws (the message is redelivered); a refusal of the data is dead-lettered.
    await admit(
      {
        id,
        receivedAt: Number.isNaN(receivedAt) ? clock() : receivedAt,
        // The configured priority field (a number, `priority` by default) orders the waiting line, higher first.
        priority: priorityOf(intake, policy.policy.priorityField),
        facts: factsOfIntake(intake),
        requestedTeam: intake.team ?? null,
        externalId: intake.externalId ?? null,
        version: 0,
        traceId,
        cause,
        recheck,
      },
      { subject: message.subject, payload: new TextDecoder().decode(message.data) },
    );
    message.ack();
  };


  return onIntake;
}

/** A lead's priority: its `field` attribute as a number (numeric strings count), else 0. */
export function priorityOf(intake: Pick<LeadIntake, 'attributes'>, field: string): number {
  const value = intake.attributes?.[field];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
}

/** Milliseconds since the epoch encoded in a UUIDv7 (0 for other UUIDs). */
function uuidTime(id: string): number {
  if (id[14] !== '7') return 0;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
