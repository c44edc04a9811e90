import type { RepId, TeamId } from './ids.ts';
import type { RepState } from './rep.ts';
import type { Strategy } from './team.ts';

/** Why a candidate could not take the lead. */
export const ExclusionReason = {
  away: 'away',
  offline: 'offline',
  /** In a meeting (its calendars or bookings), in a team that skips busy reps. */
  busy: 'busy',
  capped: 'capped',
  inactive: 'inactive',
  declined: 'declined',
  breached: 'breached',
  rejected: 'rejected',
  /** Lacks a tag the rule requires (`allOf`, `anyOf` or a dynamic `match`). */
  missingTag: 'missing_tag',
  /** Has the skill, but below the rule's minimum level. */
  skillTooLow: 'skill_too_low',
  /** Not in the policy's view of the reps (deleted, or not loaded). */
  unknown: 'unknown',
} as const;
export type ExclusionReason = (typeof ExclusionReason)[keyof typeof ExclusionReason];

/** What the policy thought of one team member. */
export type CandidateVerdict =
  | {
      readonly repId: RepId;
      readonly name: string;
      readonly verdict: 'excluded';
      readonly reason: ExclusionReason;
      /** For people: "Tom is away (OOO until 12 May)", "Ana is capped (10/10 active)". */
      readonly detail: string;
    }
  | {
      readonly repId: RepId;
      readonly name: string;
      readonly verdict: 'eligible' | 'chosen';
      /** When the rep last got a lead (ISO time), null if never. */
      readonly lastAssignedAt: string | null;
      /**
       * The strategy's score, higher wins: weighted round robin's credit, load balancing's
       * negated count, free capacity; for round robin, how many assignments ago the rep's last
       * lead was.
       */
      readonly score: number;
      /** For people: "Sarah: weight 2, 3 behind share". */
      readonly detail: string;
    };

/** A rule the policy tried, in order, until one matched. */
export interface RuleTrial {
  readonly index: number;
  readonly name: string;
  readonly matched: boolean;
  /** Why it did not match ("country is \"US\", not one of DE, AT, CH"), or what it matched on. */
  readonly detail: string;
}

/** Where one routing step sent the lead: a team, a named rep, the account owner, or a queue. */
export type RouteTarget =
  | { readonly type: 'team'; readonly teamId: TeamId; readonly teamName: string }
  | { readonly type: 'rep'; readonly repId: RepId; readonly repName: string }
  | { readonly type: 'account_owner'; readonly repId: RepId; readonly repName: string; readonly accountName: string }
  | { readonly type: 'queue'; readonly queue: string };

/** One step of the route: the first target, then fallbacks, each recorded. */
export interface RouteStep {
  readonly target: RouteTarget;
  /** Why this step was tried: "rule 2 'EMEA FinTech'", "fallback of team EMEA", "team named in the lead". */
  readonly via: string;
  readonly strategy: Strategy | null;
  readonly candidates: ReadonlyArray<CandidateVerdict>;
  readonly chosenRepId: RepId | null;
  /** The strategy's tie-break, or why nobody was chosen. */
  readonly detail: string;
}

/** The account a lead matched, and how. */
export interface AccountMatchRecord {
  readonly accountId: string;
  readonly accountName: string;
  readonly ownerId: RepId | null;
  readonly matchedBy: 'domain' | 'company';
  /** The domain or normalised company name that matched. */
  readonly key: string;
}

/**
 * The explanation stored with every routing decision: the rules tried and the one that
 * matched, the account match, each step of the route (team, fallbacks, queue) with every
 * candidate considered and why it was excluded or chosen, and the strategy's tie-break.
 */
export interface RoutingDecision {
  readonly version: 2;
  readonly decidedAt: string;
  /**
   * The decision's place in its router's sequence (strictly increasing in the order decisions
   * were taken, which concurrent leads can make differ from `decidedAt` order; an assignment's
   * is the rep's `lastAssignmentSeq`): what a replay of the period orders a team's leads by.
   * Absent from older records.
   */
  readonly seq?: number;
  /** The configuration version that decided, null before any configuration was applied. */
  readonly configVersion: number | null;
  /** Rules tried in order; the last one matched, unless none did. */
  readonly rules: ReadonlyArray<RuleTrial>;
  /** The matching rule, or null (no rule matched, the lead named its team, or no configuration). */
  readonly rule: { readonly index: number; readonly name: string } | null;
  readonly account: AccountMatchRecord | null;
  readonly steps: ReadonlyArray<RouteStep>;
  /** The team of the final step (whose SLA applies), if any. */
  readonly teamId: TeamId | null;
  readonly teamName: string | null;
  readonly strategy: Strategy | null;
  /** The final step's candidates (the same as `steps.at(-1).candidates`). */
  readonly candidates: ReadonlyArray<CandidateVerdict>;
  readonly chosenRepId: RepId | null;
  /** The queue the lead waits in, when nobody was chosen. */
  readonly queue: string | null;
  /**
   * For people: "rule 2 'EMEA FinTech' → team EMEA; 4 candidates; Tom away (OOO until 12 May);
   * Ana capped (10/10 active); Sarah and Li eligible; smooth weighted round robin picked Sarah
   * (weight 2, 3 behind share)".
   */
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
