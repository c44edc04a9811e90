import type { LeadId, RepId, TeamId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { leadMachine } from '../src/index.ts';

const lead = () => createActor(leadMachine, { input: { leadId: 'l1' as LeadId } }).start();

describe('lead machine', () => {
  it('goes new → routing → assigned and records the owner and team', () => {
    const actor = lead();
    expect(actor.getSnapshot().value).toBe('new');
    actor.send({ type: 'ROUTE' });
    expect(actor.getSnapshot().value).toBe('routing');
    actor.send({ type: 'ASSIGNED', repId: 'r1' as RepId, teamId: 't1' as TeamId });
    expect(actor.getSnapshot().value).toBe('assigned');
    expect(actor.getSnapshot().context).toMatchObject({ ownerId: 'r1', teamId: 't1' });
  });

  it('waits with a reason when nobody can take it, and routes again on retry', () => {
    const actor = lead();
    actor.send({ type: 'ROUTE' });
    actor.send({ type: 'NO_CANDIDATE', teamId: 't1' as TeamId, reason: 'everyone is away' });
    expect(actor.getSnapshot().value).toBe('waiting');
    expect(actor.getSnapshot().context.waitingReason).toBe('everyone is away');
    actor.send({ type: 'RETRY' });
    expect(actor.getSnapshot().value).toBe('routing');
  });

  it('ignores an assignment that arrives before routing started', () => {
    const actor = lead();
    actor.send({ type: 'ASSIGNED', repId: 'r1' as RepId, teamId: 't1' as TeamId });
    expect(actor.getSnapshot().value).toBe('new');
    expect(actor.getSnapshot().context.ownerId).toBeNull();
  });

  it('survives a persist and restore round trip', () => {
    const actor = lead();
    actor.send({ type: 'ROUTE' });
    actor.send({ type: 'NO_CANDIDATE', teamId: null, reason: 'no team' });
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    const restored = createActor(leadMachine, { input: { leadId: 'l1' as LeadId }, snapshot: persisted }).start();
    expect(restored.getSnapshot().value).toBe('waiting');
    expect(restored.getSnapshot().context.waitingReason).toBe('no team');
  });
});
