import { createHash } from 'node:crypto';
import type { LeadAccount, LeadFacts, PolicyTeam, RepId, RoutingPolicy, TeamId } from '@switchboard/core';

/**
 * A partition: teams that share reps or hand leads to each other, with their reps. Everything a
 * routing decision can reach from a lead's first matching rule lies in one partition, so one
 * router decides it alone: no offer ever leaves its router.
 */
export interface Partition {
  /** Unique within its map: `t-` and the smallest team id, or `loose` (queues and reps in no team). */
  readonly key: string;
  readonly teams: ReadonlySet<TeamId>;
  readonly reps: ReadonlySet<RepId>;
}

/** Where a lead stands, as far as its partition goes. */
export interface LeadPlace {
  /** The rep that holds it, if any: a held lead lives with its owner. */
  readonly ownerId: RepId | null;
  readonly facts: LeadFacts;
  /** The team the lead named at intake (a name or an id), if any. */
  readonly requestedTeam: string | null;
}

/** Every partition of one routing topology, and how leads, reps and teams find theirs. */
export interface PartitionMap {
  readonly partitions: ReadonlyArray<Partition>;
  /** A digest of the whole map: two routers with the same map have the same digest. */
  readonly digest: string;
  partitionOfRep(repId: RepId): Partition;
  partitionOfTeam(teamId: TeamId): Partition | undefined;
  /**
   * The partition that decides or holds a lead: its owner's, else the one its first matching
   * rule leads to. Deterministic from the lead, the configuration and the accounts.
   */
  partitionOfLead(lead: LeadPlace, accountFor: (facts: LeadFacts) => LeadAccount | null): Partition;
}

/** The partition of queues and of reps in no team. */
export const LOOSE_PARTITION = 'loose';

/**
 * Builds the partitions of a routing topology: the connected components of
 * team ── member ── rep and team ── fallback ── team. A rule whose outcome depends on a rep's
 * state (an account owner, a named rep) may fall through to every later rule, so it joins the
 * components of all of them — with every account owner, since any one may be the lead's.
 * Reps in no team and every queue make up the `loose` partition.
 */
export function buildPartitionMap(policy: RoutingPolicy, repIds: Iterable<RepId>, accountOwners: Iterable<RepId>): PartitionMap {
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== root) {
      if (!parent.has(root)) parent.set(root, root);
      root = parent.get(root) as string;
    }
    // Path compression: the next find is one step.
    let at = node;
    while (at !== root) {
      const next = parent.get(at) as string;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const LOOSE = 'q';
  const teamNode = (id: TeamId) => `t:${id}`;
  const repNode = (id: RepId) => `r:${id}`;
  find(LOOSE);
  const teamByRef = (ref: string): PolicyTeam | undefined => policy.teams.get(ref.toLowerCase()) ?? policy.teamsById.get(ref as TeamId);

  for (const team of policy.teamsById.values()) {
    find(teamNode(team.id));
    for (const member of team.members) union(teamNode(team.id), repNode(member));
    const fallback = team.fallback === null ? undefined : teamByRef(team.fallback);
    if (fallback) union(teamNode(team.id), teamNode(fallback.id));
  }
  const inTeam = new Set<RepId>([...policy.teamsById.values()].flatMap((team) => team.members));
  for (const repId of repIds) {
    if (inTeam.has(repId)) continue;
    union(LOOSE, repNode(repId));
  }

  // A rule that can fall through on a rep's state ties its targets to those of every later rule.
  const owners = [...new Set(accountOwners)];
  let fallThrough: string | null = null;
  const targetsOf = (rule: RoutingPolicy['rules'][number]): string[] => {
    const route = rule.route;
    if (route.type === 'team') return [teamNode(route.team.id)];
    if (route.type === 'queue') return [LOOSE];
    if (route.type === 'rep') return [repNode(route.repId)];
    return owners.map(repNode);
  };
  for (const rule of policy.rules) {
    const targets = targetsOf(rule);
    for (const target of targets) find(target);
    if (rule.route.type === 'rep' || rule.route.type === 'account_owner') {
      for (const target of targets) {
        if (fallThrough === null) fallThrough = target;
        else union(fallThrough, target);
      }
    } else if (fallThrough !== null) {
      for (const target of targets) union(fallThrough, target);
    }
  }
  if (fallThrough !== null) {
    const end = policy.defaultQueue !== null || !policy.defaultTeam ? LOOSE : teamNode(policy.defaultTeam.id);
    union(fallThrough, end);
  }

  // Components → partitions, keyed by their smallest team (stable while the component keeps it).
  const components = new Map<string, { teams: Set<TeamId>; reps: Set<RepId>; loose: boolean }>();
  for (const node of parent.keys()) {
    const root = find(node);
    let component = components.get(root);
    if (!component) components.set(root, (component = { teams: new Set(), reps: new Set(), loose: false }));
    if (node === LOOSE) component.loose = true;
    else if (node.startsWith('t:')) component.teams.add(node.slice(2) as TeamId);
    else component.reps.add(node.slice(2) as RepId);
  }
  const partitions: Partition[] = [];
  const byRoot = new Map<string, Partition>();
  for (const [root, component] of components) {
    const key = component.loose ? LOOSE_PARTITION : `t-${[...component.teams].sort()[0] ?? [...component.reps].sort()[0]}`;
    const partition: Partition = { key, teams: component.teams, reps: component.reps };
    partitions.push(partition);
    byRoot.set(root, partition);
  }
  partitions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const loose = byRoot.get(find(LOOSE)) as Partition;
  const digest = createHash('sha256')
    .update(JSON.stringify(partitions.map((p) => [p.key, [...p.teams].sort(), [...p.reps].sort()])))
    .digest('hex')
    .slice(0, 16);

  const ofNode = (node: string): Partition => (parent.has(node) ? (byRoot.get(find(node)) ?? loose) : loose);
  const partitionOfRep = (repId: RepId): Partition => ofNode(repNode(repId));
  const partitionOfTeam = (teamId: TeamId): Partition | undefined => (parent.has(teamNode(teamId)) ? ofNode(teamNode(teamId)) : undefined);

  return {
    partitions,
    digest,
    partitionOfRep,
    partitionOfTeam,
    partitionOfLead(lead, accountFor) {
      if (lead.ownerId !== null) return partitionOfRep(lead.ownerId);
      if (lead.requestedTeam !== null) {
        const team = teamByRef(lead.requestedTeam);
        return team ? (partitionOfTeam(team.id) ?? loose) : loose;
      }
      // The first rule that matches on the facts alone decides the partition; one that falls
      // through on a rep's state was joined with everything after it above.
      for (const rule of policy.rules) {
        if (rule.check !== null && rule.check(lead.facts) !== true) continue;
        const route = rule.route;
        if (route.type === 'team') return partitionOfTeam(route.team.id) ?? loose;
        if (route.type === 'queue') return loose;
        if (route.type === 'rep') return partitionOfRep(route.repId);
        const owner = accountFor(lead.facts)?.ownerId ?? null;
        if (owner !== null) return partitionOfRep(owner);
      }
      if (policy.defaultQueue !== null || !policy.defaultTeam) return loose;
      return partitionOfTeam(policy.defaultTeam.id) ?? loose;
    },
  };
}

/**
 * Spreads partitions over the live routers: rendezvous hashing (each partition goes to the
 * router that scores highest for it) with at most ⌈partitions ÷ routers⌉ each, so a router
 * that joins takes its share and few partitions move. Every router computes the same answer
 * from the same keys and members.
 */
export function spreadPartitions(keys: ReadonlyArray<string>, members: ReadonlyArray<string>): Map<string, string[]> {
  const spread = new Map<string, string[]>(members.map((m) => [m, []]));
  if (members.length === 0) return spread;
  const cap = Math.ceil(keys.length / members.length);
  const score = (key: string, member: string) => createHash('sha256').update(`${key}\u0000${member}`).digest().readUInt32BE(0);
  for (const key of [...keys].sort()) {
    const ranked = [...members].sort((a, b) => score(key, b) - score(key, a) || (a < b ? -1 : 1));
    const member = ranked.find((m) => (spread.get(m) as string[]).length < cap) as string;
    (spread.get(member) as string[]).push(key);
  }
  return spread;
}
