import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repFacts } from './rep-facts.ts';
import { judgeCandidates, type LeadFacts, type LoadWindow, pickByStrategy, type RepFacts, type RepId, type RepState, type ShareLedger, Strategy } from '../../src/index.ts';

const STRATEGIES = Object.values(Strategy);
const WINDOWS: LoadWindow[] = ['day', 'week', 'month'];
const LEAD: LeadFacts = { email: 'jo@acme.example', attributes: {} };

const rep = (index: number, overrides: Partial<RepFacts> = {}): RepFacts => repFacts(`Rep ${index}`, overrides);

/** A rep after it got lead number `seq`. */
const assign = (r: RepFacts, seq: number): RepFacts => ({
  ...r,
  activeLeads: r.activeLeads + 1,
  lastAssignedAt: seq * 1000,
  lastAssignmentSeq: seq,
  assigned: { day: r.assigned.day + 1, week: r.assigned.week + 1, month: r.assigned.month + 1 },
});

const weightsArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 });
const sum = (values: ReadonlyArray<number>): number => values.reduce((a, b) => a + b, 0);

/**
 * Weighted picks over a fixed team from the given ledger, each applied; calls `check` after
 * every pick with how many leads each rep has got so far. Returns the ledger at the end.
 */
function runWeighted(team: RepFacts[], picks: number, ledger: ShareLedger, firstSeq: number, check: (counts: number[], done: number) => void): { team: RepFacts[]; ledger: ShareLedger } {
  const counts = team.map(() => 0);
  for (let k = 1; k <= picks; k++) {
    const result = pickByStrategy('weighted_round_robin', team, { ledger, window: 'day' });
    const i = team.indexOf(result.chosen!);
    counts[i]!++;
    team = team.map((r, j) => (j === i ? assign(r, firstSeq + k) : r));
    ledger = result.ledger!;
    check(counts, k);
  }
  return { team, ledger };
}

/** The largest lag behind share over every prefix of `picks` picks, in leads (exact). */
function worstLagBehind(weights: number[], picks: number): { lag: number; after: number; rep: number } {
  const W = sum(weights);
  let worst = { lag: 0, after: 0, rep: -1 };
  runWeighted(
    weights.map((weight, i) => rep(i, { weight })),
    picks,
    new Map(),
    0,
    (counts, k) => {
      counts.forEach((c, i) => {
        const lag = (k * weights[i]! - c * W) / W;
        if (lag > worst.lag) worst = { lag, after: k, rep: i };
      });
    },
  );
  return worst;
}

describe('smooth weighted round robin keeps each rep near its share', () => {
  // For a fixed team from a fresh ledger, rep i's count after k picks is within
  // (k·w_i/W − 9/8, k·w_i/W + 1): never a whole lead ahead, at most 9/8 of a lead behind.
  // The "ahead" side is nginx's invariant (credits sum to 0, so the winner's credit is
  // positive before it pays W back, and stays above −W). The "behind" side is not 1:
  // an exhaustive search of every team of up to 8 reps with weights 1 to 5, over three full
  // rounds, found 9/8 as the largest lag (and plain nginx, breaking ties by member order,
  // does no better); the two tests after this one show the first counter-example and the worst case.
  it('stays under one lead ahead and within 9/8 of a lead behind its share after every pick', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const W = sum(weights);
        const violations: string[] = [];
        runWeighted(
          weights.map((weight, i) => rep(i, { weight })),
          3 * W,
          new Map(),
          0,
          (counts, k) => {
            counts.forEach((c, i) => {
              // In integers: c·W − k·w < W (ahead) and 8·(k·w − c·W) ≤ 9·W (behind).
              if (c * W - k * weights[i]! >= W || 8 * (k * weights[i]! - c * W) > 9 * W) violations.push(`rep ${i} has ${c} of ${k} leads`);
            });
          },
        );
        expect(violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  // fast-check's smallest counter-example to "always under one lead": after picks 4, 5, 6,
  // 1, 2, 3, 4, 5 the last rep has 1 lead, its share is 2.
  it('can leave a rep a whole lead behind: weights 1, 1, 1, 3, 3, 3 after 8 picks', () => {
    expect(worstLagBehind([1, 1, 1, 3, 3, 3], 36)).toEqual({ lag: 1, after: 8, rep: 5 });
  });

  it('can leave a rep more than one lead behind: weights 1, 1, 1, 5, 5, 5 after 11 picks', () => {
    expect(worstLagBehind([1, 1, 1, 5, 5, 5], 18)).toEqual({ lag: 19 / 18, after: 11, rep: 5 });
  });

  it('reaches 9/8 of a lead behind with weights 1, 1, 1, 1, 5, 5, 5, 5', () => {
    expect(worstLagBehind([1, 1, 1, 1, 5, 5, 5, 5], 3 * 24).lag).toBe(9 / 8);
  });

  it('gives every rep exactly its share of each full round', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 1, max: 3 }), (weights, rounds) => {
        const W = sum(weights);
        let final: number[] = [];
        runWeighted(weights.map((weight, i) => rep(i, { weight })), rounds * W, new Map(), 0, (counts) => (final = counts));
        expect(final).toEqual(weights.map((w) => rounds * w));
      }),
      { numRuns: 100 },
    );
  });

  // Reps drop out (away, capped) and come back: the eligible set changes between windows. A
  // rep's credit carries over, clamped into [-W, W] of the new window, so it starts each window
  // up to a lead ahead or behind, and the window's count can be off by that lead plus the
  // transient. Within every window in which the eligible set is fixed, each eligible rep's
  // count stays within 3 leads of m·w_i/W after every pick. Searches of this domain found
  // 2.2 from fresh teams with dropouts and 2.6 from arbitrary carried-over credits; the bound
  // depends on the team (a 9-rep team with weights up to 17 reached 3.01).
  it('stays within 3 leads of its share in every window with a fixed eligible set, while reps come and go', () => {
    const windowsArb = weightsArb.chain((weights) =>
      fc.tuple(
        fc.constant(weights),
        fc.array(fc.record({ eligible: fc.array(fc.boolean(), { minLength: weights.length, maxLength: weights.length }), picks: fc.integer({ min: 1, max: 40 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
      ),
    );
    fc.assert(
      fc.property(windowsArb, ([weights, windows]) => {
        const team = weights.map((weight, i) => rep(i, { weight }));
        let ledger: ShareLedger = new Map();
        let seq = 0;
        const violations: string[] = [];
        for (const window of windows) {
          const members = team.flatMap((r, i) => (window.eligible[i] ? [i] : []));
          if (members.length === 0) continue;
          const W = sum(members.map((i) => weights[i]!));
          const away = new Map(team.filter((_, i) => !window.eligible[i]).map((r) => [r.repId, ledger.get(r.repId)]));
          const result = runWeighted(
            members.map((i) => team[i]!),
            window.picks,
            ledger,
            seq,
            (counts, k) => {
              counts.forEach((c, j) => {
                if (Math.abs(c * W - k * weights[members[j]!]!) >= 3 * W) violations.push(`rep ${members[j]} has ${c} of ${k} leads`);
              });
            },
          );
          expect(violations).toEqual([]);
          // Reps who sat the window out kept their credit exactly.
          for (const [id, credit] of away) expect(result.ledger.get(id)).toBe(credit);
          members.forEach((i, j) => (team[i] = result.team[j]!));
          ledger = result.ledger;
          seq += window.picks;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('strategies never push a rep past its cap', () => {
  const repsArb = fc.array(
    fc
      .record({
        cap: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
        weight: fc.integer({ min: 1, max: 5 }),
        state: fc.constantFrom<RepState>('available', 'available', 'available', 'away', 'offline'),
        fill: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ cap, weight, state, fill }) => ({ cap, weight, state, activeLeads: Math.floor((cap ?? 6) * fill) })),
    { minLength: 1, maxLength: 8 },
  );
  // A new lead, or the release (won, lost, re-routed) of one of the active leads of rep `index`.
  const opArb = fc.oneof({ weight: 3, arbitrary: fc.constant('lead' as const) }, { weight: 1, arbitrary: fc.nat().map((index) => ({ release: index })) });

  it.each(STRATEGIES)('%s', (strategy) => {
    fc.assert(
      fc.property(repsArb, fc.array(opArb, { maxLength: 60 }), fc.constantFrom(...WINDOWS), (specs, ops, window) => {
        let team = specs.map((spec, i) => rep(i, spec));
        const members = team.map((r) => r.repId);
        let ledger: ShareLedger = new Map();
        let seq = 0;
        for (const op of ops) {
          if (op === 'lead') {
            const { verdicts, eligible } = judgeCandidates(members, (id) => team.find((r) => r.repId === id), LEAD, undefined, new Map());
            const pick = pickByStrategy(strategy, eligible, { ledger, window });
            if (pick.chosen === null) continue;
            const chosen = pick.chosen;
            expect(verdicts.find((v) => v.repId === chosen.repId)?.verdict).toBe('eligible');
            team = team.map((r) => (r.repId === chosen.repId ? assign(r, ++seq) : r));
            ledger = pick.ledger ?? ledger;
          } else {
            const holders = team.filter((r) => r.activeLeads > 0);
            const holder = holders[op.release % Math.max(1, holders.length)];
            if (holder) team = team.map((r) => (r === holder ? { ...r, activeLeads: r.activeLeads - 1 } : r));
          }
          for (const r of team) if (r.cap !== null) expect(r.activeLeads).toBeLessThanOrEqual(r.cap);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// Any team: weights, caps, load, last assignments (a strictly increasing sequence), a ledger
// with credits for some of the reps and for reps that left.
const teamArb = fc
  .array(
    fc.record({
      weight: fc.integer({ min: 1, max: 5 }),
      cap: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      activeLeads: fc.integer({ min: 0, max: 9 }),
      seq: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
      day: fc.integer({ min: 0, max: 5 }),
      week: fc.integer({ min: 0, max: 20 }),
      month: fc.integer({ min: 0, max: 60 }),
      eligible: fc.boolean(),
    }),
    { maxLength: 12 },
  )
  .map((specs) =>
    specs.map((s, i) => ({
      rep: rep(i, {
        weight: s.weight,
        cap: s.cap,
        activeLeads: s.cap === null ? s.activeLeads : Math.min(s.activeLeads, s.cap - 1),
        // Distinct sequence numbers, as the router hands them out.
        lastAssignmentSeq: s.seq === null ? null : s.seq * 100 + i,
        lastAssignedAt: s.seq === null ? null : s.seq * 60_000,
        assigned: { day: s.day, week: s.week, month: s.month },
      }),
      eligible: s.eligible,
    })),
  );
const ledgerArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.double({ min: -40, max: 40, noNaN: true })), { maxLength: 15 })
  .map((entries) => new Map(entries.map(([i, credit]) => [`rep-${i}` as RepId, credit])) as ShareLedger);
const pickArb = fc.record({ team: teamArb, ledger: ledgerArb, strategy: fc.constantFrom(...STRATEGIES), window: fc.constantFrom(...WINDOWS) });

describe('strategies are deterministic and leave their inputs alone', () => {
  it('gives deep-equal results for the same inputs and does not change the ledger or the reps', () => {
    fc.assert(
      fc.property(pickArb, ({ team, ledger, strategy, window }) => {
        const eligible = team.filter((t) => t.eligible).map((t) => t.rep);
        const ledgerBefore = [...ledger];
        const eligibleBefore = structuredClone(eligible);
        const first = pickByStrategy(strategy, eligible, { ledger, window });
        const second = pickByStrategy(strategy, [...eligible], { ledger: new Map(ledger), window });
        expect(second).toEqual(first);
        expect([...ledger]).toEqual(ledgerBefore);
        expect(eligible).toEqual(eligibleBefore);
        if (first.ledger !== null) expect(first.ledger).not.toBe(ledger);
      }),
      { numRuns: 500 },
    );
  });

  it('judges the same team the same way twice', () => {
    fc.assert(
      fc.property(teamArb, fc.array(fc.constantFrom('declined', 'breached', 'rejected'), { maxLength: 12 }), (team, why) => {
        const byId = new Map(team.map((t) => [t.rep.repId, t.rep]));
        const members = team.map((t) => t.rep.repId);
        const excluded = new Map(why.map((w, i) => [`rep-${i * 2}` as RepId, w]));
        const first = judgeCandidates(members, (id) => byId.get(id), LEAD, { anyOf: ['x'] }, excluded);
        expect(judgeCandidates(members, (id) => byId.get(id), LEAD, { anyOf: ['x'] }, excluded)).toEqual(first);
      }),
    );
  });
});

describe('the chosen rep', () => {
  it('is one of the eligible reps, the best by the strategy, and null only when nobody is eligible', () => {
    fc.assert(
      fc.property(pickArb, ({ team, ledger, strategy, window }) => {
        const eligible = team.filter((t) => t.eligible).map((t) => t.rep);
        const pick = pickByStrategy(strategy, eligible, { ledger, window });
        expect([...pick.scores.keys()]).toEqual(eligible.map((r) => r.repId));
        expect(pick.ledger !== null).toBe(strategy === 'weighted_round_robin' && eligible.length > 0);
        if (eligible.length === 0) {
          expect(pick.chosen).toBeNull();
          return;
        }
        const chosen = pick.chosen!;
        expect(eligible).toContain(chosen);
        const since = (r: RepFacts) => (r.lastAssignmentSeq === null ? -Infinity : r.lastAssignmentSeq);
        const free = (r: RepFacts) => (r.cap === null ? Infinity : r.cap - r.activeLeads);
        for (const other of eligible) {
          switch (strategy) {
            case 'round_robin':
              expect(since(other)).toBeGreaterThanOrEqual(since(chosen));
              break;
            case 'weighted_round_robin':
              expect(pick.scores.get(other.repId)!.score).toBeLessThanOrEqual(pick.scores.get(chosen.repId)!.score);
              break;
            case 'load_balanced':
              expect(other.assigned[window]).toBeGreaterThanOrEqual(chosen.assigned[window]);
              break;
            case 'most_available':
              expect(free(other)).toBeLessThanOrEqual(free(chosen));
              break;
          }
        }
        expect(pick.tieBreak).toContain(chosen.name);
      }),
      { numRuns: 500 },
    );
  });
});
