import type { RepId, TeamId } from '../ids.ts';
import type {
  AccountMatchRecord,
  CandidateVerdict,
  RouteStep,
  RouteTarget,
  RoutingDecision,
  RuleTrial,
} from '../routing-decision.ts';
import { formatDuration } from '../duration.ts';
import type { CompiledRequirement } from './candidates.ts';
import { judgeCandidates } from './candidates.ts';
import type { Exclusions, LeadFacts, RepFacts, ShareLedger } from './facts.ts';
import type { CompiledRule, PolicyTeam, RoutingPolicy } from './routing-policy.ts';
import { pickByStrategy } from './strategies.ts';

/** The account a lead matched (found by the caller in its account index). */
export interface LeadAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly ownerId: RepId | null;
  readonly matchedBy: 'domain' | 'company';
  readonly key: string;
}

/** Everything one decision depends on. The same input always gives the same decision. */
export interface DecisionInput {
  readonly policy: RoutingPolicy;
  readonly lead: LeadFacts;
  /** The team the lead named at intake (resolved), which overrides the rules. */
  readonly requestedTeam: PolicyTeam | null;
  readonly account: LeadAccount | null;
  readonly repOf: (id: RepId) => RepFacts | undefined;
  /** Weighted round robin's state per team. */
  readonly ledgerOf: (teamId: TeamId) => ShareLedger;
  readonly excluded: Exclusions;
  readonly now: number;
  /** Since when the lead has been waiting (epoch ms), for "wait for the account owner up to". */
  readonly waitingSince: number | null;
}

/** Where the decision sends the lead. */
export type DecisionOutcome =
  | {
      readonly type: 'assign';
      readonly repId: RepId;
      /** The team whose SLA applies: the step's team, or the rep's first team for a named rep or owner. */
      readonly team: PolicyTeam | null;
      /** Weighted round robin's new state, to keep only if the rep accepts. */
      readonly ledger: { readonly teamId: TeamId; readonly ledger: ShareLedger } | null;
    }
  | {
      readonly type: 'wait';
      readonly reason: string;
      /** The queue the lead waits in, if any. */
      readonly queue: string | null;
      /** Teams whose reps freeing up may let the lead through (retry when one does); empty when parked. */
      readonly retryTeams: ReadonlyArray<TeamId>;
      /** Reps whose freeing up may let the lead through (a named rep, an account owner). */
      readonly retryReps: ReadonlyArray<RepId>;
      /** The team the lead waits for (its unassigned alert), if any. */
      readonly team: PolicyTeam | null;
      /** When to decide again regardless (the end of a wait for the account owner), epoch ms. */
      readonly decideAgainAt: number | null;
    };

export interface Decision {
  readonly record: RoutingDecision;
  readonly outcome: DecisionOutcome;
}

/**
 * Decides where a lead goes: the team it named, else the first rule that matches (account
 * owner, named rep, team with its fallbacks, or a queue), else the default queue. Pure and
 * deterministic; every step is recorded for the explanation.
 */
export function decideRoute(input: DecisionInput): Decision {
  const trials: RuleTrial[] = [];
  const steps: RouteStep[] = [];
  let account: AccountMatchRecord | null = null;
  // Where the final route's steps begin: an account owner or named rep tried by an earlier
  // rule stays in the record, but its candidates are not the decision's candidates.
  let routeFrom = 0;
  const finish = (rule: CompiledRule | null, outcome: DecisionOutcome, lead: string): Decision => ({
    record: buildRecord(input, trials, rule, account, steps, routeFrom, outcome, lead),
    outcome,
  });

  if (input.requestedTeam) {
    return finish(null, routeToTeam(input, input.requestedTeam, null, 'team named in the lead', steps), `team ${input.requestedTeam.name} (named in the lead)`);
  }
  for (const rule of input.policy.rules) {
    routeFrom = steps.length;
    const verdict = rule.check === null ? true : rule.check(input.lead);
    const label = `rule ${rule.index + 1} "${rule.name}"`;
    if (verdict !== true) {
      trials.push({ index: rule.index, name: rule.name, matched: false, detail: verdict });
      continue;
    }
    const route = rule.route;
    if (route.type === 'account_owner') {
      const owner = input.account?.ownerId ?? null;
      if (input.account === null || owner === null) {
        trials.push({
          index: rule.index,
          name: rule.name,
          matched: false,
          detail: input.account === null ? 'no account matched the lead' : `account "${input.account.accountName}" has no owner`,
        });
        continue;
      }
      account = input.account;
      const ownerStep = judgeRep(input, owner, rule.requirement, { type: 'account_owner', accountName: input.account.accountName }, label);
      steps.push(ownerStep.step);
      if (ownerStep.chosen) {
        trials.push({ index: rule.index, name: rule.name, matched: true, detail: `${rule.description}; account "${input.account.accountName}" (by ${input.account.matchedBy})` });
        return finish(rule, { type: 'assign', repId: owner, team: firstTeamOf(input.policy, owner), ledger: null }, `${label} → account owner`);
      }
      const ownerVerdict = ownerStep.step.candidates[0];
      const ownerRuledOut = ownerVerdict?.verdict === 'excluded' && PERMANENT_EXCLUSIONS.has(ownerVerdict.reason);
      if (route.ifUnavailable === 'owner_team') {
        const team = firstTeamOf(input.policy, owner);
        if (team) {
          trials.push({ index: rule.index, name: rule.name, matched: true, detail: `account "${input.account.accountName}"; owner unavailable, so the owner's team` });
          return finish(rule, routeToTeam(input, team, rule.requirement, `owner's team (${label})`, steps), `${label} → owner's team`);
        }
      }
      if (route.ifUnavailable === 'wait' && route.waitUpTo !== null && ownerRuledOut) {
        // Waiting is pointless: an owner who breached or rejected this lead never gets it back.
        trials.push({ index: rule.index, name: rule.name, matched: false, detail: `account owner ${ownerStep.name} already ${ownerVerdict.reason} this lead; next rules` });
        continue;
      }
      if (route.ifUnavailable === 'wait' && route.waitUpTo !== null) {
        const since = input.waitingSince ?? input.now;
        const until = since + route.waitUpTo;
        if (input.now < until) {
          trials.push({ index: rule.index, name: rule.name, matched: true, detail: `account "${input.account.accountName}"; waiting for the owner` });
          const name = input.repOf(owner)?.name ?? owner;
          const reason = `waiting for account owner ${name} until ${new Date(until).toISOString()} (${ownerStep.step.detail})`;
          return finish(rule, waiting(reason, { retryReps: [owner], decideAgainAt: until }), `${label} → account owner`);
        }
        trials.push({ index: rule.index, name: rule.name, matched: false, detail: `account owner unavailable and the wait of ${formatDuration(route.waitUpTo)} is over; next rules` });
        continue;
      }
      trials.push({ index: rule.index, name: rule.name, matched: false, detail: 'account owner unavailable; next rules' });
      continue;
    }
    trials.push({ index: rule.index, name: rule.name, matched: true, detail: rule.description });
    if (route.type === 'team') return finish(rule, routeToTeam(input, route.team, rule.requirement, label, steps), `${label} → team ${route.team.name}`);
    if (route.type === 'queue') {
      steps.push({ target: { type: 'queue', queue: route.queue }, via: label, strategy: null, candidates: [], chosenRepId: null, detail: `parked in queue ${route.queue}` });
      return finish(rule, waiting(`parked in queue "${route.queue}" by ${label}`, { queue: route.queue }), `${label} → queue ${route.queue}`);
    }
    const repStep = judgeRep(input, route.repId, rule.requirement, { type: 'rep' }, label);
    steps.push(repStep.step);
    const repVerdict = repStep.step.candidates[0];
    if (repVerdict?.verdict === 'excluded' && PERMANENT_EXCLUSIONS.has(repVerdict.reason)) {
      // A rep who breached or rejected this lead never gets it back: the rule can't apply.
      trials[trials.length - 1] = { index: rule.index, name: rule.name, matched: false, detail: `${repStep.name} already ${repVerdict.reason} this lead; next rules` };
      continue;
    }
    if (repStep.chosen) return finish(rule, { type: 'assign', repId: route.repId, team: firstTeamOf(input.policy, route.repId), ledger: null }, `${label} → rep`);
    return finish(rule, waiting(`waiting for ${repStep.name}: ${repStep.step.detail}`, { retryReps: [route.repId] }), `${label} → rep`);
  }
  routeFrom = steps.length;
  const { policy } = input;
  if (policy.defaultQueue !== null) {
    const queue = policy.defaultQueue;
    steps.push({ target: { type: 'queue', queue }, via: 'no rule matched', strategy: null, candidates: [], chosenRepId: null, detail: `parked in the default queue ${queue}` });
    return finish(null, waiting(`no rule matched; parked in the default queue "${queue}"`, { queue }), `no rule matched → queue ${queue}`);
  }
  if (policy.defaultTeam) return finish(null, routeToTeam(input, policy.defaultTeam, null, 'default team', steps), `team ${policy.defaultTeam.name} (the default team)`);
  const reason = 'no team exists yet: create one with POST /v1/teams or apply a configuration; the lead is routed as soon as there is one';
  return finish(null, waiting(reason), 'no team');
}

/** Exclusions that last for the lead's life: such a rep is never offered it again. */
const PERMANENT_EXCLUSIONS: ReadonlySet<string> = new Set(['breached', 'rejected']);

/** Where a lead waits, and for what. */
export type WaitOutcome = Extract<DecisionOutcome, { type: 'wait' }>;

/** A wait: in no queue, for nobody in particular (parked), with no time to decide again, unless `given`. */
function waiting(reason: string, given: Partial<Omit<WaitOutcome, 'type' | 'reason'>> = {}): WaitOutcome {
  return { type: 'wait', reason, queue: null, retryTeams: [], retryReps: [], team: null, decideAgainAt: null, ...given };
}

/** The team, then its fallbacks in turn, then the overflow queue; each step recorded. */
function routeToTeam(input: DecisionInput, first: PolicyTeam, requirement: CompiledRequirement | null, via: string, steps: RouteStep[]): DecisionOutcome {
  const tried: PolicyTeam[] = [];
  const nobody: string[] = [];
  let team: PolicyTeam | undefined = first;
  let stepVia = via;
  while (team !== undefined && !tried.includes(team)) {
    tried.push(team);
    const { verdicts, eligible } = judgeCandidates(team.members, input.repOf, input.lead, requirement ?? undefined, input.excluded, { allowBusy: team.busy === 'allow' });
    const pick = pickByStrategy(team.strategy, eligible, { ledger: input.ledgerOf(team.id), window: team.window });
    const candidates = verdicts.map((v): CandidateVerdict => {
      if (v.verdict === 'excluded') return v;
      const score = pick.scores.get(v.repId);
      return { ...v, verdict: v.repId === pick.chosen?.repId ? 'chosen' : 'eligible', score: score?.score ?? 0, detail: score?.detail ?? v.detail };
    });
    if (!pick.chosen) nobody.push(exclusionCounts(team, candidates));
    const detail = pick.chosen ? pick.tieBreak : `nobody eligible: ${nobody.at(-1)}`;
    steps.push({ target: { type: 'team', teamId: team.id, teamName: team.name }, via: stepVia, strategy: team.strategy, candidates, chosenRepId: pick.chosen?.repId ?? null, detail });
    if (pick.chosen) return { type: 'assign', repId: pick.chosen.repId, team, ledger: pick.ledger ? { teamId: team.id, ledger: pick.ledger } : null };
    stepVia = `fallback of team ${team.name}`;
    team = team.fallback === null ? undefined : input.policy.teams.get(team.fallback.toLowerCase());
  }
  // The chain ends in the overflow queue of the last team tried that has one.
  const overflowTeam = tried.findLast((t) => t.overflow !== null);
  const overflow = overflowTeam?.overflow ?? null;
  const reason = `${overflow ? `in overflow queue "${overflow}": ` : ''}no rep of ${tried.map((t) => `team "${t.name}"`).join(' or ')} can take the lead now (${nobody.join('; ')})`;
  if (overflow) steps.push({ target: { type: 'queue', queue: overflow }, via: `overflow of team ${overflowTeam?.name ?? first.name}`, strategy: null, candidates: [], chosenRepId: null, detail: `waiting in overflow queue ${overflow}` });
  return waiting(reason, { queue: overflow, retryTeams: tried.map((t) => t.id), team: first });
}

function judgeRep(
  input: DecisionInput,
  repId: RepId,
  requirement: CompiledRequirement | null,
  kind: { type: 'rep' } | { type: 'account_owner'; accountName: string },
  via: string,
): { chosen: boolean; name: string; step: RouteStep } {
  const { verdicts } = judgeCandidates([repId], input.repOf, input.lead, requirement ?? undefined, input.excluded);
  const verdict = verdicts[0] as CandidateVerdict;
  const chosen = verdict.verdict !== 'excluded';
  const name = input.repOf(repId)?.name ?? repId;
  const target: RouteTarget =
    kind.type === 'rep' ? { type: 'rep', repId, repName: name } : { type: 'account_owner', repId, repName: name, accountName: kind.accountName };
  const candidate: CandidateVerdict = chosen ? { ...verdict, verdict: 'chosen', detail: `${name} can take it` } : verdict;
  return {
    chosen,
    name,
    step: { target, via, strategy: null, candidates: [candidate], chosenRepId: chosen ? repId : null, detail: chosen ? `${name} can take it` : verdict.detail },
  };
}

function firstTeamOf(policy: RoutingPolicy, repId: RepId): PolicyTeam | null {
  for (const team of policy.teams.values()) if (team.members.includes(repId)) return team;
  return null;
}

/** "2 away, 1 capped", or "no members". */
function exclusionCounts(team: PolicyTeam, candidates: ReadonlyArray<CandidateVerdict>): string {
  if (team.members.length === 0) return 'no members';
  const counts = new Map<string, number>();
  for (const c of candidates) if (c.verdict === 'excluded') counts.set(c.reason, (counts.get(c.reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason.replaceAll('_', ' ')}`).join(', ');
}

function buildRecord(
  input: DecisionInput,
  rules: RuleTrial[],
  rule: CompiledRule | null,
  account: AccountMatchRecord | null,
  steps: RouteStep[],
  routeFrom: number,
  outcome: DecisionOutcome,
  route: string,
): RoutingDecision {
  const last = steps.slice(routeFrom).findLast((s) => s.target.type !== 'queue');
  const team = outcome.team;
  const candidates = last?.candidates ?? [];
  return {
    version: 2,
    decidedAt: new Date(input.now).toISOString(),
    configVersion: input.policy.version,
    rules,
    rule: rule ? { index: rule.index, name: rule.name } : null,
    account,
    steps,
    teamId: (last?.target.type === 'team' ? last.target.teamId : team?.id) ?? null,
    teamName: (last?.target.type === 'team' ? last.target.teamName : team?.name) ?? null,
    strategy: last?.strategy ?? null,
    candidates,
    chosenRepId: outcome.type === 'assign' ? outcome.repId : null,
    queue: outcome.type === 'wait' ? outcome.queue : null,
    summary: summarise(route, steps, outcome),
  };
}

/**
 * One line for people: "rule 2 "EMEA FinTech" → team EMEA; 4 candidates; Tom away (OOO until
 * 12 May); Ana capped (10/10 active); Sarah and Li eligible; smooth weighted round robin picked
 * Sarah Chen (weight 2, 0.6 leads behind share)".
 */
function summarise(route: string, steps: ReadonlyArray<RouteStep>, outcome: DecisionOutcome): string {
  const parts = [route];
  for (const [i, step] of steps.entries()) {
    if (i > 0) parts.push(`→ ${step.via}: ${describeTarget(step.target)}`);
    if (step.target.type === 'queue') continue;
    const excluded = step.candidates.filter((c) => c.verdict === 'excluded');
    const eligible = step.candidates.filter((c) => c.verdict !== 'excluded');
    if (step.target.type === 'team') parts.push(`${step.candidates.length} candidate${step.candidates.length === 1 ? '' : 's'}`);
    for (const c of excluded) parts.push(c.detail);
    if (eligible.length > 0 && step.target.type === 'team') parts.push(`${listNames(eligible.map((c) => c.name))} eligible`);
    // A named rep's or owner's step says what its one candidate already said.
    if (!excluded.some((c) => c.detail === step.detail)) parts.push(step.detail);
  }
  if (outcome.type === 'wait') parts.push(`waiting${outcome.queue ? ` in queue ${outcome.queue}` : ''}`);
  return parts.join('; ');
}

function describeTarget(target: RouteTarget): string {
  switch (target.type) {
    case 'team':
      return `team ${target.teamName}`;
    case 'rep':
      return target.repName;
    case 'account_owner':
      return `account owner ${target.repName}`;
    case 'queue':
      return `queue ${target.queue}`;
  }
}

function listNames(names: ReadonlyArray<string>): string {
  if (names.length <= 1) return names.join('');
  if (names.length > 5) return `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
