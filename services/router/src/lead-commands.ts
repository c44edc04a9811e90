import { addBusinessTime, type PolicyTeam, type SlaPolicy, type TeamId } from '@switchboard/core';
import { type LeadContext, type LeadEvent, type LeadSnapshot, LeadTag } from '@switchboard/machines';
import type { LeadCommand } from './lead-router.ts';
import type { PolicyState } from './policy-state.ts';
import { type RepActors, type RepEntry, scheduleOf } from './rep-actors.ts';
import type { TeamDirectory } from './team-directory.ts';

/** The SLA deadline of a step, or null when the team has none. */
export function slaDeadline(sla: SlaPolicy | null, which: 'response' | 'followUp', owner: RepEntry | undefined, now: number): number | null {
  const duration = sla?.[which];
  if (!sla || duration === undefined) return null;
  if (!sla.businessHours || !owner) return now + duration;
  // Business hours: only the owner's working time counts (17:55 + 15 min → 09:10 next working day).
  return addBusinessTime(scheduleOf(owner.profile), now, duration);
}

/**
 * What a lead's commands mean to its machine: a command (touch, close, reject, re-route, an SLA
 * timer) as the lead event to send, with the SLA deadlines and the checks only the router can
 * make (the owner's rejection limit), or the reason it is refused.
 */
export class LeadCommands {
  readonly #policy: PolicyState;
  readonly #teams: TeamDirectory;
  readonly #reps: RepActors;

  constructor(deps: { readonly policy: PolicyState; readonly teams: TeamDirectory; readonly reps: RepActors }) {
    this.#policy = deps.policy;
    this.#teams = deps.teams;
    this.#reps = deps.reps;
  }

  /**
   * The team whose SLA applies to a lead: the routing policy's, else the team directory's
   * cache, which may not have yet a team the policy already routes to.
   */
  slaTeamOf(teamId: string | null): Pick<PolicyTeam, 'sla'> | undefined {
    if (!teamId) return undefined;
    return this.#policy.policy.teamsById.get(teamId as TeamId) ?? this.#teams.cached(teamId);
  }

  /** The event a command sends the lead, or why it can't be taken. */
  eventFor(command: LeadCommand, snapshot: LeadSnapshot, now: number): LeadEvent | { error: string } {
    const { context } = snapshot;
    switch (command.type) {
      case 'touch':
        return { type: 'TOUCH', touch: command.touch, at: now, followUpDeadlineAt: this.#followUpDeadline(context, now) };
      case 'close': {
        if (snapshot.hasTag(LeadTag.closed)) return { error: `lead "${context.leadId}" is already ${String(snapshot.value)}` };
        return { type: 'CLOSE', outcome: command.outcome, converted: command.outcome === 'converted' };
      }
      case 'reject': {
        const repId = command.repId ?? context.ownerId;
        if (!repId || repId !== context.ownerId) {
          return { error: `only the lead's owner can reject it (owner: ${context.ownerId ?? 'nobody'})` };
        }
        // The rep's machine guards its daily rejection limit.
        const rep = this.#reps.get(repId)?.actor.getSnapshot();
        if (rep && !rep.can({ type: 'REJECTED', leadId: context.leadId, at: now })) {
          return { error: `rep "${repId}" has rejected ${rep.context.maxRejectionsPerDay} leads today, the daily limit; ask a manager to re-route it` };
        }
        return { type: 'REJECT', repId, reason: command.reason };
      }
      case 'reroute':
        return { type: 'REROUTE', reason: command.reason };
      case 'sla-expired':
        return { type: 'SLA_EXPIRED', deadlineAt: command.deadlineAt };
      case 'book':
        return { type: 'BOOKED', at: now, booking: command.booking, followUpDeadlineAt: this.#followUpDeadline(context, now) };
      case 'unbook':
        return { type: 'BOOKING_CANCELLED', booking: command.booking };
    }
  }

  #followUpDeadline(context: LeadContext, now: number): number | null {
    const team = this.slaTeamOf(context.teamId);
    const owner = context.ownerId ? this.#reps.get(context.ownerId) : undefined;
    return slaDeadline(team?.sla ?? null, 'followUp', owner, now);
  }
}
