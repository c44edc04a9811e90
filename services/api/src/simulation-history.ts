import {
  type PresenceChange,
  type RepId,
  replayOrder,
  replayStartOf,
  type SimulatedLead,
  type SimulationHistory,
} from '@switchboard/core';
import type { LeadRepository } from '@switchboard/store';

type RoutingHistory = Awaited<ReturnType<LeadRepository['routingHistory']>>;

/**
 * A past period as the simulation replays it: its leads in the order the router decided on
 * them (see `replayOrder`), each at that moment, released when its first owner gave it up (closed, converted,
 * breached), with the owner it really got; the routing state at `from`; availability from
 * the rep event log. `weightOf` gives the reps' weights (for rebuilding weighted credits).
 */
export function simulationHistoryOf(
  history: RoutingHistory,
  from: Date,
  weightOf: (repId: RepId) => number,
): { readonly leads: SimulatedLead[]; readonly history: SimulationHistory } {
  const leads: SimulatedLead[] = [];
  const periodLeads: Array<SimulationHistory['leads'][number]> = [];
  const order = replayOrder(history.leads.map((lead) => ({ at: (lead.routedAt ?? lead.createdAt).getTime(), decision: lead.decisionOrder })));
  for (const { index, at } of order) {
    const lead = history.leads[index]!;
    leads.push({ label: lead.externalId ?? `${lead.facts.email} (${lead.id})`, team: lead.requestedTeam, facts: lead.facts });
    const first = lead.firstAssignment;
    periodLeads.push({
      at,
      // Closing a lead leaves its assignment open: the rep let go of it at whichever came first.
      releasedAt: earliest(first?.endedAt ?? null, lead.closedAt),
      priority: lead.priority,
      recorded: first
        ? { repId: first.repId, team: first.teamName, queue: null, rule: first.ruleName, summary: first.summary }
        : { repId: null, team: null, queue: lead.waitQueue, rule: null, summary: lead.waitSummary ?? 'not routed' },
    });
  }
  // Still waiting at `from`: in the line ahead of the period's leads, in the order they came.
  const carried = history.carried.map((lead) => ({
    label: lead.externalId ?? `${lead.facts.email} (${lead.id})`,
    facts: lead.facts,
    team: lead.requestedTeam,
    at: from.getTime(),
    releasedAt: earliest(lead.firstAssignment?.endedAt ?? null, lead.closedAt),
    priority: lead.priority,
  }));
  const start = replayStartOf(
    history.prior.map((a) => ({ ...a, assignedAt: a.assignedAt.getTime(), endedAt: a.endedAt?.getTime() ?? null })),
    from.getTime(),
    weightOf,
  );
  // Capped is the replay's own reckoning (loads differ under another configuration): a capped rep is present.
  const presence: PresenceChange[] = history.repStates.map((change) => ({
    at: change.at.getTime(),
    repId: change.repId,
    state: change.state === 'capped' ? 'available' : (change.state as PresenceChange['state']),
  }));
  return { leads, history: { start, presence, carried, leads: periodLeads } };
}

function earliest(a: Date | null, b: Date | null): number | null {
  if (a === null) return b?.getTime() ?? null;
  return b === null ? a.getTime() : Math.min(a.getTime(), b.getTime());
}
