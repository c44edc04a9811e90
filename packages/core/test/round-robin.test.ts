import { describe, expect, it } from 'vitest';
import { type CandidateSnapshot, pickRoundRobin, type RepId } from '../src/index.ts';

const rep = (id: string, overrides: Partial<CandidateSnapshot> = {}): CandidateSnapshot => ({
  repId: id as RepId,
  name: id.toUpperCase(),
  state: 'available',
  activeLeads: 0,
  cap: null,
  lastAssignedAt: null,
  lastAssignmentSeq: null,
  ...overrides,
});

describe('round robin (longest since last assignment)', () => {
  it('picks a never-assigned rep before any assigned one, in member order', () => {
    const pick = pickRoundRobin([rep('a', { lastAssignmentSeq: 1 }), rep('b'), rep('c')]);
    expect(pick.chosen?.repId).toBe('b');
  });

  it('picks the rep whose last assignment is oldest', () => {
    const pick = pickRoundRobin([rep('a', { lastAssignmentSeq: 7 }), rep('b', { lastAssignmentSeq: 3 }), rep('c', { lastAssignmentSeq: 5 })]);
    expect(pick.chosen?.repId).toBe('b');
    expect(pick.summary).toContain('round robin picked B among 3 eligible');
  });

  it('hands out leads in strict rotation when each pick is applied', () => {
    let reps = [rep('a'), rep('b'), rep('c')];
    const order: string[] = [];
    for (let seq = 1; seq <= 9; seq++) {
      const chosen = pickRoundRobin(reps).chosen;
      if (!chosen) throw new Error('nobody chosen');
      order.push(chosen.repId);
      reps = reps.map((r) => (r.repId === chosen.repId ? { ...r, lastAssignmentSeq: seq } : r));
    }
    expect(order.join('')).toBe('abcabcabc');
  });

  it('excludes away, capped and declined reps and says why', () => {
    const pick = pickRoundRobin(
      [rep('a', { state: 'away' }), rep('b', { state: 'capped', activeLeads: 3, cap: 3 }), rep('c'), rep('d', { activeLeads: 2, cap: 2 })],
      new Set(['c' as RepId]),
    );
    expect(pick.chosen).toBeNull();
    expect(pick.verdicts.map((v) => (v.verdict === 'excluded' ? v.reason : v.verdict))).toEqual(['away', 'capped', 'declined', 'capped']);
    expect(pick.verdicts[1]?.detail).toBe('B is capped (3/3 active)');
    expect(pick.summary).toBe('no eligible rep among 4 team member(s)');
  });

  it('is deterministic: the same candidates give the same pick', () => {
    const candidates = [rep('a', { lastAssignmentSeq: 2 }), rep('b', { lastAssignmentSeq: 2 }), rep('c', { lastAssignmentSeq: 9 })];
    expect(pickRoundRobin(candidates)).toEqual(pickRoundRobin(candidates));
    expect(pickRoundRobin(candidates).chosen?.repId).toBe('a');
  });
});
