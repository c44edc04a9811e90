import type { CapWindow } from '../cap-window.ts';
import type { RepId, TeamId } from '../ids.ts';
import { type Account, buildAccountIndex, matchAccount } from './accounts.ts';
import { decideRoute, type LeadAccount } from './decide.ts';
import type { LeadFacts, RepFacts, ShareLedger } from './facts.ts';
import { type PresenceChange, type ReplayLead, replayPeriod } from './replay-period.ts';
import type { ReplayStart } from './replay-start.ts';
import type { RoutingConfig } from './routing-config.ts';
import { compileRoutingPolicy, configuredTeams, type PolicyTeam, repRefIndex, type RoutingPolicy } from './routing-policy.ts';

/** A rep as a simulation sees it. */
export interface SimulatedRep {
  readonly id: RepId;
  readonly name: string;
  readonly email: string;
  readonly weight: number;
  readonly tags: ReadonlyArray<string>;
  /** Inactive reps take no leads in the simulation either. */
  readonly active: boolean;
  /** A replayed period applies the caps: most leads held at once (null for none). @default null */
  readonly cap?: number | null;
  /** Most leads per hour, day or week, in the rep's time zone. @default {} */
  readonly caps?: Readonly<Partial<Record<CapWindow, number>>>;
  /** @default 'UTC' */
  readonly timezone?: string;
}

/** A lead to simulate: its facts, the team it names (if any), and a label for people (email, or id). */
export interface SimulatedLead {
  readonly label: string;
  readonly facts: LeadFacts;
  readonly team?: string | null;
}

/** Where one scenario sent one lead. */
export interface SimulatedRoute {
  /** The lead's label (as in `changed`). */
  readonly label: string;
  readonly repId: RepId | null;
  readonly repName: string | null;
  readonly team: string | null;
  readonly queue: string | null;
  readonly rule: string | null;
  readonly summary: string;
}

export interface ScenarioResult {
  /**
   * `recorded`: the owners the leads really got (their first assignment), for a replayed
   * period; `simulated`: the configuration routed the leads here, as the proposal is.
   */
  readonly source: 'recorded' | 'simulated';
  readonly configVersion: number | null;
  readonly routes: ReadonlyArray<SimulatedRoute>;
  /** Leads per rep name (and "(waiting)" for none). */
  readonly perRep: Readonly<Record<string, number>>;
  readonly perTeam: Readonly<Record<string, number>>;
  /** Labels of leads no rule matched (they went to the default queue). */
  readonly unmatched: ReadonlyArray<string>;
}

export interface SimulationResult {
  readonly current: ScenarioResult;
  readonly proposed: ScenarioResult;
  /** Leads whose owner (or queue) differs between the two. */
  readonly changed: ReadonlyArray<{ readonly label: string; readonly from: string; readonly to: string }>;
  /**
   * For a replayed period: the current configuration replayed the same way as the proposal,
   * and how many of its owners match the recorded ones. What the replay can't reproduce
   * (`total - reproduced`) is the noise in `changed`; the rest is the configuration's doing.
   */
  readonly calibration?: { readonly reproduced: number; readonly total: number };
}

/** Where a lead of a replayed period really went first. */
export interface RecordedRoute {
  readonly repId: RepId | null;
  readonly team: string | null;
  readonly queue: string | null;
  readonly rule: string | null;
  readonly summary: string;
}

/** A past period to replay instead of routing the leads from scratch (see `replayPeriod`). */
export interface SimulationHistory {
  /** The routing state at the period's start (see `replayStartOf`). */
  readonly start: ReplayStart;
  /** Availability changes from the rep event log, including each rep's last one before the period. */
  readonly presence: ReadonlyArray<PresenceChange>;
  /**
   * Leads received before the period and still waiting at its start: replayed from the start
   * on (they take places as they free up), but not compared, as they are not the period's.
   */
  readonly carried?: ReadonlyArray<ReplayLead>;
  /** Per lead of `SimulationInput.leads`, in the same order (arrival order). */
  readonly leads: ReadonlyArray<{
    /** Epoch ms. */
    readonly at: number;
    /** When its first owner stopped holding it (epoch ms), null if it still does or never had one. */
    readonly releasedAt: number | null;
    /** Its priority in a waiting line. @default 0 */
    readonly priority?: number;
    readonly recorded: RecordedRoute;
  }>;
}

export interface SimulationInput {
  /** The configuration in force, null if none (the built-in policy). */
  readonly current: { readonly config: RoutingConfig | null; readonly version: number | null };
  readonly proposed: RoutingConfig;
  /** Teams as stored: the built-in policy routes to them, and they keep their ids. */
  readonly storedTeams: ReadonlyArray<PolicyTeam>;
  readonly reps: ReadonlyArray<SimulatedRep>;
  readonly accounts: ReadonlyArray<Account>;
  readonly leads: ReadonlyArray<SimulatedLead>;
  /** The time the decisions are dated (epoch ms). */
  readonly now: number;
  /**
   * The leads are a past period's: the current scenario is what really happened, and the
   * proposal replays the period (availability, caps and loads as they were). Without it every
   * active rep counts as available and caps are not applied.
   */
  readonly history?: SimulationHistory;
}

/**
 * Routes leads through the current and a proposed configuration, touching nothing.
 *
 * With `history` (a past period), the current scenario is the recorded owners and the proposal
 * replays the period from the strategy state at its start, with availability, caps and loads
 * as they were at each lead's time: `changed` then holds what the configuration changes.
 * Without it (leads given by hand) both scenarios route the leads from scratch: every active
 * rep counts as available and leads don't pile up against caps, so the result shows where the
 * rules and strategies send leads. Strategies keep their state within a scenario (round robin
 * turns, weighted shares, load counts), as they would live.
 */
export function simulateRouting(input: SimulationInput): SimulationResult {
  const accounts = buildAccountIndex(input.accounts);
  const repIdOf = repRefIndex(input.reps);
  const teamsOf = (config: RoutingConfig | null): PolicyTeam[] => {
    if (config === null) return [...input.storedTeams];
    const stored = new Map(input.storedTeams.map((t) => [t.name.toLowerCase(), t]));
    const configured = configuredTeams(config, repIdOf).map(
      (team): PolicyTeam => ({ id: stored.get(team.name.toLowerCase())?.id ?? (`simulated:${team.name}` as TeamId), ...team }),
    );
    const names = new Set(configured.map((t) => t.name.toLowerCase()));
    return [...input.storedTeams.filter((t) => !names.has(t.name.toLowerCase())), ...configured];
  };
  const accountOf = (lead: LeadFacts): LeadAccount | null => {
    const match = matchAccount(accounts, lead);
    return match
      ? { accountId: match.account.id, accountName: match.account.name, ownerId: match.account.ownerId, matchedBy: match.matchedBy, key: match.key }
      : null;
  };
  const policyOf = (config: RoutingConfig | null, version: number | null): RoutingPolicy =>
    compileRoutingPolicy(config, version, { teams: teamsOf(config), repIdOf });
  const history = input.history;
  if (history) {
    const replay = (policy: RoutingPolicy): ScenarioResult => replayScenario(policy, input, history, accountOf);
    const current = recordedScenario(input, history, input.current.version);
    const proposed = replay(policyOf(input.proposed, null));
    const replayedCurrent = replay(policyOf(input.current.config, input.current.version));
    const total = input.leads.length;
    let reproduced = 0;
    for (let i = 0; i < total; i++) if (ownerKey(current.routes[i]!) === ownerKey(replayedCurrent.routes[i]!)) reproduced += 1;
    return { current, proposed, changed: changedBetween(input, current, proposed, ownerKey), calibration: { reproduced, total } };
  }
  const current = runScenario(policyOf(input.current.config, input.current.version), input, accountOf);
  const proposed = runScenario(policyOf(input.proposed, null), input, accountOf);
  return { current, proposed, changed: changedBetween(input, current, proposed, describe) };
}

function changedBetween(
  input: SimulationInput,
  current: ScenarioResult,
  proposed: ScenarioResult,
  key: (route: SimulatedRoute) => string,
): SimulationResult['changed'] {
  return input.leads.flatMap((lead, i) => {
    const before = current.routes[i] as SimulatedRoute;
    const after = proposed.routes[i] as SimulatedRoute;
    return key(before) === key(after) ? [] : [{ label: lead.label, from: describe(before), to: describe(after) }];
  });
}

/** Who (or which queue) has the lead: a replay is compared on this, as team names of records and configurations may differ in case. */
function ownerKey(route: SimulatedRoute): string {
  if (route.repId) return `rep ${route.repId}`;
  return route.queue ? `queue ${route.queue}` : 'waiting';
}

/** The owners the period's leads really got. */
function recordedScenario(input: SimulationInput, history: SimulationHistory, version: number | null): ScenarioResult {
  const names = new Map(input.reps.map((rep) => [rep.id, rep.name]));
  const tally = new Tally();
  const routes = history.leads.map(({ recorded }, i): SimulatedRoute => {
    const route = { label: input.leads[i]!.label, ...recorded, repName: recorded.repId ? (names.get(recorded.repId) ?? recorded.repId) : null };
    tally.add(route, input.leads[i]!, recorded.rule === null && route.queue !== null);
    return route;
  });
  return { source: 'recorded', configVersion: version, routes, ...tally.result() };
}

/** A policy replayed over the period (see `replayPeriod`). */
function replayScenario(policy: RoutingPolicy, input: SimulationInput, history: SimulationHistory, accountOf: (lead: LeadFacts) => LeadAccount | null): ScenarioResult {
  const names = new Map(input.reps.map((rep) => [rep.id, rep.name]));
  const carried = history.carried ?? [];
  const replayed = replayPeriod({
    policy,
    reps: input.reps.map((rep) => ({ ...rep, cap: rep.cap ?? null, caps: rep.caps ?? {}, timezone: rep.timezone ?? 'UTC' })),
    start: history.start,
    leads: [...carried, ...input.leads.map((lead, i) => ({ label: lead.label, facts: lead.facts, team: lead.team ?? null, at: history.leads[i]!.at, releasedAt: history.leads[i]!.releasedAt, priority: history.leads[i]!.priority ?? 0 }))],
    presence: history.presence,
    accountOf,
  }).slice(carried.length);
  const tally = new Tally();
  const routes = replayed.map((r, i): SimulatedRoute => {
    const route = { label: input.leads[i]!.label, repId: r.repId, repName: r.repId ? (names.get(r.repId) ?? null) : null, team: r.team, queue: r.queue, rule: r.rule, summary: r.summary };
    tally.add(route, input.leads[i]!, r.rule === null && input.leads[i]!.team == null && policy.defaultQueue !== null);
    return route;
  });
  return { source: 'simulated', configVersion: policy.version, routes, ...tally.result() };
}

/** Leads per rep and team, and the leads no rule matched. */
class Tally {
  readonly #perRep: Record<string, number> = {};
  readonly #perTeam: Record<string, number> = {};
  readonly #unmatched: string[] = [];

  add(route: SimulatedRoute, lead: SimulatedLead, unmatched: boolean): void {
    const repKey = route.repName ?? (route.queue ? `(queue ${route.queue})` : '(waiting)');
    this.#perRep[repKey] = (this.#perRep[repKey] ?? 0) + 1;
    const teamKey = route.team ?? (route.queue ? `(queue ${route.queue})` : '(no team)');
    this.#perTeam[teamKey] = (this.#perTeam[teamKey] ?? 0) + 1;
    if (unmatched) this.#unmatched.push(lead.label);
  }

  result(): Pick<ScenarioResult, 'perRep' | 'perTeam' | 'unmatched'> {
    return { perRep: this.#perRep, perTeam: this.#perTeam, unmatched: this.#unmatched };
  }
}

function runScenario(policy: RoutingPolicy, input: SimulationInput, accountOf: (lead: LeadFacts) => LeadAccount | null): ScenarioResult {
  const reps = new Map<RepId, { rep: SimulatedRep; seq: number | null; count: number }>(input.reps.map((rep) => [rep.id, { rep, seq: null, count: 0 }]));
  const ledgers = new Map<TeamId, ShareLedger>();
  const routes: SimulatedRoute[] = [];
  const perRep: Record<string, number> = {};
  const perTeam: Record<string, number> = {};
  const unmatched: string[] = [];
  let seq = 0;
  const repOf = (id: RepId): RepFacts | undefined => {
    const entry = reps.get(id);
    if (!entry) return undefined;
    return {
      repId: id,
      name: entry.rep.name,
      state: entry.rep.active ? 'available' : 'inactive',
      activeLeads: 0,
      cap: null,
      weight: entry.rep.weight,
      tags: entry.rep.tags,
      lastAssignedAt: null,
      lastAssignmentSeq: entry.seq,
      assigned: { day: entry.count, week: entry.count, month: entry.count },
    };
  };
  for (const lead of input.leads) {
    const requested = lead.team ? (policy.teams.get(lead.team.toLowerCase()) ?? policy.teamsById.get(lead.team as TeamId) ?? null) : null;
    const { record, outcome } = decideRoute({
      policy,
      lead: lead.facts,
      requestedTeam: requested,
      account: accountOf(lead.facts),
      repOf,
      ledgerOf: (teamId) => ledgers.get(teamId) ?? new Map(),
      excluded: new Map(),
      now: input.now,
      waitingSince: null,
    });
    let repName: string | null = null;
    if (outcome.type === 'assign') {
      const entry = reps.get(outcome.repId);
      seq += 1;
      if (entry) {
        entry.seq = seq;
        entry.count += 1;
        repName = entry.rep.name;
      }
      if (outcome.ledger) ledgers.set(outcome.ledger.teamId, outcome.ledger.ledger);
    }
    const team = outcome.type === 'assign' ? (outcome.team?.name ?? null) : null;
    const queue = outcome.type === 'wait' ? outcome.queue : null;
    routes.push({ label: lead.label, repId: outcome.type === 'assign' ? outcome.repId : null, repName, team, queue, rule: record.rule?.name ?? null, summary: record.summary });
    const repKey = repName ?? (queue ? `(queue ${queue})` : '(waiting)');
    perRep[repKey] = (perRep[repKey] ?? 0) + 1;
    const teamKey = team ?? (queue ? `(queue ${queue})` : '(no team)');
    perTeam[teamKey] = (perTeam[teamKey] ?? 0) + 1;
    if (record.rule === null && lead.team == null && policy.defaultQueue !== null) unmatched.push(lead.label);
  }
  return { source: 'simulated', configVersion: policy.version, routes, perRep, perTeam, unmatched };
}

function describe(route: SimulatedRoute): string {
  if (route.repName) return route.team ? `${route.repName} (${route.team})` : route.repName;
  return route.queue ? `queue ${route.queue}` : 'waiting';
}
