import { type LeadId, newId, type Rep, type RepId, type Strategy } from '@switchboard/core';
import { leadMachine, type OfferAnswer } from '@switchboard/machines';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { routeLead } from '../src/route-lead.ts';
import { TeamActors } from '../src/team-actors.ts';
import { NOW, repOf, routingStateFor } from './routing-fixture.ts';

// Leads of one team routed concurrently, their offers answered in an order fast-check's
// scheduler picks: the strategies' promises must hold however the awaits interleave. Before
// each team's decisions ran in its own mailbox, concurrent decisions read the same weighted
// round robin credits and wrote back over each other (issue 12).

/**
 * Routes `leads` leads at once through `routeLead`, each start and each offer's delivery to its
 * rep scheduled by fast-check. Answers the reps that accepted, in the order of the decisions.
 */
async function routeConcurrently(s: fc.Scheduler, reps: ReadonlyArray<Rep>, strategy: Strategy, leads: number) {
  const { actors, policy } = await routingStateFor(reps, strategy);
  const teams = new TeamActors();
  const pending = new Map<RepId, { count: number; seq: number }>();
  const reserve = (repId: RepId, seq: number) => {
    const entry = pending.get(repId) ?? { count: 0, seq };
    entry.count += 1;
    entry.seq = Math.max(entry.seq, seq);
    pending.set(repId, entry);
    return () => {
      entry.count -= 1;
      if (entry.count === 0 && pending.get(repId) === entry) pending.delete(repId);
    };
  };
  let seq = 0;
  // Accepted offers with the sequence of the decision that made them.
  const acceptances: Array<{ readonly repId: RepId; readonly seq: number }> = [];
  // The rep's actor answers when the scheduler delivers the offer, as its mailbox would.
  const offer = async (repId: RepId, o: { leadId: never; at: number; seq: number }): Promise<OfferAnswer> => {
    await s.schedule(Promise.resolve(), `offer to ${repId.slice(-4)}`);
    const entry = actors.get(repId)!;
    entry.actor.send({ type: 'OFFER', leadId: o.leadId, at: o.at, seq: o.seq });
    const answer = entry.actor.getSnapshot().context.lastOffer!;
    if (answer.accepted) acceptances.push({ repId, seq: o.seq });
    return answer;
  };
  const outcomes = await Promise.all(
    Array.from({ length: leads }, async (_, i) => {
      await s.schedule(Promise.resolve(), `lead ${i} arrives`);
      const lead = createActor(leadMachine, { input: { leadId: newId<LeadId>(), priority: 0, receivedAt: NOW } }).start();
      lead.send({ type: 'ROUTE' });
      return routeLead(lead, {
        lead: { email: `lead${i}@acme.test`, attributes: {} },
        policy,
        requestedTeam: null,
        deadlineFor: () => null,
        excluded: new Map(),
        reps: actors,
        nextSeq: () => ++seq,
        now: NOW,
        offer: offer as never,
        pending,
        reserve,
        teams,
      });
    }),
  );
  // The team decides in turn, but its reps answer in whatever order the scheduler delivers: the
  // strategies' promises are about the order of the decisions.
  const accepted = acceptances.sort((a, b) => a.seq - b.seq).map((a) => a.repId);
  return { accepted, outcomes, actors };
}

/** Runs `routeConcurrently` under the scheduler, letting it deliver everything. */
async function underScheduler<T>(s: fc.Scheduler, run: () => Promise<T>): Promise<T> {
  const result = run();
  await s.waitFor(result);
  return result;
}

const repsArb = (weights: fc.Arbitrary<number>, cap: fc.Arbitrary<number | null>) =>
  fc.array(fc.tuple(weights, cap), { minLength: 2, maxLength: 6 }).map((specs) => specs.map(([w, c], i) => repOf(i, w, c)));

describe('routing leads of one team concurrently, in any interleaving', () => {
  it('weighted round robin: after every assignment, no rep is a whole lead ahead of its weighted share or more than 9/8 behind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), repsArb(fc.integer({ min: 1, max: 5 }), fc.constant(null)), fc.integer({ min: 1, max: 40 }), async (s, reps, leads) => {
        const { accepted, outcomes } = await underScheduler(s, () => routeConcurrently(s, reps, 'weighted_round_robin', leads));
        expect(outcomes.every((o) => o.type === 'assigned')).toBe(true);
        expect(accepted).toHaveLength(leads);
        const total = reps.reduce((sum, r) => sum + r.weight, 0);
        const counts = new Map<RepId, number>();
        accepted.forEach((repId, k) => {
          counts.set(repId, (counts.get(repId) ?? 0) + 1);
          for (const rep of reps) {
            const share = ((k + 1) * rep.weight) / total;
            const got = counts.get(rep.id) ?? 0;
            expect(got - share, `${rep.name} (weight ${rep.weight}) after ${k + 1} leads`).toBeLessThan(1);
            expect(share - got, `${rep.name} (weight ${rep.weight}) after ${k + 1} leads`).toBeLessThanOrEqual(9 / 8);
          }
        });
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });

  it('round robin: no rep gets a second lead before every rep got one, at any point', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), repsArb(fc.constant(1), fc.constant(null)), fc.integer({ min: 1, max: 30 }), async (s, reps, leads) => {
        const { accepted } = await underScheduler(s, () => routeConcurrently(s, reps, 'round_robin', leads));
        const counts = new Map<RepId, number>(reps.map((r) => [r.id, 0]));
        for (const repId of accepted) {
          counts.set(repId, (counts.get(repId) ?? 0) + 1);
          expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });

  it('load balanced: every lead goes to a rep with the fewest leads, at any point', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), repsArb(fc.constant(1), fc.constant(null)), fc.integer({ min: 1, max: 30 }), async (s, reps, leads) => {
        const { accepted } = await underScheduler(s, () => routeConcurrently(s, reps, 'load_balanced', leads));
        const counts = new Map<RepId, number>(reps.map((r) => [r.id, 0]));
        for (const repId of accepted) {
          expect(counts.get(repId)).toBe(Math.min(...counts.values()));
          counts.set(repId, (counts.get(repId) ?? 0) + 1);
        }
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });

  it('caps: no rep ever holds more than its cap, each lead is assigned once, and the rest wait', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        repsArb(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 })),
        fc.constantFrom<Strategy>('round_robin', 'weighted_round_robin', 'load_balanced', 'most_available'),
        fc.integer({ min: 1, max: 25 }),
        async (s, reps, strategy, leads) => {
          const { accepted, outcomes, actors } = await underScheduler(s, () => routeConcurrently(s, reps, strategy, leads));
          const capacity = reps.reduce((sum, r) => sum + (r.cap ?? 0), 0);
          const assigned = outcomes.filter((o) => o.type === 'assigned');
          expect(assigned).toHaveLength(Math.min(leads, capacity));
          expect(accepted).toHaveLength(assigned.length);
          expect(outcomes.filter((o) => o.type === 'waiting')).toHaveLength(leads - assigned.length);
          for (const rep of reps) {
            const held = accepted.filter((id) => id === rep.id).length;
            expect(held).toBeLessThanOrEqual(rep.cap ?? Number.POSITIVE_INFINITY);
            expect(actors.get(rep.id)!.actor.getSnapshot().context.activeLeads).toBe(held);
          }
        },
      ),
      { numRuns: 150, seed: 20261204 },
    );
  });
});
