import { type AssignmentCounts, currentOutOfOffice, type RepFacts, type RepId } from '@switchboard/core';
import type { RepEntry } from './rep-actors.ts';

/** Offers in flight per rep: counted as held, so that concurrent leads spread out. */
export type PendingOffers = ReadonlyMap<RepId, { readonly count: number; readonly seq: number }>;

const NO_COUNTS: AssignmentCounts = { day: 0, week: 0, month: 0 };

/**
 * What the routing policy sees of a rep actor right now: its state with a reason people
 * understand, its load counting offers in flight, its weight, tags and recent assignments.
 */
export function repFactsOf(entry: RepEntry, pending: PendingOffers, counts: AssignmentCounts | undefined, now: number): RepFacts {
  const { context, value } = entry.actor.getSnapshot();
  const inFlight = pending.get(context.repId);
  const lastSeq = Math.max(context.lastAssignmentSeq ?? -1, inFlight?.seq ?? -1);
  const state = value as RepFacts['state'];
  const activeLeads = context.activeLeads + (inFlight?.count ?? 0);
  const facts: RepFacts = {
    repId: context.repId,
    name: context.name,
    state,
    activeLeads,
    cap: context.cap,
    weight: entry.profile.weight,
    tags: entry.profile.tags,
    lastAssignedAt: context.lastAssignedAt,
    lastAssignmentSeq: lastSeq === -1 ? null : lastSeq,
    assigned: counts ?? NO_COUNTS,
  };
  // Reasons only for reps that can't take a lead: most are available, and this runs per member per decision.
  if (state === 'available') return facts;
  const detail = stateDetail(entry, state, activeLeads, now);
  return detail === undefined ? facts : { ...facts, stateDetail: detail };
}

function stateDetail(entry: RepEntry, state: RepFacts['state'], activeLeads: number, now: number): string | undefined {
  const { context } = entry.actor.getSnapshot();
  switch (state) {
    case 'away': {
      const ooo = currentOutOfOffice(context.schedule, now);
      if (ooo) return `OOO until ${formatDay(ooo.to.getTime(), context.schedule.timezone)}${ooo.reason ? `: ${ooo.reason}` : ''}`;
      return context.awayReason ?? 'set away';
    }
    case 'offline':
      return 'outside working hours';
    case 'capped': {
      if (context.cap !== null && activeLeads >= context.cap) return `${activeLeads}/${context.cap} active`;
      for (const window of ['hour', 'day', 'week'] as const) {
        const limit = context.caps[window];
        const used = context.windows[window]?.count ?? 0;
        if (limit !== undefined && used >= limit) return `${used}/${limit} this ${window}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function formatDay(at: number, timezone: string): string {
  return new Date(at).toLocaleString('en-GB', { timeZone: timezone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
