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
    busy: [],
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
  const state = await routingStateForTeams([{ name: 'Sales', strategy, reps }]);
  return { ...state, team: state.teamList[0] as Team };
}

/** A router's routing state for several teams, with no database (the first is the default team). */
export async function routingStateForTeams(specs: ReadonlyArray<{ readonly name: string; readonly strategy: Strategy; readonly reps: ReadonlyArray<Rep> }>) {
  const teamList: Team[] = specs.map((spec, i) => ({
    id: newId<TeamId>(),
    name: spec.name,
    strategy: spec.strategy,
    members: spec.reps.map((r) => r.id),
    sla: null,
    fallback: null,
    overflow: null,
    window: 'day',
    busy: 'skip',
    booking: null,
    createdAt: new Date(NOW + i),
  }));
  const find = async (ref: string) => teamList.find((t) => t.id === ref || t.name.toLowerCase() === ref.toLowerCase());
  const teamRepository = { list: async () => teamList, find, findDefault: async () => teamList[0] } as unknown as TeamRepository;
  const teams = new TeamDirectory(teamRepository);
  await teams.load();
  const actors = new RepActors();
  for (const rep of new Set(specs.flatMap((spec) => spec.reps))) actors.load(rep, { lastAssignmentSeq: null, snapshot: null }, NOW);
  const policy = new PolicyState({
    configs: { current: async () => undefined } as unknown as ConfigVersionRepository,
    accounts: { all: async () => [] } as unknown as AccountRepository,
    ledgers: { loadAll: async () => new Map() } as unknown as TeamShareLedgerRepository,
    leads: { countAssignmentsSince: async () => [] } as unknown as LeadRepository,
    teams,
    reps: actors,
    clock: () => NOW,
  });
  await policy.load();
  return { teamList, teams, actors, policy };
}
