import { describe, expect, it } from 'vitest';
import { repFacts } from './rep-facts.ts';
import {
  compileRoutingPolicy,
  configuredTeams,
  EMPTY_REPLAY_START,
  loadCounts,
  parseRoutingConfig,
  pickByStrategy,
  type PolicyTeam,
  type PresenceChange,
  type PriorAssignment,
  type RepId,
  repRefIndex,
  type ReplayLead,
  type ReplayRep,
  type ReplayStart,
  replayOrder,
  replayPeriod,
  replayStartOf,
  type RoutingPolicy,
  type ShareLedger,
  simulateRouting,
  type SimulationHistory,
  type TeamId,
} from '../../src/index.ts';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const MINUTE = 60_000;
const at = (minutes: number): number => T0 + minutes * MINUTE;

const id = (name: string): RepId => name as RepId;
const TEAM = 'team:sales' as TeamId;

function policyOf(yaml: string, names: ReadonlyArray<string>): RoutingPolicy {
  const repIdOf = repRefIndex(names.map((name) => ({ id: id(name), email: `${name}@acme.io` })));
  const result = parseRoutingConfig(yaml);
  if (!result.ok) throw new Error(`invalid test configuration: ${JSON.stringify(result.errors)}`);
  const teams = configuredTeams(result.config, repIdOf).map((team): PolicyTeam => ({ id: `team:${team.name.toLowerCase()}` as TeamId, ...team }));
  return compileRoutingPolicy(result.config, 1, { teams, repIdOf });
}

const SALES = (strategy: string, members: ReadonlyArray<string>): string => `
teams:
  - name: Sales
    members: [${members.map((m) => `${m}@acme.io`).join(', ')}]
    strategy: ${strategy}
rules:
  - name: All
    route: { team: Sales }
`;

const rep = (name: string, overrides: Partial<ReplayRep> = {}): ReplayRep => ({
  id: id(name),
  name,
  weight: 1,
  tags: [],
  active: true,
  cap: null,
  caps: {},
  timezone: 'UTC',
  ...overrides,
});

const lead = (n: number, minute: number, releasedAt: number | null = null): ReplayLead => ({
  label: `L${n}`,
  facts: { email: `l${n}@example.com`, attributes: {} },
  team: null,
  at: at(minute),
  releasedAt,
});

function replay(options: {
  policy: RoutingPolicy;
  reps: ReadonlyArray<ReplayRep>;
  leads: ReadonlyArray<ReplayLead>;
  presence?: ReadonlyArray<PresenceChange>;
  start?: ReplayStart;
}) {
  return replayPeriod({ start: EMPTY_REPLAY_START, presence: [], accountOf: () => null, ...options });
}

const owners = (routes: ReadonlyArray<{ repId: RepId | null }>): Array<string | null> => routes.map((r) => r.repId);

describe('replayStartOf', () => {
  const prior = (repId: string, minute: number, endedMinute: number | null = null): PriorAssignment => ({
    repId: id(repId),
    teamId: TEAM,
    assignedAt: at(minute),
    endedAt: endedMinute === null ? null : at(endedMinute),
    strategy: 'round_robin',
    candidates: [],
  });

  it('orders reps by their last assignment before the start, counts the leads they still held, and keeps the releases to come', () => {
    const start = replayStartOf(
      [prior('ana', 3), prior('ben', 2, 5), prior('ana', 1), prior('cy', 4, 30), prior('ben', 20)],
      at(10),
      () => 1,
    );
    // Sorted by time: ana(1) ben(2) ana(3) cy(4); ben's lead at minute 20 is in the period, not before it.
    expect(start.reps.get(id('ana'))).toMatchObject({ lastAssignmentSeq: 3, activeLeads: 2, assignedAt: [at(1), at(3)] });
    expect(start.reps.get(id('ben'))).toMatchObject({ lastAssignmentSeq: 2, activeLeads: 0, lastAssignedAt: at(2) });
    expect(start.reps.get(id('cy'))).toMatchObject({ lastAssignmentSeq: 4, activeLeads: 1 });
    expect(start.releases).toEqual([{ at: at(30), repId: id('cy') }]);
    expect(start.nextSeq).toBe(5);
  });

  it('rebuilds weighted round robin credits from the scores the decisions recorded, as the strategy left them', () => {
    const weights: Record<string, number> = { ana: 3, ben: 2, cy: 1 };
    let ledger: ShareLedger = new Map();
    const assignments: PriorAssignment[] = [];
    for (let i = 0; i < 7; i++) {
      // Cy is away for the 4th and 5th lead: its credit stays where it was.
      const eligible = ['ana', 'ben', 'cy'].filter((name) => name !== 'cy' || i < 3 || i > 4).map((name) => repFacts(name, { repId: id(name), weight: weights[name]! }));
      const pick = pickByStrategy('weighted_round_robin', eligible, { ledger, window: 'day' });
      ledger = pick.ledger!;
      assignments.push({
        repId: pick.chosen!.repId,
        teamId: TEAM,
        assignedAt: at(i),
        endedAt: null,
        strategy: 'weighted_round_robin',
        candidates: eligible.map((rep) => ({ repId: rep.repId, verdict: rep.repId === pick.chosen!.repId ? 'chosen' : 'eligible', score: pick.scores.get(rep.repId)!.score })),
      });
    }
    const start = replayStartOf(assignments, at(100), (repId) => weights[repId]!);
    expect(Object.fromEntries(start.ledgers.get(TEAM)!)).toEqual(Object.fromEntries(ledger));
  });
});

describe('replayPeriod', () => {
  it('holds a lead nobody can take until a place frees up, and gives the freed place to the first in line', () => {
    const policy = policyOf(SALES('round_robin', ['ana', 'ben']), ['ana', 'ben']);
    const routes = replay({
      policy,
      reps: [rep('ana', { cap: 1 }), rep('ben', { cap: 1 })],
      // L1 is closed at minute 10; L3 and L4 wait, L3 first.
      leads: [lead(1, 1, at(10)), lead(2, 2), lead(3, 3), lead(4, 4)],
    });
    expect(owners(routes)).toEqual(['ana', 'ben', 'ana', null]);
    expect(routes[2]).toMatchObject({ assignedAt: at(10), team: 'Sales' });
    expect(routes[3]!.summary).toMatch(/capped/);
  });

  it('serves a waiting line by priority, then by arrival', () => {
    const policy = policyOf(SALES('round_robin', ['ana']), ['ana']);
    const routes = replay({
      policy,
      reps: [rep('ana', { cap: 1 })],
      leads: [lead(1, 1, at(10)), lead(2, 2), { ...lead(3, 3), priority: 5 }, lead(4, 4)],
    });
    expect(routes.map((r) => [r.repId, r.assignedAt])).toEqual([
      ['ana', at(1)],
      [null, null],
      ['ana', at(10)],
      [null, null],
    ]);
  });

  it('takes a rep out while the presence log says it was away, and back in when it returned', () => {
    const policy = policyOf(SALES('round_robin', ['ana', 'ben', 'cy']), ['ana', 'ben', 'cy']);
    const routes = replay({
      policy,
      reps: [rep('ana'), rep('ben'), rep('cy')],
      presence: [
        { at: at(0), repId: id('ben'), state: 'available' },
        { at: at(2), repId: id('ben'), state: 'away' },
        { at: at(6), repId: id('ben'), state: 'available' },
      ],
      leads: [1, 3, 4, 5, 7, 8].map((minute, i) => lead(i + 1, minute)),
    });
    // Ana, then without Ben: Cy, Ana, Cy; back, Ben has waited longest.
    expect(owners(routes)).toEqual(['ana', 'cy', 'ana', 'cy', 'ben', 'ana']);
  });

  it('continues the round robin from the state at the start instead of from the first member', () => {
    const policy = policyOf(SALES('round_robin', ['ana', 'ben', 'cy']), ['ana', 'ben', 'cy']);
    const reps = [rep('ana'), rep('ben'), rep('cy')];
    const leads = [lead(1, 1), lead(2, 2), lead(3, 3)];
    expect(owners(replay({ policy, reps, leads }))).toEqual(['ana', 'ben', 'cy']);
    const start = replayStartOf(
      [
        { repId: id('cy'), teamId: TEAM, assignedAt: at(-30), endedAt: at(-20), strategy: 'round_robin', candidates: [] },
        { repId: id('ana'), teamId: TEAM, assignedAt: at(-10), endedAt: at(-5), strategy: 'round_robin', candidates: [] },
      ],
      at(0),
      () => 1,
    );
    expect(owners(replay({ policy, reps, leads, start }))).toEqual(['ben', 'cy', 'ana']);
  });

  it('counts the leads held at the start against the cap until their release', () => {
    const policy = policyOf(SALES('round_robin', ['ana', 'ben']), ['ana', 'ben']);
    const start = replayStartOf(
      [
        { repId: id('ana'), teamId: TEAM, assignedAt: at(-10), endedAt: null, strategy: 'round_robin', candidates: [] },
        { repId: id('ben'), teamId: TEAM, assignedAt: at(-9), endedAt: at(5), strategy: 'round_robin', candidates: [] },
      ],
      at(0),
      () => 1,
    );
    const routes = replay({ policy, reps: [rep('ana', { cap: 1 }), rep('ben', { cap: 1 })], start, leads: [lead(1, 1), lead(2, 6)] });
    // Both full at minute 1; Ben's old lead closes at minute 5, so L1 goes to him then, and L2 waits.
    expect(routes.map((r) => [r.repId, r.assignedAt])).toEqual([
      ['ben', at(5)],
      [null, null],
    ]);
  });

  it("applies a day cap in the rep's time zone, counting the assignments before the start", () => {
    const policy = policyOf(SALES('round_robin', ['ana', 'ben']), ['ana', 'ben']);
    const start = replayStartOf([{ repId: id('ana'), teamId: TEAM, assignedAt: at(-60), endedAt: at(-50), strategy: 'round_robin', candidates: [] }], at(0), () => 1);
    const routes = replay({ policy, reps: [rep('ana', { caps: { day: 2 } }), rep('ben', { caps: { day: 1 } })], start, leads: [1, 2, 3, 4].map((m) => lead(m, m)) });
    // Ana took one earlier today: one more for her, one for Ben, then both are at their day cap.
    expect(owners(routes)).toEqual(['ben', 'ana', null, null]);
    expect(routes[2]!.summary).toMatch(/capped/);
  });

  it('keeps weighted credits across the period as the live strategy would', () => {
    const policy = policyOf(SALES('weighted_round_robin', ['ana', 'ben']), ['ana', 'ben']);
    const routes = replay({ policy, reps: [rep('ana', { weight: 2 }), rep('ben')], leads: [1, 2, 3, 4, 5, 6].map((m) => lead(m, m)) });
    expect(owners(routes)).toEqual(['ana', 'ben', 'ana', 'ana', 'ben', 'ana']);
  });
});

describe('loadCounts', () => {
  it('counts the assignments of the UTC day, week (from Monday) and month', () => {
    // 2026-05-04 is a Monday.
    const times = [Date.parse('2026-04-30T12:00:00Z'), Date.parse('2026-05-01T12:00:00Z'), Date.parse('2026-05-04T08:00:00Z'), Date.parse('2026-05-04T09:00:00Z')];
    expect(loadCounts(times, T0)).toEqual({ day: 2, week: 2, month: 3 });
  });
});

describe('replayOrder', () => {
  it("puts each team's leads back in the order its decisions were taken, in the team's places and at their times", () => {
    const order = replayOrder([
      { at: 1, decision: { teamId: 'x', seq: 5 } },
      { at: 2, decision: { teamId: 'y', seq: 3 } },
      { at: 2, decision: { teamId: 'x', seq: 4 } },
      { at: 3, decision: null },
      { at: 4, decision: { teamId: 'x', seq: 9 } },
    ]);
    // Team x's leads (places 0, 2, 4) go by sequence: 4, 5, 9; y's and the undecided lead stay.
    expect(order).toEqual([
      { index: 2, at: 1 },
      { index: 1, at: 2 },
      { index: 0, at: 2 },
      { index: 3, at: 3 },
      { index: 4, at: 4 },
    ]);
  });
});

describe('simulateRouting over a past period', () => {
  const yaml = SALES('round_robin', ['ana']);
  const parsed = parseRoutingConfig(yaml);
  if (!parsed.ok) throw new Error('invalid test configuration');
  const config = parsed.config;
  const input = (history: SimulationHistory) =>
    simulateRouting({
      current: { config, version: 3 },
      proposed: config,
      storedTeams: [],
      reps: [{ id: id('ana'), name: 'Ana', email: 'ana@acme.io', weight: 1, tags: [], active: true, cap: 1 }],
      accounts: [],
      leads: [{ label: 'P1', facts: { email: 'p1@example.com', attributes: {} } }],
      now: at(100),
      history,
    });
  // Ana holds a lead until minute 5; P1 arrives at minute 1 and really waited.
  const start = replayStartOf([{ repId: id('ana'), teamId: TEAM, assignedAt: at(-10), endedAt: at(5), strategy: 'round_robin', candidates: [] }], at(0), () => 1);
  const waited = { repId: null, team: null, queue: null, rule: 'All', summary: 'waited' };

  it('compares with the recorded owners, and lets a lead still waiting at the start take the first freed place', () => {
    const carried = [{ ...lead(0, 0), label: 'C0', at: at(0) }];
    const result = input({ start, presence: [], carried, leads: [{ at: at(1), releasedAt: null, recorded: waited }] });
    expect(result.current).toMatchObject({ source: 'recorded', configVersion: 3, routes: [{ label: 'P1', repId: null }] });
    expect(result.proposed.source).toBe('simulated');
    // C0 was first in line: it takes Ana's place at minute 5, and P1 keeps waiting, as it really did.
    expect(result.proposed.routes).toMatchObject([{ label: 'P1', repId: null }]);
    expect(result.changed).toEqual([]);
    expect(result.calibration).toEqual({ reproduced: 1, total: 1 });
  });

  it('without the lead carried over, P1 would get the place: a change the replay reports', () => {
    const result = input({ start, presence: [], leads: [{ at: at(1), releasedAt: null, recorded: waited }] });
    expect(result.proposed.routes).toMatchObject([{ label: 'P1', repId: 'ana', team: 'Sales' }]);
    expect(result.changed).toEqual([{ label: 'P1', from: 'waiting', to: 'Ana (Sales)' }]);
    expect(result.calibration).toEqual({ reproduced: 0, total: 1 });
  });
});
