import type { RepId, TeamId } from '../ids.ts';
import { type Account, buildAccountIndex, matchAccount } from './accounts.ts';
import { decideRoute, type LeadAccount } from './decide.ts';
import type { LeadFacts, RepFacts, ShareLedger } from './facts.ts';
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
}

/** A lead to simulate: its facts, the team it names (if any), and a label for people (email, or id). */
export interface SimulatedLead {
  readonly label: string;
  readonly facts: LeadFacts;
  readonly team?: string | null;
}

/** Where one scenario sent one lead. */
export interface SimulatedRoute {
  readonly repId: RepId | null;
  readonly repName: string | null;
  readonly team: string | null;
  readonly queue: string | null;
  readonly rule: string | null;
  readonly summary: string;
}

export interface ScenarioResult {
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
}

/**
 * Routes leads through the current and a proposed configuration, touching nothing: every
 * active rep counts as available and leads don't pile up against caps, so the result
 * shows where the rules and strategies send leads. Strategies keep their state within a
 * scenario (round robin turns, weighted shares, load counts), as they would live.
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
  const run = (config: RoutingConfig | null, version: number | null): ScenarioResult =>
    runScenario(compileRoutingPolicy(config, version, { teams: teamsOf(config), repIdOf }), input, (lead) => {
      const match = matchAccount(accounts, lead);
      return match
        ? { accountId: match.account.id, accountName: match.account.name, ownerId: match.account.ownerId, matchedBy: match.matchedBy, key: match.key }
        : null;
    });
  const current = run(input.current.config, input.current.version);
  const proposed = run(input.proposed, null);
  const changed = input.leads.flatMap((lead, i) => {
    const from = describe(current.routes[i] as SimulatedRoute);
    const to = describe(proposed.routes[i] as SimulatedRoute);
    return from === to ? [] : [{ label: lead.label, from, to }];
  });
  return { current, proposed, changed };
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
    routes.push({ repId: outcome.type === 'assign' ? outcome.repId : null, repName, team, queue, rule: record.rule?.name ?? null, summary: record.summary });
    const repKey = repName ?? (queue ? `(queue ${queue})` : '(waiting)');
    perRep[repKey] = (perRep[repKey] ?? 0) + 1;
    const teamKey = team ?? (queue ? `(queue ${queue})` : '(no team)');
    perTeam[teamKey] = (perTeam[teamKey] ?? 0) + 1;
    if (record.rule === null && lead.team == null && policy.defaultQueue !== null) unmatched.push(lead.label);
  }
  return { configVersion: policy.version, routes, perRep, perTeam, unmatched };
}

function describe(route: SimulatedRoute): string {
  if (route.repName) return route.team ? `${route.repName} (${route.team})` : route.repName;
  return route.queue ? `queue ${route.queue}` : 'waiting';
}
