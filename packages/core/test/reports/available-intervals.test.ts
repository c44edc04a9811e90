import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableIntervals, intervalSeconds, type RepStateChange, type RepStateHistory } from '../../src/index.ts';

const H = 3_600_000;
const change = (at: number, from: string, to: string): RepStateChange => ({ at, from, to });

describe('availableIntervals', () => {
  it.each<{ name: string; history: RepStateHistory; expected: Array<[number, number]> }>([
    {
      name: 'a rep that never changed and is available: the whole period',
      history: { createdAt: -10 * H, currentState: 'available', priorChange: null, changes: [] },
      expected: [[0, 10 * H]],
    },
    {
      name: 'a rep created inside the period: from its creation on',
      history: { createdAt: 4 * H, currentState: 'available', priorChange: null, changes: [] },
      expected: [[4 * H, 10 * H]],
    },
    {
      name: 'a rep that never changed and is away (created with cap 0): nothing',
      history: { createdAt: -H, currentState: 'capped', priorChange: null, changes: [] },
      expected: [],
    },
    {
      name: 'a rep toggled away and back inside the period: the two stretches around it',
      history: { createdAt: -H, currentState: 'available', priorChange: null, changes: [change(2 * H, 'available', 'away'), change(5 * H, 'away', 'available')] },
      expected: [[0, 2 * H], [5 * H, 10 * H]],
    },
    {
      name: 'a rep away since before the period: from its return on',
      history: { createdAt: -5 * H, currentState: 'available', priorChange: change(-3 * H, 'available', 'away'), changes: [change(6 * H, 'away', 'available')] },
      expected: [[6 * H, 10 * H]],
    },
    {
      name: 'a rep available since before the period, capped and then off shift: until it was capped',
      history: {
        createdAt: -5 * H,
        currentState: 'offline',
        priorChange: change(-3 * H, 'away', 'available'),
        changes: [change(H, 'available', 'capped'), change(3 * H, 'capped', 'offline')],
      },
      expected: [[0, H]],
    },
    {
      name: 'a rep whose first logged change left the state it was created in: that state before it',
      history: { createdAt: -H, currentState: 'away', priorChange: null, changes: [change(7 * H, 'available', 'away')] },
      expected: [[0, 7 * H]],
    },
    {
      name: 'changes between two available states (a new log line, no gap): one stretch',
      history: { createdAt: -H, currentState: 'available', priorChange: null, changes: [change(3 * H, 'available', 'available')] },
      expected: [[0, 10 * H]],
    },
  ])('$name', ({ history, expected }) => {
    expect(availableIntervals(history, 0, 10 * H)).toEqual(expected.map(([from, to]) => ({ from, to })));
  });

  it('never reaches outside the period or before the rep was created, and never overlaps', () => {
    const states = fc.constantFrom('available', 'away', 'offline', 'capped', 'inactive');
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }),
        fc.option(fc.tuple(fc.integer({ min: -20, max: -1 }), states), { nil: null }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), states), { maxLength: 12 }),
        states,
        (created, prior, raw, current) => {
          const sorted = [...raw].sort((a, b) => a[0] - b[0]);
          let state = prior?.[1] ?? 'available';
          const changes = sorted.map(([at, to]) => {
            const c = change(at * H, state, to);
            state = to;
            return c;
          });
          const history: RepStateHistory = { createdAt: created * H, currentState: current, priorChange: prior && change(prior[0] * H, 'away', prior[1]), changes };
          const intervals = availableIntervals(history, 0, 24 * H);
          let reach = Math.max(0, created * H);
          for (const i of intervals) {
            expect(i.from).toBeGreaterThanOrEqual(reach);
            expect(i.to).toBeGreaterThan(i.from);
            expect(i.to).toBeLessThanOrEqual(24 * H);
            reach = i.to + 1;
          }
          expect(intervalSeconds(intervals)).toBeLessThanOrEqual(24 * 3600);
        },
      ),
    );
  });
});

describe('intervalSeconds', () => {
  it('adds up lengths in seconds, counting overlaps once', () => {
    expect(intervalSeconds([{ from: 0, to: 2000 }, { from: 1000, to: 3000 }, { from: 5000, to: 5500 }])).toBe(3.5);
    expect(intervalSeconds([])).toBe(0);
  });
});

describe('availableIntervals with a change after the period', () => {
  it('takes the state before it as the state all through the period', () => {
    const history: RepStateHistory = { createdAt: -H, currentState: 'available', priorChange: null, changes: [change(20 * H, 'away', 'available')] };
    expect(availableIntervals(history, 0, 10 * H)).toEqual([]);
    expect(availableIntervals({ ...history, changes: [change(20 * H, 'available', 'away')], currentState: 'away' }, 0, 10 * H)).toEqual([{ from: 0, to: 10 * H }]);
  });
});

describe('availableIntervals: meetings', () => {
  const history: RepStateHistory = {
    createdAt: -10 * H,
    currentState: 'available',
    priorChange: null,
    changes: [change(2 * H, 'available', 'busy'), change(3 * H, 'busy', 'available')],
  };

  it('leaves a meeting out of eligible time, unless the team lets busy reps take leads', () => {
    expect(availableIntervals(history, 0, 5 * H)).toEqual([
      { from: 0, to: 2 * H },
      { from: 3 * H, to: 5 * H },
    ]);
    expect(availableIntervals(history, 0, 5 * H, { busyEligible: true })).toEqual([{ from: 0, to: 5 * H }]);
  });
});
