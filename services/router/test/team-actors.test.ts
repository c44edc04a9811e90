import { type LeadId, newId, type RepId, type TeamId } from '@switchboard/core';
import { leadMachine, type OfferAnswer } from '@switchboard/machines';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { Mailboxes } from '../src/mailboxes.ts';
import { routeLead, type RoutingStepContext } from '../src/route-lead.ts';
import { NOW, repOf, routingStateForTeams } from './routing-fixture.ts';

// A team's mailbox is held from a decision to its offer's send, not through the rep's answer:
// held through it, one team's leads waited for each offer's round trip in turn (the NATS path
// fell to 756 leads/s), and nothing else may wait on a rep that is slow to answer.

describe('team mailboxes', () => {
  it('let other teams, and the same team’s next leads, go on while a rep has not answered', { timeout: 10_000 }, async () => {
    const [slow, quick, other] = [repOf(0, 1, null), repOf(1, 1, null), repOf(2, 1, null)];
    const { teamList, actors, policy } = await routingStateForTeams([
      { name: 'Inbound', strategy: 'round_robin', reps: [slow!, quick!] },
      { name: 'Partners', strategy: 'round_robin', reps: [other!] },
    ]);
    const [inbound, partners] = teamList.map((team) => policy.policy.teamsById.get(team.id)!);
    // The first rep offered a lead does not answer until told to.
    let answerSlow: (() => void) | undefined;
    const offer = async (repId: RepId, o: { leadId: LeadId; at: number; seq: number }): Promise<OfferAnswer> => {
      if (repId === slow!.id) await new Promise<void>((resolve) => (answerSlow = resolve));
      const entry = actors.get(repId)!;
      entry.actor.send({ type: 'OFFER', ...o });
      return entry.actor.getSnapshot().context.lastOffer!;
    };
    let seq = 0;
    // Offers in flight count as held, as the lead router counts them.
    const pending = new Map<RepId, { count: number; seq: number }>();
    const reserve = (repId: RepId, s: number) => {
      pending.set(repId, { count: (pending.get(repId)?.count ?? 0) + 1, seq: s });
      return () => pending.delete(repId);
    };
    const mailboxes = new Mailboxes<TeamId>();
    const step = (requestedTeam: typeof inbound): RoutingStepContext => ({
      lead: { email: 'lead@acme.test', attributes: {} },
      policy,
      requestedTeam: requestedTeam ?? null,
      deadlineFor: () => null,
      excluded: new Map(),
      reps: actors,
      nextSeq: () => ++seq,
      now: NOW,
      offer,
      pending,
      reserve,
      teams: mailboxes,
    });
    const route = (context: RoutingStepContext) => {
      const lead = createActor(leadMachine, { input: { leadId: newId<LeadId>() } }).start();
      lead.send({ type: 'ROUTE' });
      return routeLead(lead, context);
    };

    const first = route(step(inbound));
    const elsewhere = await route(step(partners));
    const next = await route(step(inbound));
    expect(elsewhere).toMatchObject({ type: 'assigned', rep: { profile: { id: other!.id } } });
    expect(next).toMatchObject({ type: 'assigned', rep: { profile: { id: quick!.id } } });

    answerSlow?.();
    expect(await first).toMatchObject({ type: 'assigned', rep: { profile: { id: slow!.id } } });
  });
});
