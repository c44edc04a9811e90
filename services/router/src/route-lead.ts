import {
  type Decision,
  decideRoute,
  type LeadFacts,
  type LeadId,
  type PolicyTeam,
  type RepFacts,
  type RepId,
  type RoutingDecision,
  type ShareLedger,
  type TeamId,
  type WaitOutcome,
} from '@switchboard/core';
import type { LeadEvent, LeadSnapshot, OfferAnswer } from '@switchboard/machines';
import type { PolicyState } from './policy-state.ts';
import type { RepActors, RepEntry } from './rep-actors.ts';
import { type PendingOffers, repFactsOf } from './rep-facts.ts';
import type { TeamActors } from './team-actors.ts';

/** Where a routing step left the lead. */
export type RoutingOutcome =
  | {
      readonly type: 'assigned';
      readonly rep: RepEntry;
      readonly team: PolicyTeam | null;
      readonly decision: RoutingDecision;
      /** Moves the team's strategy state back, for a step that did not commit after all. */
      readonly withdraw: () => void;
    }
  | {
      readonly type: 'waiting';
      readonly reason: string;
      readonly decision: RoutingDecision;
      readonly wait: WaitOutcome;
    };

/** The lead being routed: a draft of its next state (see `LeadDraft`), or a live actor in tests. */
export interface RoutedLead {
  getSnapshot(): LeadSnapshot;
  send(event: LeadEvent): void;
}

/** Inputs of one routing step besides the lead actor. */
export interface RoutingStepContext {
  readonly lead: LeadFacts;
  /** The lead's id in the source system, for the log. @default null */
  readonly externalId?: string | null;
  readonly policy: PolicyState;
  /** The team the lead named at intake, resolved; it overrides the rules. */
  readonly requestedTeam: PolicyTeam | null;
  /** The response SLA's deadline if `rep` takes the lead now, or null. */
  readonly deadlineFor: (rep: RepEntry, team: PolicyTeam | null) => number | null;
  /** Reps that must never get this lead again (they breached or rejected it). */
  readonly excluded: ReadonlyMap<RepId, 'breached' | 'rejected'>;
  readonly reps: RepActors;
  /** Hands out the next assignment sequence number (strictly increasing). */
  readonly nextSeq: () => number;
  readonly now: number;
  /** Offers the lead to a rep's actor (over the bus) and resolves with its answer. */
  readonly offer: (repId: RepId, offer: { leadId: LeadId; at: number; seq: number; allowBusy?: boolean }) => Promise<OfferAnswer>;
  /** Offers made by this router and not answered yet, per rep: counted as held, so that concurrent leads spread out. */
  readonly pending: PendingOffers;
  /** Records an offer in flight (synchronously, before it is sent) and, with the returned function, its answer. */
  readonly reserve: (repId: RepId, seq: number) => () => void;
  /** Where a team's decisions run one at a time (its strategy state has one writer). */
  readonly teams: Pick<TeamActors, 'decide'>;
}

/** An offer on its way to a rep, with the team's strategy state already moved for it. */
interface SentOffer {
  readonly record: RoutingDecision;
  readonly outcome: Extract<Decision['outcome'], { type: 'assign' }>;
  readonly answer: Promise<OfferAnswer>;
  /** Moves the strategy state back (the rep declined, or the offer failed). */
  readonly undo: () => void;
}

const isSentOffer = (value: SentOffer | Decision): value is SentOffer => 'answer' in value;

/**
 * Keeps a team's new weighted-round-robin credits and answers how to take this pick back. The
 * credits only ever add up, so taking a pick back subtracts what it added, even after later
 * picks built on it.
 */
function moveLedger(policy: PolicyState, teamId: TeamId, next: ShareLedger): () => void {
  const before = policy.ledgerOf(teamId);
  const delta = new Map<RepId, number>();
  for (const [repId, credit] of next) delta.set(repId, credit - (before.get(repId) ?? 0));
  policy.keepLedger(teamId, next);
  return () => {
    const now = new Map(policy.ledgerOf(teamId));
    for (const [repId, change] of delta) now.set(repId, (now.get(repId) ?? 0) - change);
    policy.keepLedger(teamId, now);
  };
}

/** How often a lead may move on to another team's mailbox before it is decided without one. */
const MAX_TEAM_HOPS = 8;

/**
 * One routing step of a lead actor in `routing`: let the policy decide, offer the lead to
 * the chosen rep's actor, and move the lead to `assigned` if the rep accepted or to
 * `waiting` when nobody can take it. A declined offer (the rep filled up between decision
 * and offer) excludes that rep and decides again.
 */
export async function routeLead(lead: RoutedLead, step: RoutingStepContext): Promise<RoutingOutcome> {
  const { policy } = step;
  const excluded = new Map<RepId, 'declined' | 'breached' | 'rejected'>(step.excluded);
  const account = policy.accountFor(step.lead);
  const facts = new Map<RepId, RepFacts | undefined>();
  const repOf = (repId: RepId): RepFacts | undefined => {
    if (facts.has(repId)) return facts.get(repId);
    const entry = step.reps.get(repId);
    const fact = entry && repFactsOf(entry, step.pending, policy.counts.countsOf(repId, step.now), step.now);
    facts.set(repId, fact);
    return fact;
  };
  const decide = () =>
    decideRoute({
      policy: policy.policy,
      lead: step.lead,
      requestedTeam: step.requestedTeam,
      account,
      repOf,
      ledgerOf: policy.ledgerOf,
      excluded,
      now: step.now,
      waitingSince: lead.getSnapshot().context.waitingSince,
    });
  const waiting = ({ record, outcome }: Decision & { outcome: { type: 'wait' } }): RoutingOutcome => {
    // A wait takes a sequence number too: it orders the waits among the team's assignments for a replay.
    const decision = { ...record, seq: step.nextSeq() };
    lead.send({ type: 'NO_CANDIDATE', teamId: outcome.team?.id ?? null, reason: outcome.reason, at: step.now, queue: outcome.queue, decision });
    return { type: 'waiting', reason: outcome.reason, decision, wait: outcome };
  };

  /**
   * Sends the decided rep its offer, and moves the team's strategy state on at once as if the
   * rep accepted (weighted credits, load counts; the round-robin order through the reservation),
   * so the team's next decision — taken while this rep still answers — builds on it. A decline
   * undoes the move. Synchronous up to the send: offers leave in decision order.
   */
  const offerTo = ({ record, outcome }: Decision & { outcome: { type: 'assign' } }): SentOffer => {
    const leadId = lead.getSnapshot().context.leadId;
    const seq = step.nextSeq();
    const settle = step.reserve(outcome.repId, seq);
    const undoLedger = outcome.ledger ? moveLedger(policy, outcome.ledger.teamId, outcome.ledger.ledger) : () => {};
    policy.counts.record(outcome.repId, step.now);
    // The lead offers itself over the bus; the rep accepts or declines in its own mailbox,
    // so two offers racing for its last slot can't both win.
    // A team with `busy: allow` lets a rep in a meeting take it; the rep's actor must know.
    const allowBusy = outcome.team?.busy === 'allow';
    const answer = step.offer(outcome.repId, { leadId, at: step.now, seq, ...(allowBusy && { allowBusy }) }).finally(settle);
    return {
      // The sequence number orders this team's decisions for a later replay (POST /v1/simulate).
      record: { ...record, seq },
      outcome,
      answer,
      undo: () => {
        undoLedger();
        policy.counts.unrecord(outcome.repId, step.now);
      },
    };
  };

  /** The rep's answer to a sent offer: the lead assigned, or undefined when the rep declined. */
  const settleOffer = async (sent: SentOffer): Promise<RoutingOutcome | undefined> => {
    const { outcome, record } = sent;
    const leadId = lead.getSnapshot().context.leadId;
    let answer: OfferAnswer;
    try {
      answer = await sent.answer;
    } catch (error) {
      sent.undo();
      throw error;
    }
    if (answer.leadId === leadId && answer.accepted) {
      const rep = step.reps.get(outcome.repId) as RepEntry;
      lead.send({
        type: 'ASSIGNED',
        repId: outcome.repId,
        teamId: outcome.team?.id ?? null,
        deadlineAt: step.deadlineFor(rep, outcome.team),
        ...(outcome.team?.sla && { maxBreaches: outcome.team.sla.maxBreaches, escalateTo: outcome.team.sla.escalateTo }),
        managerId: rep.profile.managerId,
        record: { repEmail: rep.profile.email, ruleName: record.rule?.name ?? null, summary: record.summary, externalId: step.externalId ?? null },
      });
      return { type: 'assigned', rep, team: outcome.team, decision: record, withdraw: sent.undo };
    }
    sent.undo();
    excluded.set(outcome.repId, 'declined');
    facts.delete(outcome.repId);
    lead.send({ type: 'DECLINED', repId: outcome.repId });
    return undefined;
  };

  // A first look says which team the lead goes to; the decision that counts is taken again
  // inside that team's mailbox, from the team's state as earlier leads left it. The mailbox is
  // held from the decision to the offer's send, not through the rep's answer.
  let decision = decide();
  for (let hops = 0; ; hops++) {
    if (decision.outcome.type === 'wait') return waiting(decision as Decision & { outcome: { type: 'wait' } });
    const teamId = decision.outcome.team?.id;
    const sent: SentOffer | Decision =
      teamId === undefined || hops >= MAX_TEAM_HOPS
        ? offerTo(decision as Decision & { outcome: { type: 'assign' } })
        : await step.teams.decide(teamId, async (): Promise<SentOffer | Decision> => {
            // What earlier decisions of this team changed: loads, orders, credits.
            facts.clear();
            const inTeam = decide();
            if (inTeam.outcome.type !== 'assign' || inTeam.outcome.team?.id !== teamId) return inTeam;
            return offerTo(inTeam as Decision & { outcome: { type: 'assign' } });
          });
    if (!isSentOffer(sent)) {
      // The team could no longer take it: on to where the fresh decision sends it.
      decision = sent;
      continue;
    }
    const outcome = await settleOffer(sent);
    if (outcome) return outcome;
    decision = decide();
  }
}
