import { newId, type LeadId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { RepActors } from '../src/rep-actors.ts';
import { repFactsOf } from '../src/rep-facts.ts';
import { NOW, repOf } from './routing-fixture.ts';

describe('repFactsOf', () => {
  it('counts an offer in flight as held until the rep accepts it, and not again while the answer is on its way back', () => {
    const actors = new RepActors();
    const entry = actors.load(repOf(1, 1, 2), { lastAssignmentSeq: 4, snapshot: null }, NOW);
    // Two offers sent, seq 5 and 6; neither answered.
    const pending = new Map([[entry.profile.id, { count: 2, seq: 6, seqs: new Set([5, 6]) }]]);
    expect(repFactsOf(entry, pending, undefined, NOW)).toMatchObject({ activeLeads: 2, state: 'available', lastAssignmentSeq: 6 });
    // The rep's actor accepted seq 5: it holds one lead, and one offer is still unanswered. Its cap is 2, not exceeded.
    entry.actor.send({ type: 'OFFER', leadId: newId<LeadId>(), at: NOW, seq: 5 });
    expect(entry.actor.getSnapshot().context.activeLeads).toBe(1);
    expect(repFactsOf(entry, pending, undefined, NOW)).toMatchObject({ activeLeads: 2, state: 'available' });
    // Seq 6 accepted too: two held, nothing unanswered; the actor's own state says capped.
    entry.actor.send({ type: 'OFFER', leadId: newId<LeadId>(), at: NOW, seq: 6 });
    expect(repFactsOf(entry, pending, undefined, NOW)).toMatchObject({ activeLeads: 2, state: 'capped' });
  });
});
