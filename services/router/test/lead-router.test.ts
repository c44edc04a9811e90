import { type LeadId, newId, type Rep, type RepId } from '@switchboard/core';
import type { OfferAnswer } from '@switchboard/machines';
import type { LeadRepository, RoutingWrite, RoutingWriter, RoutingWriteResult, StoredLeadActor } from '@switchboard/store';
import { describe, expect, it } from 'vitest';
import { type AdmittedLead, LeadRouter } from '../src/lead-router.ts';
import type { LifecyclePublisher } from '../src/lifecycle-publisher.ts';
import { NOW, repOf, routingStateForTeams, silent } from './routing-fixture.ts';

// The lead router with its store replaced by fakes that keep what was written: every step is
// written before it counts, and a step that does not commit leaves nothing behind.

/** A routing writer that keeps what it was given, and can be told to fail the next write. */
function memoryWriter() {
  const writes: RoutingWrite[] = [];
  const state = { next: 'commit' as 'commit' | 'throw' | 'stale' };
  const writer: RoutingWriter = {
    async write(write): Promise<RoutingWriteResult> {
      const outcome = state.next;
      state.next = 'commit';
      if (outcome === 'throw') throw new Error('connection terminated unexpectedly');
      if (outcome === 'stale') return { committed: false, reason: 'stale-version' };
      writes.push(write);
      return { committed: true, version: write.lead ? write.lead.expectedVersion + 1 : null };
    },
    async drain() {},
  };
  /** The leads as the writes left them. */
  const stored = (): Map<string, RoutingWrite['lead'] & object> => {
    const leads = new Map<string, RoutingWrite['lead'] & object>();
    for (const w of writes) if (w.lead) leads.set(w.lead.leadId, w.lead);
    return leads;
  };
  return { writer, writes, state, stored };
}

async function setUp(options: { cap?: number | null } = {}) {
  const rep = repOf(0, 1, options.cap ?? null);
  return setUpTeams([{ name: 'Sales', strategy: 'round_robin', reps: [rep] }], rep);
}

/** A lead router over these teams; `offerGate`, while set, holds every offer to that rep until it resolves. */
async function setUpTeams(specs: Parameters<typeof routingStateForTeams>[0], rep: Rep, offerGate: { rep?: RepId; until?: Promise<void> } = {}) {
  const { teams, actors, policy } = await routingStateForTeams(specs);
  const { writer, writes, state, stored } = memoryWriter();
  const leads = {
    // A lead no write touched yet is stored as received (version 0).
    async getState(id: string) {
      const lead = stored().get(id);
      return lead ? { state: lead.state, version: lead.expectedVersion + 1 } : { state: 'new', version: 0 };
    },
    // What the store says the rep holds: the leads the writes left assigned to it.
    async countActiveOf(repId: string) {
      return [...stored().values()].filter((l) => l.ownerId === repId && (l.state === 'assigned' || l.state === 'touched')).length;
    },
    async getForActor(id: string): Promise<StoredLeadActor | undefined> {
      const lead = stored().get(id);
      if (!lead) return undefined;
      return {
        snapshot: lead.snapshot,
        version: lead.expectedVersion + 1,
        state: lead.state,
        requestedTeam: null,
        externalId: null,
        traceId: null,
        traceparent: null,
        facts: { email: `${id}@lead.io`, attributes: {} },
      };
    },
  } as unknown as LeadRepository;
  const freed: RepId[] = [];
  const offer = async (repId: RepId, o: { leadId: LeadId; at: number; seq: number }): Promise<OfferAnswer> => {
    if (repId === offerGate.rep) await offerGate.until;
    const entry = actors.get(repId)!;
    entry.actor.send({ type: 'OFFER', ...o });
    return entry.actor.getSnapshot().context.lastOffer!;
  };
  const router = new LeadRouter({
    reps: actors,
    teams,
    policy,
    leads,
    writer,
    timers: () => undefined,
    publisher: { publish() {} } as unknown as LifecyclePublisher,
    logger: silent,
    clock: () => NOW,
    lastAssignmentSeq: 0,
    onCapacityFreed: (repIds) => {
      freed.push(...repIds);
      void router.retryWaiting({ teams: new Set(teams.teamsOf(repIds[0]!).map((t) => t.id)), reps: new Set(repIds) });
    },
    offer,
  });
  const repActor = () => actors.get(rep.id)!.actor.getSnapshot();
  return { router, rep, writes, state, freed, repActor, stored, policy, teamIds: teams };
}

const newLead = (requestedTeam: string | null = null): AdmittedLead => ({
  id: newId<LeadId>(),
  requestedTeam,
  externalId: null,
  version: 0,
  traceId: null,
  cause: 'intake:api',
  receivedAt: NOW,
  facts: { email: 'lead@acme.io', attributes: {} },
});

describe('lead router', () => {
  it('writes an assignment as one step: the lead, its assignment, its log and the rep’s new load', async () => {
    const { router, rep, writes, repActor } = await setUp();
    const lead = newLead();
    expect(await router.admit(lead)).toBe('assigned');
    expect(writes).toHaveLength(1);
    const [write] = writes;
    expect(write?.lead).toMatchObject({ leadId: lead.id, expectedVersion: 0, state: 'assigned', ownerId: rep.id, assignment: { repId: rep.id } });
    expect(write?.lead?.events.map((e) => e.type)).toEqual(['lead.routing', 'lead.assigned']);
    expect(write?.reps).toEqual([expect.objectContaining({ repId: rep.id, activeLeads: 1 })]);
    expect(repActor().context.activeLeads).toBe(1);
    expect(router.holds(lead.id)).toBe(false);
  });

  it('leaves nothing behind when the write fails: the lead is not held, and its rep gets the slot back (and stores it)', async () => {
    const { router, writes, state, repActor } = await setUp();
    const lead = newLead();
    state.next = 'throw';
    await expect(router.admit(lead)).rejects.toThrow('connection terminated unexpectedly');
    // Only the rep, told the offer it accepted was withdrawn, is stored: with nothing held.
    expect(writes.map((w) => [w.lead?.leadId, w.reps?.map((r) => r.activeLeads)])).toEqual([[undefined, [0]]]);
    expect(router.holds(lead.id)).toBe(false);
    expect(repActor().context.activeLeads).toBe(0);
    // Redelivered, it is routed as if the first attempt never was.
    expect(await router.admit(lead)).toBe('assigned');
    expect(repActor().context.activeLeads).toBe(1);
  });

  it('does not route again a lead from a list read before another path routed it: no rep is offered it', async () => {
    const { router, writes, repActor } = await setUp();
    const lead = newLead();
    // Routed through its (redelivered) intake message...
    expect(await router.admit(lead)).toBe('assigned');
    expect(router.holds(lead.id)).toBe(false);
    // ...while a restart's list still had it as new: its row is read again in its mailbox first.
    expect(await router.admit({ ...lead, cause: 'restart', recheck: true })).toBe('already-routing');
    expect(writes).toHaveLength(1);
    expect(repActor().context.activeLeads).toBe(1);
    expect(repActor().context.lastOffer?.leadId).toBe(lead.id);
  });

  it('drops a step whose lead moved on elsewhere (a stale version), and gives the rep its slot back', async () => {
    const { router, writes, state, repActor } = await setUp();
    state.next = 'stale';
    expect(await router.admit(newLead())).toBe('stale');
    expect(writes.map((w) => [w.lead?.leadId, w.reps?.map((r) => r.activeLeads)])).toEqual([[undefined, [0]]]);
    expect(repActor().context.activeLeads).toBe(0);
    // The offer counted in the rep's cap windows is given back too.
    expect(repActor().context.windows.day?.count).toBe(0);
  });

  it('keeps the rep’s stored load right when one of two concurrent steps is stale: the other’s accepted offer is not lost', async () => {
    const { router, writes, state, repActor } = await setUp();
    state.next = 'stale';
    const outcomes = await Promise.all([router.admit(newLead()), router.admit(newLead())]);
    expect(outcomes.sort()).toEqual(['assigned', 'stale']);
    expect(repActor().context.activeLeads).toBe(1);
    // The last state of the rep stored counts the one lead it holds.
    expect(writes.flatMap((w) => w.reps ?? []).at(-1)?.activeLeads).toBe(1);
  });

  it('stores a weighted team’s credits with each assignment, and moves them back for a step that does not commit', async () => {
    const [a, b] = [repOf(0, 1, null), repOf(1, 3, null)];
    const { router, writes, state, policy, teamIds } = await setUpTeams([{ name: 'Weighted', strategy: 'weighted_round_robin', reps: [a!, b!] }], a!);
    const teamId = (await teamIds.find('Weighted'))!.id;
    expect(await router.admit(newLead())).toBe('assigned');
    const credits = new Map(policy.ledgerOf(teamId));
    expect(writes.at(-1)?.ledgers).toEqual([{ teamId, credits }]);
    state.next = 'stale';
    expect(await router.admit(newLead())).toBe('stale');
    expect(new Map(policy.ledgerOf(teamId))).toEqual(credits);
  });

  it('holds a lead nobody can take as waiting, and offers it again when its rep frees a slot', async () => {
    const { router, rep, freed, writes, repActor } = await setUp({ cap: 1 });
    const first = newLead();
    const second = newLead();
    expect(await router.admit(first)).toBe('assigned');
    expect(await router.admit(second)).toBe('waiting');
    expect(router.counts.waiting).toBe(1);
    expect(writes.at(-1)?.lead).toMatchObject({ leadId: second.id, state: 'waiting' });

    // Closing the first frees the rep's slot; the waiting lead goes to it.
    expect(await router.command(first.id, { type: 'close', outcome: 'won' })).toMatchObject({ ok: true, state: 'closed' });
    expect(freed).toEqual([rep.id]);
    await router.retryWaiting();
    expect(router.counts.waiting).toBe(0);
    expect(writes.at(-1)?.lead).toMatchObject({ leadId: second.id, state: 'assigned', ownerId: rep.id });
    expect(repActor().context.activeLeads).toBe(1);
  });

  it('refuses a command that does not fit the lead’s state, and one from a rep who does not own it', async () => {
    const { router } = await setUp();
    const lead = newLead();
    await router.admit(lead);
    expect(await router.command(lead.id, { type: 'reject', repId: newId<RepId>(), reason: 'not mine' })).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining("only the lead's owner can reject it"),
    });
    expect(await router.command(lead.id, { type: 'close', outcome: 'won' })).toMatchObject({ ok: true });
    expect(await router.command(lead.id, { type: 'close', outcome: 'won' })).toMatchObject({ ok: false, message: expect.stringContaining('is already closed') });
    expect(await router.command(newId<LeadId>(), { type: 'close', outcome: 'won' })).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('retries each team’s waiting line on its own: a team whose rep is slow to answer holds up no other team', async () => {
    const [slow, other] = [repOf(0, 1, 1), repOf(1, 1, 1)];
    const gate: { rep?: RepId; until?: Promise<void> } = {};
    const { router, stored } = await setUpTeams(
      [
        { name: 'Inbound', strategy: 'round_robin', reps: [slow!] },
        { name: 'Partners', strategy: 'round_robin', reps: [other!] },
      ],
      slow!,
      gate,
    );
    const [inbound1, inbound2, partners1, partners2] = [newLead('Inbound'), newLead('Inbound'), newLead('Partners'), newLead('Partners')];
    for (const lead of [inbound1, inbound2, partners1, partners2]) await router.admit(lead);
    expect(router.counts.waiting).toBe(2);

    // From now on the Inbound rep answers only when told to.
    let answer!: () => void;
    gate.rep = slow!.id;
    gate.until = new Promise<void>((resolve) => (answer = resolve));
    await router.command(inbound1.id, { type: 'close', outcome: 'won' });
    await router.command(partners1.id, { type: 'close', outcome: 'won' });
    // Partners' waiting lead is assigned while Inbound's retry still waits for its rep's answer.
    await expect.poll(() => stored().get(partners2.id)?.state).toBe('assigned');
    expect(stored().get(inbound2.id)?.state).toBe('waiting');
    answer();
    await expect.poll(() => stored().get(inbound2.id)?.state).toBe('assigned');
    expect(stored().get(inbound2.id)?.ownerId).toBe(slow!.id);
    expect(router.counts.waiting).toBe(0);
  });
});
