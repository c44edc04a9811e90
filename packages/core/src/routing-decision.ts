import type { RepId, TeamId } from './ids.ts';
import type { RepState } from './rep.ts';
import type { Strategy } from './team.ts';

/** Why a candidate could not take the lead. */
export const ExclusionReason = {
  away: 'away',
  offline: 'offline',
  capped: 'capped',
  inactive: 'inactive',
  declined: 'declined',
  breached: 'breached',
  rejected: 'rejected',
} as const;
export type ExclusionReason = (typeof ExclusionReason)[keyof typeof ExclusionReason];

/** What the policy thought of one team member. */
export type CandidateVerdict =
  | {
      readonly repId: RepId;
      readonly verdict: 'excluded';
      readonly reason: ExclusionReason;
      readonly detail: string;
    }
  | {
      readonly repId: RepId;
      readonly verdict: 'eligible' | 'chosen';
      /** When the rep last got a lead (ISO time), null if never: round robin prefers the longest wait. */
      readonly lastAssignedAt: string | null;
      readonly detail: string;
    };

/**
 * The explanation stored with every routing decision: the team, each member
 * considered and why it was excluded or chosen, and the strategy's tie-break.
 */
export interface RoutingDecision {
  readonly version: 1;
  readonly teamId: TeamId;
  readonly teamName: string;
  /** How the team was chosen: named in the lead, or the default team. */
  readonly teamSource: 'lead' | 'default';
  readonly strategy: Strategy;
  readonly decidedAt: string;
  readonly candidates: ReadonlyArray<CandidateVerdict>;
  readonly chosenRepId: RepId | null;
  /** One sentence for people: "round robin picked Sarah Chen: longest since last assignment (never assigned)". */
  readonly summary: string;
}

/** What the policy needs to know about one team member at decision time. */
export interface CandidateSnapshot {
  readonly repId: RepId;
  readonly name: string;
  readonly state: RepState;
  readonly activeLeads: number;
  readonly cap: number | null;
  /** Epoch milliseconds of the last assignment, null if never (for explanations). */
  readonly lastAssignedAt: number | null;
  /**
   * Position of the rep's last assignment in the router's strictly increasing
   * assignment sequence, null if never. Round robin orders by this, not by time:
   * a burst assigns many leads within one millisecond.
   */
  readonly lastAssignmentSeq: number | null;
}
