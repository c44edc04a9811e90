import type { RepId, TeamId } from '../ids.ts';
import type { Strategy } from '../team.ts';
import type { ShareLedger } from './facts.ts';

/** An assignment made before the replayed period, as the store recorded it. */
export interface PriorAssignment {
  readonly repId: RepId;
  readonly teamId: TeamId | null;
  /** Epoch ms. */
  readonly assignedAt: number;
  /** When the rep stopped holding the lead (closed, converted, released), epoch ms; null if it still does. */
  readonly endedAt: number | null;
  /** The decision's strategy, and for weighted round robin its candidates' scores (credits counting the lead). */
  readonly strategy: Strategy | null;
  readonly candidates: ReadonlyArray<{ readonly repId: RepId; readonly verdict: string; readonly score?: number }>;
}

/** One rep's strategy state at the start of a replayed period. */
export interface RepStart {
  /** Its last assignment's place in the order of all assignments (higher is later), null if never. */
  readonly lastAssignmentSeq: number | null;
  readonly lastAssignedAt: number | null;
  /** Leads it held at the start. */
  readonly activeLeads: number;
  /** When it took each lead before the start (ascending epoch ms): load windows and cap windows count them. */
  readonly assignedAt: ReadonlyArray<number>;
}

/** The routing state as it stood at the start of a replayed period. */
export interface ReplayStart {
  readonly reps: ReadonlyMap<RepId, RepStart>;
  /** Weighted round robin's credits per team. */
  readonly ledgers: ReadonlyMap<TeamId, ShareLedger>;
  /** The sequence number after the last assignment before the start. */
  readonly nextSeq: number;
  /** Leads held at the start that their reps gave up during the period: each frees a place. */
  readonly releases: ReadonlyArray<{ readonly at: number; readonly repId: RepId }>;
}

/** No history: every rep fresh, no credits, nothing held. */
export const EMPTY_REPLAY_START: ReplayStart = { reps: new Map(), ledgers: new Map(), nextSeq: 1, releases: [] };

/**
 * Rebuilds the routing state at `from` from the assignments made before it: the round-robin
 * order (each rep's last assignment), the leads each rep still held, the assignments the load
 * and cap windows count, and weighted round robin's credits. The credits are replayed from the
 * recorded decisions: each eligible candidate's score is its credit counting the lead, and the
 * chosen rep gives back the eligible weights' sum, as the strategy does; reps missing from a
 * decision keep their credit. `weightOf` gives the weights (the decisions store scores only).
 */
export function replayStartOf(prior: ReadonlyArray<PriorAssignment>, from: number, weightOf: (repId: RepId) => number): ReplayStart {
  const sorted = [...prior].filter((a) => a.assignedAt < from).sort((a, b) => a.assignedAt - b.assignedAt);
  const reps = new Map<RepId, { lastAssignmentSeq: number | null; lastAssignedAt: number | null; activeLeads: number; assignedAt: number[] }>();
  const ledgers = new Map<TeamId, Map<RepId, number>>();
  const releases: Array<{ at: number; repId: RepId }> = [];
  let seq = 0;
  for (const assignment of sorted) {
    seq += 1;
    let rep = reps.get(assignment.repId);
    if (!rep) {
      rep = { lastAssignmentSeq: null, lastAssignedAt: null, activeLeads: 0, assignedAt: [] };
      reps.set(assignment.repId, rep);
    }
    rep.lastAssignmentSeq = seq;
    rep.lastAssignedAt = assignment.assignedAt;
    rep.assignedAt.push(assignment.assignedAt);
    if (assignment.endedAt === null || assignment.endedAt > from) {
      rep.activeLeads += 1;
      if (assignment.endedAt !== null) releases.push({ at: assignment.endedAt, repId: assignment.repId });
    }
    if (assignment.strategy === 'weighted_round_robin' && assignment.teamId !== null) {
      const eligible = assignment.candidates.filter((c) => (c.verdict === 'eligible' || c.verdict === 'chosen') && c.score !== undefined);
      if (eligible.length === 0) continue;
      let ledger = ledgers.get(assignment.teamId);
      if (!ledger) {
        ledger = new Map();
        ledgers.set(assignment.teamId, ledger);
      }
      let total = 0;
      for (const candidate of eligible) total += weightOf(candidate.repId);
      for (const candidate of eligible) {
        const credit = candidate.score as number;
        ledger.set(candidate.repId, candidate.verdict === 'chosen' ? credit - total : credit);
      }
    }
  }
  releases.sort((a, b) => a.at - b.at);
  return { reps, ledgers, nextSeq: seq + 1, releases };
}
