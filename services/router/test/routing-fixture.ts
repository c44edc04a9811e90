import { type Logger, newId, type Rep, type RepId, type Strategy, type Team, type TeamId } from '@switchboard/core';
import type { AccountRepository, ConfigVersionRepository, LeadRepository, TeamRepository, TeamShareLedgerRepository } from '@switchboard/store';
import { PolicyState } from '../src/policy-state.ts';
import { RepActors } from '../src/rep-actors.ts';
import { TeamDirectory } from '../src/team-directory.ts';

// A router's routing state for one team, with no database: for the router's unit tests.

export const NOW = Date.parse('2026-12-01T10:00:00Z');
export const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

export function repOf(index: number, weight: number, cap: number | null): Rep {
  return {
    id: newId<RepId>(),
    name: `Rep ${index}`,
    email: `rep${index}@team.test`,
    timezone: 'UTC',
    weight,
    cap,
    tags: [],
    caps: {},
    workingHours: null,
    holidays: [],
    outOfOffice: [],
    managerId: null,
    salesforceUserId: null,
    available: true,
    awayReason: null,
    active: true,
    state: 'available',
    activeLeads: 0,
    lastAssignedAt: null,
    revision: 0,
    createdAt: new Date(NOW),
    updatedAt: new Date(NOW),
  };
}

/** A router's routing state for one team of `reps`, with no database. */
export async function routingStateFor(reps: ReadonlyArray<Rep>, strategy: Strategy) {
  const team: Team = {
    id: newId<TeamId>(),
    name: 'Sales',
    strategy,
    members: reps.map((r) => r.id),
    sla: null,
    fallback: null,
    overflow: null,
    window: 'day',
    createdAt: new Date(NOW),
  };
  const teamRepository = { list: async () => [team], find: async () => team, findDefault: async () => team } as unknown as TeamRepository;
  const teams = new TeamDirectory(teamRepository);
  await teams.load();
  const actors = new RepActors();
  for (const rep of reps) actors.load(rep, { lastAssignmentSeq: null, snapshot: null }, NOW);
  const policy = new PolicyState({
    configs: { current: async () => undefined } as unknown as ConfigVersionRepository,
    accounts: { all: async () => [] } as unknown as AccountRepository,
    ledgers: { loadAll: async () => new Map(), saveMany: async () => {} } as unknown as TeamShareLedgerRepository,
    leads: { countAssignmentsSince: async () => [] } as unknown as LeadRepository,
    teams,
    reps: actors,
    logger: silent,
    clock: () => NOW,
  });
  await policy.load();
  return { team, teams, actors, policy };
}

