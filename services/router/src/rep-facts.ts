import type { AssignmentCounts, RepFacts, RepId } from '@switchboard/core';
import { repUnavailabilityDetail } from '@switchboard/machines';
import type { RepEntry } from './rep-actors.ts';

/** Offers in flight per rep: counted as held, so that concurrent leads spread out. */
export type PendingOffers = ReadonlyMap<RepId, { readonly count: number; readonly seq: number; readonly seqs?: ReadonlySet<number> }>;

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
  const unanswered = unansweredOffers(inFlight, context.lastAssignmentSeq);
  const activeLeads = context.activeLeads + unanswered;
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
  // The rep machine's own reason, as of now, counting offers in flight as held.
  const asOf = { ...context, asOf: Math.max(context.asOf, now) };
  const detail = repUnavailabilityDetail(asOf, { extra: unanswered })?.detail;
  const withDetail = detail === undefined ? facts : { ...facts, stateDetail: detail };
  if (state !== 'busy') return withDetail;
  // What a team that lets busy reps take leads sees instead: available, or capped and why.
  const overlooked = repUnavailabilityDetail(asOf, { extra: unanswered, allowBusy: true });
  return { ...withDetail, whenBusyAllowed: overlooked ? { state: 'capped', stateDetail: overlooked.detail } : { state: 'available' } };
}

/**
 * Offers in flight the rep's actor has not taken yet. An offer it accepted is in its
 * `activeLeads` already while the answer is still on its way back (a bus round trip), and
 * counting it twice would show the rep capped one lead early to a decision taken meanwhile;
 * its sequence number is then at most the actor's last assignment's.
 */
function unansweredOffers(inFlight: PendingOffers extends ReadonlyMap<RepId, infer V> ? V | undefined : never, lastAssignmentSeq: number | null): number {
  if (!inFlight) return 0;
  if (!inFlight.seqs || lastAssignmentSeq === null) return inFlight.count;
  let count = 0;
  for (const seq of inFlight.seqs) if (seq > lastAssignmentSeq) count += 1;
  return count;
}
