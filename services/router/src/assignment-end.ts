import type { LeadId } from '@switchboard/core';
import type { LeadContext, LeadEvent, leadMachine } from '@switchboard/machines';
import type { LeadEventInput } from '@switchboard/store';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from 'xstate';
import type { RoutingOutcome } from './route-lead.ts';

/** What one lead step leaves behind: rows for the lead's event log, and the events to publish. */
export interface TransitionRecord {
  readonly rows: LeadEventInput[];
  readonly published: Array<{ id: string; type: string }>;
}

/** ISO time, or null. */
export const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/**
 * Describes one lead step — the events sent, and the routing outcome if it was routed —
 * as lifecycle events: `lead.breached`, `lead.routing`, `lead.assigned` and the rest,
 * each with its from/to states and cause. Pure: no I/O.
 */
export function describeTransition(
  held: { readonly id: LeadId; readonly traceId: string | null; readonly externalId: string | null; readonly actor: Actor<typeof leadMachine> },
  fromState: string,
  fromContext: LeadContext,
  events: ReadonlyArray<LeadEvent>,
  outcome: RoutingOutcome | undefined,
  now: number,
  cause: string,
): TransitionRecord {
  const at = new Date(now);
  const occurredAt = at.toISOString();
  const traceId = held.traceId;
  const rows: LeadEventInput[] = [];
  const published: Array<{ id: string; type: string }> = [];
  const after = held.actor.getSnapshot();
  const record = (
    type: string,
    from: string | null,
    to: string | null,
    data: Record<string, unknown>,
    publish: boolean,
    logData?: Record<string, unknown>,
    why: string = cause,
  ) => {
    const id = uuidv7();
    rows.push({ id, type, from, to, cause: why, data: logData ?? data, traceId, at });
    if (publish) published.push({ id, type, version: 1, occurredAt, leadId: held.id, data } as never);
  };
  const event = events[0];
  let state = fromState;
  switch (event?.type) {
    case 'TOUCH':
      record('lead.touched', state, String(after.value), { touch: event.touch, repId: fromContext.ownerId, followUpDeadlineAt: iso(after.context.slaDeadlineAt) }, true);
      return { rows, published };
    case 'CLOSE':
      record(`lead.${after.value === 'converted' ? 'converted' : 'closed'}`, state, String(after.value), { outcome: event.outcome, repId: fromContext.ownerId }, true);
      return { rows, published };
    case 'SLA_EXPIRED':
      record('lead.breached', state, 'breached', { repId: fromContext.ownerId, deadlineAt: iso(event.deadlineAt), breaches: after.context.breaches }, true);
      state = 'breached';
      break;
    case 'REJECT':
      record('lead.rejected', state, 'routing', { repId: event.repId, reason: event.reason }, true);
      state = 'routing';
      break;
    case 'REROUTE':
      record('lead.rerouted', state, 'routing', { repId: fromContext.ownerId, reason: event.reason }, true);
      state = 'routing';
      break;
    default:
      break;
  }
  if (after.value === 'escalated') {
    record('lead.escalated', state, 'escalated', { repId: after.context.ownerId, lastOwnerId: fromContext.ownerId, reason: after.context.waitingReason, breaches: after.context.breaches }, true);
    return { rows, published };
  }
  if (!outcome) return { rows, published };
  if (state !== 'routing') {
    record('lead.routing', state, 'routing', { teamId: (outcome.type === 'assigned' ? outcome.team : outcome.wait.team)?.id ?? null }, false);
  }
  const reassigned = fromContext.breachedBy.length + fromContext.rejectedBy.length > 0 || after.context.breaches > 0 || after.context.rejectedBy.length > 0;
  if (outcome.type === 'assigned') {
    const owner = outcome.rep.profile;
    record(
      'lead.assigned',
      'routing',
      'assigned',
      {
        repId: owner.id,
        repEmail: owner.email,
        teamId: outcome.team?.id ?? null,
        ruleName: outcome.decision.rule?.name ?? null,
        externalId: held.externalId,
        summary: outcome.decision.summary,
        reassigned,
        slaDeadlineAt: iso(after.context.slaDeadlineAt),
      },
      true,
      undefined,
      'offer-accepted',
    );
  } else {
    const data = { teamId: outcome.wait.team?.id ?? null, queue: outcome.wait.queue, reason: outcome.reason };
    // The log keeps the whole decision (who was considered and why not); the published event stays small.
    record('lead.waiting', 'routing', 'waiting', data, true, { ...data, decision: outcome.decision }, 'no-candidate');
  }
  return { rows, published };
}

/** Why a step ended the lead's open assignment. */
export function endReason(events: ReadonlyArray<LeadEvent>): string {
  switch (events[0]?.type) {
    case 'SLA_EXPIRED':
      return 'breached';
    case 'REJECT':
      return 'rejected';
    case 'REROUTE':
      return 'rerouted';
    case 'CLOSE':
      return 'closed';
    default:
      return 'reassigned';
  }
}
