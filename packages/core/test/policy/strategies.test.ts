import { describe, expect, it } from 'vitest';
import { repFacts } from './rep-facts.ts';
import { type LoadWindow, pickByStrategy, type RepFacts, type RepId, type ShareLedger, Strategy, type StrategyPick, UNLIMITED_CAPACITY_SCORE } from '../../src/index.ts';

const rep = repFacts;

const ledgerOf = (credits: Record<string, number>): ShareLedger => new Map(Object.entries(credits).map(([id, credit]) => [id as RepId, credit]));

function pick(strategy: Strategy, eligible: ReadonlyArray<RepFacts>, options: { ledger?: ShareLedger; window?: LoadWindow } = {}): StrategyPick {
  return pickByStrategy(strategy, eligible, { ledger: options.ledger ?? new Map(), window: options.window ?? 'day' });
}

/** Runs `count` weighted picks over a fixed team, applying each one, and returns who got the leads. */
function weightedRun(team: RepFacts[], count: number, ledger: ShareLedger = new Map()): { order: string[]; ledger: ShareLedger } {
  const order: string[] = [];
  let reps = team;
  for (let seq = 1; seq <= count; seq++) {
    const result = pick('weighted_round_robin', reps, { ledger });
    const chosen = result.chosen!;
    order.push(chosen.repId);
    ledger = result.ledger!;
    reps = reps.map((r) => (r === chosen ? { ...r, lastAssignmentSeq: seq } : r));
  }
  return { order, ledger };
}

describe('pickByStrategy', () => {
  it.each(Object.values(Strategy))('%s chooses nobody when nobody is eligible', (strategy) => {
    expect(pick(strategy, [], { ledger: ledgerOf({ ana: 3 }) })).toEqual({ chosen: null, scores: new Map(), tieBreak: 'nobody eligible to pick from', ledger: null });
  });

  it.each(Object.values(Strategy))('%s scores every eligible rep', (strategy) => {
    const reps = [rep('Ana', { cap: 5 }), rep('Li', { cap: 5, activeLeads: 1 }), rep('Tom')];
    const { scores } = pick(strategy, reps);
    expect([...scores.keys()]).toEqual(['ana', 'li', 'tom']);
    for (const { score, detail } of scores.values()) {
      expect(Number.isFinite(score)).toBe(true);
      expect(detail).not.toBe('');
    }
  });

  it.each(['round_robin', 'load_balanced', 'most_available'] as const)('%s keeps no ledger', (strategy) => {
    expect(pick(strategy, [rep('Ana')], { ledger: ledgerOf({ ana: 1 }) }).ledger).toBeNull();
  });

  describe('round robin: longest since last assignment', () => {
    it('picks a never-assigned rep before any assigned one', () => {
      const result = pick('round_robin', [rep('Ana', { lastAssignmentSeq: 1 }), rep('Li'), rep('Tom', { lastAssignmentSeq: 2 })]);
      expect(result.chosen?.name).toBe('Li');
      expect(result.tieBreak).toBe('round robin picked Li: longest since last assignment (never assigned)');
    });

    it('picks the rep whose last assignment is oldest', () => {
      const result = pick('round_robin', [rep('Ana', { lastAssignmentSeq: 7 }), rep('Li', { lastAssignmentSeq: 3 }), rep('Tom', { lastAssignmentSeq: 5 })]);
      expect(result.chosen?.name).toBe('Li');
      expect(result.tieBreak).toBe('round robin picked Li: longest since last assignment (last assignment #3)');
    });

    it('breaks a tie among never-assigned reps by member order', () => {
      const result = pick('round_robin', [rep('Ana', { lastAssignmentSeq: 4 }), rep('Li'), rep('Tom')]);
      expect(result.chosen?.name).toBe('Li');
      expect(result.tieBreak).toBe('round robin picked Li: longest since last assignment (never assigned; tied with Tom, first in member order)');
    });

    it('scores how many assignments before the newest one each rep’s last came, never-assigned reps highest', () => {
      const { scores } = pick('round_robin', [rep('Ana', { lastAssignmentSeq: 10 }), rep('Li', { lastAssignmentSeq: 4 }), rep('Tom')]);
      expect(Object.fromEntries(scores)).toEqual({
        ana: { score: 0, detail: 'last assignment #10' },
        li: { score: 6, detail: 'last assignment #4' },
        tom: { score: 7, detail: 'never assigned' },
      });
    });

    it('hands out leads in strict rotation when each pick is applied', () => {
      let reps = [rep('A'), rep('B'), rep('C')];
      const order: string[] = [];
      for (let seq = 1; seq <= 9; seq++) {
        const chosen = pick('round_robin', reps).chosen!;
        order.push(chosen.name);
        reps = reps.map((r) => (r === chosen ? { ...r, lastAssignmentSeq: seq } : r));
      }
      expect(order.join('')).toBe('ABCABCABC');
    });
  });

  describe('weighted round robin: smooth, as nginx does it', () => {
    it('spreads the heavy rep’s leads out: weights 5, 1, 1 give a a b a c a a', () => {
      const { order, ledger } = weightedRun([rep('A', { weight: 5 }), rep('B'), rep('C')], 14);
      expect(order.join('')).toBe('aabacaaaabacaa');
      // After a full round every credit is back to 0.
      expect(Object.fromEntries(ledger)).toEqual({ a: 0, b: 0, c: 0 });
    });

    it('gives each rep exactly its share of every full round', () => {
      const { order } = weightedRun([rep('A', { weight: 3 }), rep('B', { weight: 2 }), rep('C')], 12);
      const count = (id: string) => order.filter((o) => o === id).length;
      expect([count('a'), count('b'), count('c')]).toEqual([6, 4, 2]);
    });

    it('adds each weight, takes the total from the winner and returns a new ledger', () => {
      const input = ledgerOf({ ana: 1, li: -1, away: 4 });
      const result = pick('weighted_round_robin', [rep('Ana', { weight: 2 }), rep('Li', { weight: 3 })], { ledger: input });
      expect(result.chosen?.name).toBe('Ana');
      expect(Object.fromEntries(result.ledger!)).toEqual({ ana: 3 - 5, li: 2, away: 4 });
      expect(result.ledger).not.toBe(input);
      expect(Object.fromEntries(input)).toEqual({ ana: 1, li: -1, away: 4 });
    });

    it('explains the pick in leads behind share', () => {
      const result = pick('weighted_round_robin', [rep('Sarah Chen', { weight: 2 }), rep('Li', { weight: 3 })], { ledger: ledgerOf({ 'sarah-chen': 1, li: -1 }) });
      expect(result.tieBreak).toBe('smooth weighted round robin picked Sarah Chen (weight 2, 0.6 leads behind share)');
      expect(Object.fromEntries(result.scores)).toEqual({
        'sarah-chen': { score: 3, detail: 'weight 2, 0.6 leads behind share' },
        li: { score: 2, detail: 'weight 3, 0.4 leads behind share' },
      });
    });

    it('says when a rep is ahead of its share, on it, or exactly one lead behind', () => {
      const { scores } = pick('weighted_round_robin', [rep('A', { weight: 1 }), rep('B', { weight: 1 }), rep('C', { weight: 2 })], {
        ledger: ledgerOf({ a: -3, b: -1, c: 2 }),
      });
      expect(scores.get('a' as RepId)?.detail).toBe('weight 1, 0.5 leads ahead of share');
      expect(scores.get('b' as RepId)?.detail).toBe('weight 1, on share');
      expect(scores.get('c' as RepId)?.detail).toBe('weight 2, 1 lead behind share');
    });

    it('starts a rep missing from the ledger at 0', () => {
      const result = pick('weighted_round_robin', [rep('Ana'), rep('New')], { ledger: ledgerOf({ ana: 0.5 }) });
      expect(result.scores.get('new' as RepId)?.score).toBe(1);
      expect(result.chosen?.name).toBe('Ana');
    });

    it('leaves the credit of a rep who is not eligible untouched, so it keeps its place', () => {
      const team = [rep('A'), rep('B'), rep('C')];
      let { ledger } = weightedRun(team, 2);
      // C was passed over twice: owed 2 of W = 3.
      expect(ledger.get('c' as RepId)).toBe(2);
      // C is away for five leads: A and B share them, and C's credit neither grows nor shrinks.
      ({ ledger } = weightedRun(team.slice(0, 2), 5, ledger));
      expect(ledger.get('c' as RepId)).toBe(2);
      // Back, C is first in line.
      expect(weightedRun(team, 1, ledger).order).toEqual(['c']);
    });

    it('clamps a stale credit from another team make-up into [-W, W], so a returning rep does not get a flood', () => {
      // Owed 30 in a big team; now the team is Ana and Li (W = 2).
      const ledger = ledgerOf({ ana: 30, li: 0 });
      const first = pick('weighted_round_robin', [rep('Ana'), rep('Li')], { ledger });
      expect(first.scores.get('ana' as RepId)?.score).toBe(2 + 1);
      const { order } = weightedRun([rep('Ana'), rep('Li')], 6, ledger);
      // Clamped to one lead owed, Ana gets the first lead, then the two alternate. Unclamped,
      // Ana would take the next 15 leads in a row.
      expect(order.join(',')).toBe('ana,li,ana,li,ana,li');
    });

    it('clamps a stale debt, so a returning rep does not wait for many leads', () => {
      // Clamped to one lead ahead, Ana sits out one lead; unclamped, she would sit out 15.
      const { order } = weightedRun([rep('Ana'), rep('Li')], 4, ledgerOf({ ana: -30 }));
      expect(order.join(',')).toBe('li,ana,li,ana');
    });

    it('breaks a tie in credit by longest since last assignment, then member order', () => {
      const tied = ledgerOf({ ana: 0, li: 0, tom: 0 });
      const bySeq = pick('weighted_round_robin', [rep('Ana', { lastAssignmentSeq: 9 }), rep('Li', { lastAssignmentSeq: 3 }), rep('Tom', { lastAssignmentSeq: 5 })], { ledger: tied });
      expect(bySeq.chosen?.name).toBe('Li');
      expect(bySeq.tieBreak).toBe('smooth weighted round robin picked Li (weight 1, 0.3 leads behind share; tied with 2 others, longest since last assignment)');
      const byOrder = pick('weighted_round_robin', [rep('Ana', { lastAssignmentSeq: 9 }), rep('Li'), rep('Tom')], { ledger: tied });
      expect(byOrder.chosen?.name).toBe('Li');
      expect(byOrder.tieBreak).toContain('tied with 2 others, first in member order');
    });
  });

  describe('load balancing: fewest leads in the window', () => {
    const reps = [
      rep('Ana', { assigned: { day: 1, week: 3, month: 20 } }),
      rep('Li', { assigned: { day: 0, week: 5, month: 9 } }),
      rep('Tom', { assigned: { day: 2, week: 4, month: 12 } }),
    ];

    it.each([
      ['day', 'Li', 'load balancing picked Li: fewest leads today (0)'],
      ['week', 'Ana', 'load balancing picked Ana: fewest leads this week (3)'],
      ['month', 'Li', 'load balancing picked Li: fewest leads this month (9)'],
    ] as const)('counts the %s', (window, name, tieBreak) => {
      const result = pick('load_balanced', reps, { window });
      expect(result.chosen?.name).toBe(name);
      expect(result.tieBreak).toBe(tieBreak);
    });

    it('scores the negated count', () => {
      const { scores } = pick('load_balanced', reps, { window: 'day' });
      expect(Object.fromEntries(scores)).toEqual({
        ana: { score: -1, detail: '1 lead today' },
        li: { score: 0, detail: '0 leads today' },
        tom: { score: -2, detail: '2 leads today' },
      });
    });

    it('breaks a tie by longest since last assignment, then member order', () => {
      const tied = [rep('Ana', { lastAssignmentSeq: 8 }), rep('Li', { lastAssignmentSeq: 2 }), rep('Tom', { assigned: { day: 0, week: 9, month: 9 } })];
      const bySeq = pick('load_balanced', tied, { window: 'week' });
      expect(bySeq.chosen?.name).toBe('Li');
      expect(bySeq.tieBreak).toBe('load balancing picked Li: fewest leads this week (0; tied with Ana, longest since last assignment)');
      const byOrder = pick('load_balanced', [rep('Ana'), rep('Li')], { window: 'week' });
      expect(byOrder.chosen?.name).toBe('Ana');
      expect(byOrder.tieBreak).toBe('load balancing picked Ana: fewest leads this week (0; tied with Li, first in member order)');
    });
  });

  describe('most available: most free capacity', () => {
    it('picks the rep with the most free capacity', () => {
      const result = pick('most_available', [rep('Ana', { cap: 10, activeLeads: 8 }), rep('Tom', { cap: 10, activeLeads: 3 }), rep('Li', { cap: 5, activeLeads: 0 })]);
      expect(result.chosen?.name).toBe('Tom');
      expect(result.tieBreak).toBe('most available picked Tom: most free capacity (7 of 10 free)');
      expect(Object.fromEntries(result.scores)).toEqual({
        ana: { score: 2, detail: '2 of 10 free' },
        tom: { score: 7, detail: '7 of 10 free' },
        li: { score: 5, detail: '5 of 5 free' },
      });
    });

    it('counts no cap as unlimited', () => {
      const result = pick('most_available', [rep('Ana', { cap: 1000 }), rep('Li', { activeLeads: 40 })]);
      expect(result.chosen?.name).toBe('Li');
      expect(result.tieBreak).toBe('most available picked Li: most free capacity (no cap, 40 active)');
      expect(result.scores.get('li' as RepId)).toEqual({ score: UNLIMITED_CAPACITY_SCORE, detail: 'no cap, 40 active' });
    });

    it('breaks a tie in free capacity by fewest active leads', () => {
      const result = pick('most_available', [rep('Ana', { cap: 10, activeLeads: 6 }), rep('Li', { cap: 6, activeLeads: 2 }), rep('Tom', { activeLeads: 9 }), rep('Sam', { activeLeads: 3 })]);
      expect(result.chosen?.name).toBe('Sam');
      expect(result.tieBreak).toBe('most available picked Sam: most free capacity (no cap, 3 active; tied with Tom, fewest active leads)');
      const capped = pick('most_available', [rep('Ana', { cap: 10, activeLeads: 6 }), rep('Li', { cap: 6, activeLeads: 2 })]);
      expect(capped.chosen?.name).toBe('Li');
    });

    it('then by longest since last assignment, then member order', () => {
      const bySeq = pick('most_available', [rep('Ana', { cap: 4, lastAssignmentSeq: 5 }), rep('Li', { cap: 4, lastAssignmentSeq: 1 })]);
      expect(bySeq.chosen?.name).toBe('Li');
      expect(bySeq.tieBreak).toBe('most available picked Li: most free capacity (4 of 4 free; tied with Ana, longest since last assignment)');
      const byOrder = pick('most_available', [rep('Ana', { cap: 4 }), rep('Li', { cap: 4 }), rep('Tom', { cap: 4 })]);
      expect(byOrder.chosen?.name).toBe('Ana');
      expect(byOrder.tieBreak).toBe('most available picked Ana: most free capacity (4 of 4 free; tied with 2 others, first in member order)');
    });
  });
});
