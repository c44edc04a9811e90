import { type CapWindow, capWindowStart } from '../cap-window.ts';
import type { RepId, TeamId } from '../ids.ts';
import type { RepState } from '../rep.ts';
import { decideRoute, type LeadAccount } from './decide.ts';
import type { AssignmentCounts, LeadFacts, RepFacts, ShareLedger } from './facts.ts';
import type { ReplayStart } from './replay-start.ts';
import type { RoutingPolicy } from './routing-policy.ts';

/** A rep as a replay sees it: its profile and its caps. */
export interface ReplayRep {
  readonly id: RepId;
  readonly name: string;
  readonly weight: number;
  readonly tags: ReadonlyArray<string>;
  /** Whether it takes leads at all; the presence log can say otherwise for a moment of the period. */
  readonly active: boolean;
  /** Most leads held at once, null for no cap. */
  readonly cap: number | null;
  /** Most leads taken per hour, day or week (in its time zone). */
  readonly caps: Readonly<Partial<Record<CapWindow, number>>>;
  readonly timezone: string;
}

/** A lead of the replayed period, in arrival order. */
export interface ReplayLead {
  readonly label: string;
  readonly facts: LeadFacts;
  /** The team it named at intake, if any. */
  readonly team: string | null;
  /** When it arrived (epoch ms). */
  readonly at: number;
  /** When its (first) owner stopped holding it, closed or released (epoch ms), null if never. */
  readonly releasedAt: number | null;
  /** Its priority: a waiting line serves the highest first, then the oldest. @default 0 */
  readonly priority?: number;
}

/** A rep's availability changed (from the rep event log): `available` means it can take leads unless capped. */
export interface PresenceChange {
  readonly at: number;
  readonly repId: RepId;
  readonly state: Exclude<RepState, 'capped'>;
}

/** Where the replay sent one lead, and when. */
export interface ReplayedRoute {
  readonly repId: RepId | null;
  readonly team: string | null;
  readonly queue: string | null;
  readonly rule: string | null;
  readonly summary: string;
  /** When the lead got its owner (later than its arrival if it waited), null if it never did. */
  readonly assignedAt: number | null;
}

export interface ReplayInput {
  readonly policy: RoutingPolicy;
  readonly reps: ReadonlyArray<ReplayRep>;
  /** The state at the period's start (see `replayStartOf`). */
  readonly start: ReplayStart;
  /** The period's leads, in arrival order. */
  readonly leads: ReadonlyArray<ReplayLead>;
  /** Availability changes, including the last one before the period (any order). */
  readonly presence: ReadonlyArray<PresenceChange>;
  readonly accountOf: (lead: LeadFacts) => LeadAccount | null;
}

/** Event kinds in the order they apply at the same instant: capacity frees before leads arrive. */
const ORDER = { presence: 0, release: 1, retry: 2, arrive: 3 } as const;
type TimelineEvent =
  | { readonly kind: 'presence'; readonly at: number; readonly change: PresenceChange }
  | { readonly kind: 'release'; readonly at: number; readonly repId: RepId | null; readonly lead: number | null }
  | { readonly kind: 'retry'; readonly at: number; readonly lead: number }
  | { readonly kind: 'arrive'; readonly at: number; readonly lead: number };

interface ReplayedRep {
  readonly rep: ReplayRep;
  presence: PresenceChange['state'];
  activeLeads: number;
  seq: number | null;
  lastAssignedAt: number | null;
  /** Ascending. */
  readonly assignedAt: number[];
}

const DAY_MS = 86_400_000;

/**
 * Replays a past period under a routing policy: leads arrive in order at their times, from the
 * strategy state at the period's start (round-robin order, weighted credits, loads); reps come
 * and go as the presence log says; a rep holds each lead it gets until the lead was really
 * closed or released, so caps bite and free up as they did; a lead nobody can take waits and is
 * decided again when a place frees up (highest priority first, then first come, first served).
 * Pure and deterministic.
 */
export function replayPeriod(input: ReplayInput): ReadonlyArray<ReplayedRoute> {
  const { policy } = input;
  const reps = new Map<RepId, ReplayedRep>();
  for (const rep of input.reps) {
    const start = input.start.reps.get(rep.id);
    reps.set(rep.id, {
      rep,
      presence: rep.active ? 'available' : 'inactive',
      activeLeads: start?.activeLeads ?? 0,
      seq: start?.lastAssignmentSeq ?? null,
      lastAssignedAt: start?.lastAssignedAt ?? null,
      assignedAt: [...(start?.assignedAt ?? [])],
    });
  }
  const ledgers = new Map<TeamId, ShareLedger>(input.start.ledgers);
  let nextSeq = input.start.nextSeq;
  const routes: Array<ReplayedRoute | undefined> = new Array(input.leads.length);
  const owners: Array<RepId | null> = new Array(input.leads.length).fill(null);
  const waiting: number[] = [];
  const waitingSince = new Map<number, number>();

  const timeline = new EventQueue();
  for (const change of input.presence) timeline.push({ kind: 'presence', at: change.at, change });
  for (const release of input.start.releases) timeline.push({ kind: 'release', at: release.at, repId: release.repId, lead: null });
  input.leads.forEach((lead, i) => {
    timeline.push({ kind: 'arrive', at: lead.at, lead: i });
    // The owner holds the lead until it was really closed or released; a lead still waiting then leaves the line.
    if (lead.releasedAt !== null) timeline.push({ kind: 'release', at: Math.max(lead.releasedAt, lead.at), repId: null, lead: i });
  });

  const factsOf = (now: number) => {
    const cache = new Map<RepId, RepFacts | undefined>();
    return (id: RepId): RepFacts | undefined => {
      if (cache.has(id)) return cache.get(id);
      const state = reps.get(id);
      const facts = state && repFacts(state, now);
      cache.set(id, facts);
      return facts;
    };
  };

  /** Decides one lead at `now`: true if it got an owner. */
  const route = (i: number, now: number): boolean => {
    const lead = input.leads[i] as ReplayLead;
    const requested = lead.team ? (policy.teams.get(lead.team.toLowerCase()) ?? policy.teamsById.get(lead.team as TeamId) ?? null) : null;
    const { record, outcome } = decideRoute({
      policy,
      lead: lead.facts,
      requestedTeam: requested,
      account: input.accountOf(lead.facts),
      repOf: factsOf(now),
      ledgerOf: (teamId) => ledgers.get(teamId) ?? new Map(),
      excluded: new Map(),
      now,
      waitingSince: waitingSince.get(i) ?? null,
    });
    const rule = record.rule?.name ?? null;
    if (outcome.type === 'wait') {
      routes[i] = { repId: null, team: null, queue: outcome.queue, rule, summary: record.summary, assignedAt: null };
      if (!waitingSince.has(i)) {
        waitingSince.set(i, now);
        // A parked lead (a queue, no team or rep to wait for) stays where it is.
        if (outcome.retryTeams.length > 0 || outcome.retryReps.length > 0) waiting.push(i);
      }
      if (outcome.decideAgainAt !== null && outcome.decideAgainAt > now) timeline.push({ kind: 'retry', at: outcome.decideAgainAt, lead: i });
      return false;
    }
    const state = reps.get(outcome.repId);
    if (state) {
      state.activeLeads += 1;
      state.seq = nextSeq;
      state.lastAssignedAt = now;
      state.assignedAt.push(now);
    }
    nextSeq += 1;
    if (outcome.ledger) ledgers.set(outcome.ledger.teamId, outcome.ledger.ledger);
    owners[i] = outcome.repId;
    routes[i] = { repId: outcome.repId, team: outcome.team?.name ?? null, queue: null, rule, summary: record.summary, assignedAt: now };
    return true;
  };

  /** A place may have freed up: the waiting leads try again, highest priority first, then first come first served. */
  const retryWaiting = (now: number): void => {
    if (waiting.length === 0) return;
    const line = [...waiting].sort((a, b) => (input.leads[b]!.priority ?? 0) - (input.leads[a]!.priority ?? 0));
    for (const i of line) {
      if (route(i, now)) waiting.splice(waiting.indexOf(i), 1);
    }
  };

  for (let event = timeline.pop(); event !== undefined; event = timeline.pop()) {
    switch (event.kind) {
      case 'presence': {
        const state = reps.get(event.change.repId);
        if (!state) break;
        state.presence = event.change.state;
        if (state.presence === 'available') retryWaiting(event.at);
        break;
      }
      case 'release': {
        if (event.lead !== null) {
          const at = waiting.indexOf(event.lead);
          if (at >= 0) waiting.splice(at, 1);
        }
        const repId = event.lead !== null ? owners[event.lead] : event.repId;
        const state = repId ? reps.get(repId) : undefined;
        if (!state) break;
        state.activeLeads = Math.max(0, state.activeLeads - 1);
        retryWaiting(event.at);
        break;
      }
      case 'retry':
        if (waiting.includes(event.lead)) {
          const at = waiting.indexOf(event.lead);
          if (route(event.lead, event.at)) waiting.splice(at, 1);
        }
        break;
      case 'arrive':
        route(event.lead, event.at);
        break;
    }
  }
  return routes as ReplayedRoute[];
}

/** What the policy sees of a replayed rep at `now`. */
function repFacts(state: ReplayedRep, now: number): RepFacts {
  const { rep } = state;
  let repState: RepState = state.presence;
  let stateDetail: string | undefined;
  if (repState === 'available') {
    if (rep.cap !== null && state.activeLeads >= rep.cap) repState = 'capped';
    else {
      for (const kind of ['hour', 'day', 'week'] as const) {
        const cap = rep.caps[kind];
        if (cap === undefined) continue;
        const used = countSince(state.assignedAt, capWindowStart(kind, rep.timezone, now));
        if (used >= cap) {
          repState = 'capped';
          stateDetail = `${used}/${cap} this ${kind}`;
          break;
        }
      }
    }
  }
  return {
    repId: rep.id,
    name: rep.name,
    state: repState,
    ...(stateDetail !== undefined && { stateDetail }),
    activeLeads: state.activeLeads,
    cap: rep.cap,
    weight: rep.weight,
    tags: rep.tags,
    lastAssignedAt: state.lastAssignedAt,
    lastAssignmentSeq: state.seq,
    assigned: loadCounts(state.assignedAt, now),
  };
}

/** Assignments in the UTC day, week (from Monday) and month of `now`, as the router counts them for `load_balanced`. */
export function loadCounts(assignedAt: ReadonlyArray<number>, now: number): AssignmentCounts {
  const date = new Date(now);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const week = day - ((date.getUTCDay() + 6) % 7) * DAY_MS;
  const month = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return { day: countSince(assignedAt, day), week: countSince(assignedAt, week), month: countSince(assignedAt, month) };
}

/** How many of the ascending times are at or after `start` (binary search). */
function countSince(times: ReadonlyArray<number>, start: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < start) lo = mid + 1;
    else hi = mid;
  }
  return times.length - lo;
}

/** The timeline, a binary heap: earliest first, then by kind (see ORDER), then in the order pushed. */
class EventQueue {
  readonly #heap: Array<{ event: TimelineEvent; n: number }> = [];
  #n = 0;

  push(event: TimelineEvent): void {
    const heap = this.#heap;
    heap.push({ event, n: this.#n++ });
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >>> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): TimelineEvent | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let first = i;
        if (left < heap.length && before(heap[left]!, heap[first]!)) first = left;
        if (right < heap.length && before(heap[right]!, heap[first]!)) first = right;
        if (first === i) break;
        [heap[i], heap[first]] = [heap[first]!, heap[i]!];
        i = first;
      }
    }
    return top.event;
  }
}

function before(a: { event: TimelineEvent; n: number }, b: { event: TimelineEvent; n: number }): boolean {
  if (a.event.at !== b.event.at) return a.event.at < b.event.at;
  if (a.event.kind !== b.event.kind) return ORDER[a.event.kind] < ORDER[b.event.kind];
  return a.n < b.n;
}
