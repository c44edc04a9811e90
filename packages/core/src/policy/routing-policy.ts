import type { RepId, TeamId } from '../ids.ts';
import type { Team } from '../team.ts';
import { type CompiledRequirement, compileRequirement } from './candidates.ts';
import { compileCondition, type ConditionCheck } from './compile-condition.ts';
import type { Condition } from './condition.ts';
import type { OwnerUnavailable, RoutingConfig } from './routing-config.ts';

/**
 * A team as the policy routes to it: a stored team without its creation time (a stored
 * `Team` is one), so that simulations can route to teams that are only proposed.
 */
export type PolicyTeam = Omit<Team, 'createdAt'>;

/** A rule's action, with its references resolved. */
export type CompiledRoute =
  | { readonly type: 'team'; readonly team: PolicyTeam }
  | { readonly type: 'rep'; readonly repId: RepId }
  | { readonly type: 'account_owner'; readonly ifUnavailable: OwnerUnavailable; readonly waitUpTo: number | null }
  | { readonly type: 'queue'; readonly queue: string };

export interface CompiledRule {
  readonly index: number;
  readonly name: string;
  /** Null for a catch-all rule (no `when`). */
  readonly check: ConditionCheck | null;
  readonly description: string;
  readonly route: CompiledRoute;
  readonly requirement: CompiledRequirement | null;
}

/**
 * The routing policy in the form the router decides with: conditions compiled to
 * closures, names resolved to ids. Built once per configuration version (and when
 * teams change), used for every lead.
 */
export interface RoutingPolicy {
  /** The configuration version, null when none was ever applied (the built-in policy). */
  readonly version: number | null;
  readonly rules: ReadonlyArray<CompiledRule>;
  readonly teams: ReadonlyMap<string, PolicyTeam>;
  readonly teamsById: ReadonlyMap<TeamId, PolicyTeam>;
  /** Where a lead that matches no rule waits; null in the built-in policy, which uses `defaultTeam`. */
  readonly defaultQueue: string | null;
  /** The built-in policy's team for leads that name none: the first team created. */
  readonly defaultTeam: PolicyTeam | null;
  readonly priorityField: string;
  readonly dedupeByEmail: boolean;
}

/** Looks reps up by id, or by email in any case: how a configuration names them. */
export function repRefIndex(reps: Iterable<{ readonly id: RepId; readonly email: string }>): (ref: string) => RepId | undefined {
  const byRef = new Map<string, RepId>();
  for (const rep of reps) {
    byRef.set(rep.id, rep.id);
    byRef.set(rep.email.toLowerCase(), rep.id);
  }
  return (ref) => byRef.get(ref) ?? byRef.get(ref.toLowerCase());
}

/** The configuration's teams with their members resolved to rep ids (a reference to no rep is left out). */
export function configuredTeams(config: RoutingConfig, repIdOf: (ref: string) => RepId | undefined): Array<Omit<PolicyTeam, 'id'>> {
  return config.teams.map((team) => ({
    name: team.name,
    members: team.members.flatMap((ref) => repIdOf(ref) ?? []),
    strategy: team.strategy,
    window: team.window,
    fallback: team.fallback ?? null,
    overflow: team.overflow ?? null,
    sla: team.sla ?? null,
    busy: team.busy,
    booking: team.booking ?? null,
  }));
}

/** What the policy needs from the outside world to resolve a configuration's names. */
export interface PolicyDirectory {
  /** Every team in the database, oldest first, with its members. */
  readonly teams: ReadonlyArray<PolicyTeam>;
  /** A rep's id by email (any case) or id; undefined if there is no such rep. */
  readonly repIdOf: (ref: string) => RepId | undefined;
}

/**
 * Compiles a validated configuration against the current teams and reps. Names the
 * configuration uses were checked when it was applied; a rep deleted since is skipped.
 * Without a configuration, the built-in policy routes every lead to the team it names or
 * to the first team, as before any configuration existed.
 */
export function compileRoutingPolicy(config: RoutingConfig | null, version: number | null, directory: PolicyDirectory): RoutingPolicy {
  const teams = new Map<string, PolicyTeam>();
  const teamsById = new Map<TeamId, PolicyTeam>();
  for (const team of directory.teams) {
    teams.set(team.name.toLowerCase(), team);
    teamsById.set(team.id, team);
  }
  if (config === null) {
    return {
      version: null,
      rules: [],
      teams,
      teamsById,
      defaultQueue: null,
      defaultTeam: directory.teams[0] ?? null,
      priorityField: 'priority',
      dedupeByEmail: false,
    };
  }
  const territories = new Map<string, Condition>(config.territories.map((t) => [t.name.toLowerCase(), t.when]));
  const rules = config.rules.flatMap((rule, index): CompiledRule[] => {
    const route = compileRoute(rule.route, teams, directory);
    if (route === null) return [];
    const compiled = rule.when === undefined ? null : compileCondition(rule.when, territories);
    return [
      {
        index,
        name: rule.name,
        check: compiled?.check ?? null,
        description: compiled?.description ?? 'every lead',
        route,
        requirement: rule.require ? compileRequirement(rule.require) : null,
      },
    ];
  });
  return {
    version,
    rules,
    teams,
    teamsById,
    defaultQueue: config.defaultQueue,
    defaultTeam: null,
    priorityField: config.priority.field,
    dedupeByEmail: config.dedupe.byEmail,
  };
}

function compileRoute(route: RoutingConfig['rules'][number]['route'], teams: ReadonlyMap<string, PolicyTeam>, directory: PolicyDirectory): CompiledRoute | null {
  if ('team' in route) {
    const team = teams.get(route.team.toLowerCase());
    return team ? { type: 'team', team } : null;
  }
  if ('rep' in route) {
    const repId = directory.repIdOf(route.rep);
    return repId ? { type: 'rep', repId } : null;
  }
  if ('accountOwner' in route) {
    return { type: 'account_owner', ifUnavailable: route.accountOwner.ifUnavailable, waitUpTo: route.accountOwner.waitUpTo ?? null };
  }
  return { type: 'queue', queue: route.queue };
}
