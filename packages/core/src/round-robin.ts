import type { RepId } from './ids.ts';
import type { CandidateSnapshot, CandidateVerdict, ExclusionReason } from './routing-decision.ts';

/** Reps that must not get the lead, and why: a set means "declined". */
export type Exclusions = ReadonlySet<RepId> | ReadonlyMap<RepId, 'declined' | 'breached' | 'rejected'>;

const EXCLUSION_DETAIL = {
  declined: 'already declined this lead',
  breached: 'let this lead’s SLA run out before',
  rejected: 'rejected this lead before',
} as const;

/** The outcome of one round-robin pick. */
export interface RoundRobinPick {
  readonly chosen: CandidateSnapshot | null;
  readonly verdicts: ReadonlyArray<CandidateVerdict>;
  readonly summary: string;
}

/**
 * Round robin as "longest since last assignment": among the available reps, the one
 * whose last lead is oldest gets the next (never-assigned reps first, then member
 * order). Unlike a rotating pointer this stays fair when reps come and go, and it
 * needs no state besides each rep's last assignment time.
 *
 * Pure: same candidates in, same pick out.
 */
export function pickRoundRobin(
  candidates: ReadonlyArray<CandidateSnapshot>,
  excluded: Exclusions = new Set(),
): RoundRobinPick {
  let chosen: CandidateSnapshot | null = null;
  for (const candidate of candidates) {
    if (!isEligible(candidate, excluded)) continue;
    if (chosen === null || waitedLonger(candidate, chosen)) chosen = candidate;
  }
  const verdicts = candidates.map((candidate): CandidateVerdict => {
    if (excluded.has(candidate.repId)) {
      const why = excluded instanceof Map ? (excluded.get(candidate.repId) ?? 'declined') : 'declined';
      return { repId: candidate.repId, verdict: 'excluded', reason: why, detail: `${candidate.name} ${EXCLUSION_DETAIL[why as keyof typeof EXCLUSION_DETAIL]}` };
    }
    const stateReasons: Partial<Record<string, [ExclusionReason, string]>> = {
      away: ['away', 'is away'],
      offline: ['offline', 'is off shift'],
      inactive: ['inactive', 'is deactivated'],
    };
    const byState = stateReasons[candidate.state];
    if (byState) {
      return { repId: candidate.repId, verdict: 'excluded', reason: byState[0], detail: `${candidate.name} ${byState[1]}` };
    }
    if (candidate.state === 'capped' || (candidate.cap !== null && candidate.activeLeads >= candidate.cap)) {
      return {
        repId: candidate.repId,
        verdict: 'excluded',
        reason: 'capped',
        detail: `${candidate.name} is capped (${candidate.activeLeads}/${candidate.cap ?? '∞'} active)`,
      };
    }
    const last = candidate.lastAssignedAt === null ? null : new Date(candidate.lastAssignedAt).toISOString();
    return {
      repId: candidate.repId,
      verdict: candidate === chosen ? 'chosen' : 'eligible',
      lastAssignedAt: last,
      detail: `${candidate.name}: last lead ${last ?? 'never'}`,
    };
  });
  const eligibleCount = verdicts.filter((v) => v.verdict !== 'excluded').length;
  const summary =
    chosen === null
      ? `no eligible rep among ${candidates.length} team member(s)`
      : `round robin picked ${chosen.name} among ${eligibleCount} eligible: longest since last assignment (${
          chosen.lastAssignedAt === null ? 'never assigned' : `last lead ${new Date(chosen.lastAssignedAt).toISOString()}`
        })`;
  return { chosen, verdicts, summary };
}

function isEligible(candidate: CandidateSnapshot, excluded: Exclusions): boolean {
  if (excluded.has(candidate.repId)) return false;
  if (candidate.state !== 'available') return false;
  return candidate.cap === null || candidate.activeLeads < candidate.cap;
}

// Strictly longer wait wins; ties keep the earlier member (member order is the tie-break).
function waitedLonger(a: CandidateSnapshot, b: CandidateSnapshot): boolean {
  if (a.lastAssignmentSeq === b.lastAssignmentSeq) return false;
  if (a.lastAssignmentSeq === null) return true;
  if (b.lastAssignmentSeq === null) return false;
  return a.lastAssignmentSeq < b.lastAssignmentSeq;
}
