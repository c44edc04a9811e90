import {
  type CandidateSnapshot,
  type LeadId,
  pickRoundRobin,
  type RepId,
  type RepState,
  type RoutingDecision,
  type Team,
} from '@switchboard/core';
import type { leadMachine, OfferAnswer } from '@switchboard/machines';
import type { Actor } from 'xstate';
import type { RepActors, RepEntry } from './rep-actors.ts';

/** Where a routing step left the lead. */
export type RoutingOutcome =
  | { readonly type: 'assigned'; readonly rep: RepEntry; readonly team: Team; readonly decision: RoutingDecision }
  | { readonly type: 'waiting'; readonly team: Team | null; readonly reason: string; readonly decision: RoutingDecision | null };

/** Inputs of one routing step besides the lead. */
export interface RoutingStepContext {
  readonly team: Team | null;
  /** The response SLA's deadline if `rep` takes the lead now, or null. */
  readonly deadlineFor: (rep: RepEntry, team: Team) => number | null;
  /** Reps that must never get this lead again (they breached or rejected it). */
  readonly excluded: ReadonlyMap<RepId, 'breached' | 'rejected'>;
  readonly teamSource: 'lead' | 'default';
  readonly reps: RepActors;
  /** Hands out the next assignment sequence number (strictly increasing). */
  readonly nextSeq: () => number;
  readonly now: number;
  /** Offers the lead to a rep's actor (over the bus) and resolves with its answer. */
  readonly offer: (repId: RepId, offer: { leadId: LeadId; at: number; seq: number }) => Promise<OfferAnswer>;
  /** Offers made by this router and not answered yet, per rep: counted as held, so that concurrent leads spread out. */
  readonly pending: ReadonlyMap<RepId, { readonly count: number; readonly seq: number }>;
  /** Records an offer in flight (synchronously, before it is sent) and, with the returned function, its answer. */
  readonly reserve: (repId: RepId, seq: number) => () => void;
}

/**
 * One routing step of a lead actor in `routing`: pick a rep with the team's strategy,
 * offer the lead to that rep's actor, and move the lead to `assigned` if the rep
 * accepted or to `waiting` when nobody can take it. A declined offer (the rep filled
 * up between snapshot and offer) excludes that rep and picks again.
 */
export async function routeLead(lead: Actor<typeof leadMachine>, step: RoutingStepContext): Promise<RoutingOutcome> {
  const { team } = step;
  if (team === null) {
    const reason = 'no team exists yet: create one with POST /v1/teams; the lead is routed as soon as it has reps';
    lead.send({ type: 'NO_CANDIDATE', teamId: null, reason, at: step.now });
    return { type: 'waiting', team: null, reason, decision: null };
  }
  const declined = new Map<RepId, 'declined' | 'breached' | 'rejected'>(step.excluded);
  for (;;) {
    const candidates = snapshotCandidates(team, step.reps, step.pending);
    const pick = pickRoundRobin(candidates, declined);
    const decision: RoutingDecision = {
      version: 1,
      teamId: team.id,
      teamName: team.name,
      teamSource: step.teamSource,
      strategy: team.strategy,
      decidedAt: new Date(step.now).toISOString(),
      candidates: pick.verdicts,
      chosenRepId: pick.chosen?.repId ?? null,
      summary: pick.summary,
    };
    if (pick.chosen === null) {
      const reason =
        candidates.length === 0
          ? `team "${team.name}" has no members`
          : `no rep of team "${team.name}" can take the lead now (${summariseStates(candidates)})`;
      lead.send({ type: 'NO_CANDIDATE', teamId: team.id, reason, at: step.now });
      return { type: 'waiting', team, reason, decision };
    }
    const rep = step.reps.get(pick.chosen.repId) as RepEntry;
    const leadId = lead.getSnapshot().context.leadId;
    // The lead offers itself over the bus; the rep accepts or declines in its own mailbox,
    // so two offers racing for its last slot can't both win.
    const seq = step.nextSeq();
    const settle = step.reserve(rep.profile.id, seq);
    let answer: OfferAnswer;
    try {
      answer = await step.offer(rep.profile.id, { leadId, at: step.now, seq });
    } finally {
      settle();
    }
    if (answer.leadId === leadId && answer.accepted) {
      lead.send({
        type: 'ASSIGNED',
        repId: rep.profile.id,
        teamId: team.id,
        deadlineAt: step.deadlineFor(rep, team),
        ...(team.sla && { maxBreaches: team.sla.maxBreaches }),
      });
      return { type: 'assigned', rep, team, decision };
    }
    declined.set(pick.chosen.repId, 'declined');
    lead.send({ type: 'DECLINED', repId: pick.chosen.repId });
  }
}

function snapshotCandidates(
  team: Team,
  reps: RepActors,
  pending: ReadonlyMap<RepId, { readonly count: number; readonly seq: number }>,
): CandidateSnapshot[] {
  const candidates: CandidateSnapshot[] = [];
  for (const repId of team.members) {
    const entry = reps.get(repId);
    if (!entry) continue;
    const { context, value } = entry.actor.getSnapshot();
    const inFlight = pending.get(repId);
    candidates.push({
      repId,
      name: context.name,
      state: value as RepState,
      activeLeads: context.activeLeads + (inFlight?.count ?? 0),
      cap: context.cap,
      lastAssignedAt: context.lastAssignedAt,
      lastAssignmentSeq: Math.max(context.lastAssignmentSeq ?? -1, inFlight?.seq ?? -1) === -1 ? null : Math.max(context.lastAssignmentSeq ?? -1, inFlight?.seq ?? -1),
    });
  }
  return candidates;
}

function summariseStates(candidates: ReadonlyArray<CandidateSnapshot>): string {
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}
