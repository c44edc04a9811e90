import {
  compileRoutingPolicy,
  configuredTeams,
  decideRoute,
  type LeadAccount,
  type LeadFacts,
  parseRoutingConfig,
  type PolicyTeam,
  type RepFacts,
  type RepId,
  repRefIndex,
  type RoutingPolicy,
  type TeamId,
} from '@switchboard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPartitionMap, LOOSE_PARTITION, type PartitionMap, spreadPartitions } from '../src/partition-map.ts';

const ROSTER = ['ana', 'ben', 'cy', 'dee', 'eli', 'flo', 'gus'] as const;
type RepName = (typeof ROSTER)[number];
const idOf = (name: RepName) => `rep-${name}` as RepId;
const teamIdOf = (name: string) => `team-${name.toLowerCase()}` as TeamId;
const repIdOf = repRefIndex(ROSTER.map((name) => ({ id: idOf(name), email: `${name}@acme.io` })));

/** Compiles a configuration document (JSON is YAML) against the roster. */
function policyOf(config: unknown): RoutingPolicy {
  const parsed = parseRoutingConfig(JSON.stringify(config));
  if (!parsed.ok) throw new Error(`invalid test configuration: ${JSON.stringify(parsed.errors)}`);
  const teams = configuredTeams(parsed.config, repIdOf).map((team): PolicyTeam => ({ id: teamIdOf(team.name), ...team }));
  return compileRoutingPolicy(parsed.config, 1, { teams, repIdOf });
}

const facts = (country: string): LeadFacts => ({ email: 'jo@example.org', source: 'web', attributes: { country } });
const noAccount = () => null;
const keyOfTeam = (map: PartitionMap, team: string) => map.partitionOfTeam(teamIdOf(team))?.key;
const allReps = ROSTER.map(idOf);

describe('buildPartitionMap', () => {
  const policy = policyOf({
    teams: [
      { name: 'Inbound', members: ['ana@acme.io', 'ben@acme.io'], fallback: 'Overflow' },
      { name: 'Overflow', members: ['cy@acme.io'] },
      { name: 'Partners', members: ['dee@acme.io', 'eli@acme.io'] },
      { name: 'EMEA', members: ['eli@acme.io'] },
      { name: 'APAC', members: ['flo@acme.io'] },
    ],
    rules: [
      { name: 'Germany', when: { country: 'DE' }, route: { team: 'EMEA' } },
      { name: 'Japan', when: { country: 'JP' }, route: { team: 'APAC' } },
      { name: 'Partners', when: { country: 'PT' }, route: { queue: 'partners' } },
      { name: 'Everyone else', route: { team: 'Inbound' } },
    ],
  });
  const map = buildPartitionMap(policy, allReps, []);

  it('puts teams that share a rep or fall back to each other in one partition, and reps in no team in the loose one', () => {
    expect(map.partitions.map((p) => ({ key: p.key, teams: [...p.teams].sort(), reps: [...p.reps].sort() }))).toEqual([
      { key: LOOSE_PARTITION, teams: [], reps: [idOf('gus')] },
      { key: `t-${teamIdOf('APAC')}`, teams: [teamIdOf('APAC')], reps: [idOf('flo')] },
      { key: `t-${teamIdOf('EMEA')}`, teams: [teamIdOf('EMEA'), teamIdOf('Partners')], reps: [idOf('dee'), idOf('eli')] },
      { key: `t-${teamIdOf('Inbound')}`, teams: [teamIdOf('Inbound'), teamIdOf('Overflow')], reps: [idOf('ana'), idOf('ben'), idOf('cy')] },
    ]);
    expect(map.partitionOfRep(idOf('cy')).key).toBe(keyOfTeam(map, 'Inbound'));
    expect(map.partitionOfRep('rep-nobody-knows' as RepId).key).toBe(LOOSE_PARTITION);
  });

  it('sends a lead to the partition of its first matching rule, its named team, or its owner', () => {
    const of = (lead: Partial<Parameters<PartitionMap['partitionOfLead']>[0]>) =>
      map.partitionOfLead({ ownerId: null, requestedTeam: null, facts: facts('US'), ...lead }, noAccount).key;
    expect(of({ facts: facts('DE') })).toBe(keyOfTeam(map, 'EMEA'));
    expect(of({ facts: facts('JP') })).toBe(keyOfTeam(map, 'APAC'));
    expect(of({ facts: facts('PT') })).toBe(LOOSE_PARTITION);
    expect(of({ facts: facts('US') })).toBe(keyOfTeam(map, 'Inbound'));
    expect(of({ facts: facts('DE'), requestedTeam: 'apac' })).toBe(keyOfTeam(map, 'APAC'));
    expect(of({ facts: facts('DE'), ownerId: idOf('cy') })).toBe(keyOfTeam(map, 'Inbound'));
  });

  it('joins an account owner rule with every rule after it, since the owner may be away', () => {
    const owners = buildPartitionMap(
      policyOf({
        teams: [
          { name: 'EMEA', members: ['eli@acme.io'] },
          { name: 'APAC', members: ['flo@acme.io'] },
          { name: 'Inbound', members: ['ana@acme.io'] },
        ],
        rules: [
          { name: 'Japan', when: { country: 'JP' }, route: { team: 'APAC' } },
          { name: 'Owners', route: { accountOwner: { ifUnavailable: 'route' } } },
          { name: 'Germany', when: { country: 'DE' }, route: { team: 'EMEA' } },
        ],
      }),
      allReps,
      [idOf('ana')],
    );
    // APAC comes before the owner rule: it stays apart. Inbound (the owner's team) and EMEA join the queues.
    expect(keyOfTeam(owners, 'APAC')).not.toBe(LOOSE_PARTITION);
    expect(keyOfTeam(owners, 'EMEA')).toBe(LOOSE_PARTITION);
    expect(keyOfTeam(owners, 'Inbound')).toBe(LOOSE_PARTITION);
    const account: LeadAccount = { accountId: 'a', accountName: 'Acme', ownerId: idOf('ana'), matchedBy: 'domain', key: 'acme.example' };
    expect(owners.partitionOfLead({ ownerId: null, requestedTeam: null, facts: facts('DE') }, () => account).key).toBe(LOOSE_PARTITION);
  });

  it('has the same digest for the same topology, and another one when a rep changes teams', () => {
    expect(buildPartitionMap(policy, allReps, []).digest).toBe(map.digest);
    const moved = policyOf({
      teams: [
        { name: 'Inbound', members: ['ana@acme.io'], fallback: 'Overflow' },
        { name: 'Overflow', members: ['cy@acme.io'] },
        { name: 'Partners', members: ['dee@acme.io', 'eli@acme.io', 'ben@acme.io'] },
        { name: 'EMEA', members: ['eli@acme.io'] },
        { name: 'APAC', members: ['flo@acme.io'] },
      ],
      rules: [{ name: 'Everyone', route: { team: 'Inbound' } }],
    });
    expect(buildPartitionMap(moved, allReps, []).digest).not.toBe(map.digest);
  });

  it('keeps every rep and team a decision can reach inside the lead\'s partition (any configuration, any rep state)', () => {
    const teamNames = ['A', 'B', 'C', 'D'] as const;
    const teamArb = fc.record({
      members: fc.subarray([...ROSTER]),
      fallback: fc.option(fc.constantFrom(...teamNames), { nil: undefined }),
    });
    const ruleArb = fc.record({
      countries: fc.subarray(['DE', 'FR', 'JP', 'US']),
      route: fc.oneof(
        fc.constantFrom(...teamNames).map((team) => ({ team })),
        fc.constantFrom(...ROSTER).map((rep) => ({ rep: `${rep}@acme.io` })),
        fc.constant({ accountOwner: { ifUnavailable: 'route' } }),
        fc.constant({ accountOwner: { ifUnavailable: 'owner_team' } }),
        fc.constant({ queue: 'later' }),
      ),
    });
    fc.assert(
      fc.property(
        fc.tuple(teamArb, teamArb, teamArb, teamArb),
        fc.array(ruleArb, { maxLength: 5 }),
        fc.constantFrom('DE', 'FR', 'JP', 'US'),
        fc.option(fc.constantFrom(...ROSTER), { nil: null }),
        fc.subarray([...ROSTER]),
        (teams, rules, country, owner, away) => {
          // Fallbacks that go round in a circle are refused by the configuration: leave them out.
          const config = {
            teams: teams.map((team, i) => ({
              name: teamNames[i],
              members: team.members.map((m) => `${m}@acme.io`),
              ...(team.fallback !== undefined && teamNames.indexOf(team.fallback) > i && { fallback: team.fallback }),
            })),
            rules: rules.map((rule, i) => ({ name: `r${i}`, ...(rule.countries.length > 0 && { when: { country: { in: rule.countries } } }), route: rule.route })),
          };
          const policy = policyOf(config);
          const map = buildPartitionMap(policy, allReps, owner ? [idOf(owner)] : []);
          const account: LeadAccount | null = owner ? { accountId: 'a', accountName: 'Acme', ownerId: idOf(owner), matchedBy: 'domain', key: 'acme.example' } : null;
          const lead = facts(country);
          const partition = map.partitionOfLead({ ownerId: null, requestedTeam: null, facts: lead }, () => account);
          const { outcome } = decideRoute({
            policy,
            lead,
            requestedTeam: null,
            account,
            repOf: (id): RepFacts | undefined => {
              const name = ROSTER.find((n) => idOf(n) === id);
              if (!name) return undefined;
              return {
                repId: id,
                name,
                state: away.includes(name) ? 'away' : 'available',
                activeLeads: 0,
                cap: null,
                weight: 1,
                tags: [],
                lastAssignedAt: null,
                lastAssignmentSeq: null,
                assigned: { day: 0, week: 0, month: 0 },
              };
            },
            ledgerOf: () => new Map(),
            excluded: new Map(),
            now: 0,
            waitingSince: null,
          });
          if (outcome.type === 'assign') {
            expect(partition.reps.has(outcome.repId)).toBe(true);
          } else {
            for (const teamId of outcome.retryTeams) expect(partition.teams.has(teamId)).toBe(true);
            for (const repId of outcome.retryReps) expect(partition.reps.has(repId)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('spreadPartitions', () => {
  const keys = Array.from({ length: 10 }, (_, i) => `p${i}`);

  it('gives each router at most its share, every partition to exactly one', () => {
    const spread = spreadPartitions(keys, ['r1', 'r2', 'r3']);
    const counts = [...spread.values()].map((owned) => owned.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    expect([...spread.values()].flat().sort()).toEqual([...keys].sort());
  });

  it('moves few partitions when a router joins, and none between the routers that stay', () => {
    const before = spreadPartitions(keys, ['r1', 'r2']);
    const after = spreadPartitions(keys, ['r1', 'r2', 'r3']);
    const moved = keys.filter((key) => [...before].find(([, owned]) => owned.includes(key))?.[0] !== [...after].find(([, owned]) => owned.includes(key))?.[0]);
    expect(after.get('r3')?.length).toBeGreaterThanOrEqual(3);
    // Only what the newcomer takes moves (a capped router's overflow may shift, at most by one).
    expect(moved.length).toBeLessThanOrEqual((after.get('r3')?.length ?? 0) + 1);
  });

  it('is the same on every router, whatever order they list the members in', () => {
    expect(spreadPartitions(keys, ['r3', 'r1', 'r2'])).toEqual(spreadPartitions(keys, ['r1', 'r2', 'r3']));
  });
});
