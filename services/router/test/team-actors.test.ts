import { type LeadId, newId, type RepId, type TeamId } from '@switchboard/core';
import { leadMachine, type OfferAnswer } from '@switchboard/machines';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { TeamActors } from '../src/team-actors.ts';
import { routeLead, type RoutingStepContext } from '../src/route-lead.ts';
import { NOW, repOf, routingStateForTeams } from './routing-fixture.ts';

// A team's mailbox is held from a decision to its offer's send, not through the rep's answer:
// held through it, one team's leads waited for each offer's round trip in turn (the NATS path
// fell to 756 leads/s), and nothing else may wait on a rep that is slow to answer.

describe('team actors: decisions', () => {
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
    const teams = new TeamActors();
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
      teams,
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

describe('team actors: waiting lines', () => {
  const [inbound, partners] = ['t-inbound', 't-partners'] as [TeamId, TeamId];
  const place = (id: string, teamId: TeamId | null, priority = 0, receivedAt = 0) => ({ id: id as LeadId, teamId, priority, receivedAt, waitingSince: receivedAt });

  it('keeps one line per team in line order, moves a lead whose team changed, and drops one that stopped waiting', async () => {
    const teams = new TeamActors();
    teams.place('old' as LeadId, place('old', inbound, 0, 1));
    teams.place('urgent' as LeadId, place('urgent', inbound, 5, 9));
    teams.place('new' as LeadId, place('new', inbound, 0, 5));
    teams.place('elsewhere' as LeadId, place('elsewhere', null, 0, 0));
    const lineOf = async (teamId: TeamId | null) => {
      let ids: string[] = [];
      await teams.pass(teamId, async (line) => {
        ids = line.map((p) => p.id);
      });
      return ids;
    };
    expect(await lineOf(inbound)).toEqual(['urgent', 'old', 'new']);
    expect(await lineOf(null)).toEqual(['elsewhere']);
    teams.place('old' as LeadId, place('old', partners, 0, 1));
    teams.place('urgent' as LeadId, undefined);
    expect(await lineOf(inbound)).toEqual(['new']);
    expect(await lineOf(partners)).toEqual(['old']);
    expect(teams.waiting).toBe(3);
    expect(teams.oldestSince()).toBe(0);
    expect(teams.lineOf('urgent' as LeadId)).toBeUndefined();
    expect([...teams.teamsWithLines()].sort()).toEqual([null, inbound, partners].sort());
  });

  it('runs one team’s passes one after another, and another team’s pass meanwhile', async () => {
    const teams = new TeamActors();
    teams.place('a' as LeadId, place('a', inbound));
    teams.place('b' as LeadId, place('b', partners));
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = teams.pass(inbound, async () => {
      order.push('inbound 1 starts');
      await held;
      order.push('inbound 1 ends');
    });
    const second = teams.pass(inbound, async () => {
      order.push('inbound 2');
    });
    await teams.pass(partners, async () => {
      order.push('partners');
    });
    expect(order).toEqual(['inbound 1 starts', 'partners']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['inbound 1 starts', 'partners', 'inbound 1 ends', 'inbound 2']);
  });
});
