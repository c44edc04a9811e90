import type { LeadId, RepId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { repMachine } from '../src/index.ts';


function rep(options: { cap?: number | null; available?: boolean; activeLeads?: number } = {}) {
  return createActor(repMachine, {
    input: {
      repId: 'r1' as RepId,
      name: 'Sarah',
      cap: options.cap ?? null,
      available: options.available ?? true,
      activeLeads: options.activeLeads ?? 0,
    },
  }).start();
}
const offer = (n: number) => ({ type: 'OFFER' as const, leadId: `l${n}` as LeadId, at: 1000 + n, seq: n });

describe('rep machine', () => {
  it('starts in the state its context calls for', () => {
    expect(rep().getSnapshot().value).toBe('available');
    expect(rep({ available: false }).getSnapshot().value).toBe('away');
    expect(rep({ cap: 2, activeLeads: 2 }).getSnapshot().value).toBe('capped');
  });

  it('accepts offers while available and moves to capped on the offer that reaches the cap', () => {
    const actor = rep({ cap: 2 });
    actor.send(offer(1));
    expect(actor.getSnapshot().value).toBe('available');
    actor.send(offer(2));
    expect(actor.getSnapshot().value).toBe('capped');
    expect(actor.getSnapshot().context).toMatchObject({ activeLeads: 2, lastAssignmentSeq: 2, lastAssignedAt: 1002 });
  });

  it('declines an offer racing for a slot it no longer has', () => {
    const actor = rep({ cap: 1 });
    actor.send(offer(1));
    actor.send(offer(2));
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l2', accepted: false, reason: 'capped' });
    expect(actor.getSnapshot().context.activeLeads).toBe(1);
  });

  it('declines offers while away and takes them again once available', () => {
    const actor = rep();
    actor.send({ type: 'SET_AVAILABLE', available: false });
    actor.send(offer(1));
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l1', accepted: false, reason: 'away' });
    actor.send({ type: 'SET_AVAILABLE', available: true });
    actor.send(offer(2));
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l2', accepted: true });
  });

  it('leaves capped when a lead is released or the cap is raised', () => {
    const actor = rep({ cap: 1, activeLeads: 1 });
    actor.send({ type: 'RELEASE', leadId: 'l0' as LeadId });
    expect(actor.getSnapshot().value).toBe('available');
    actor.send(offer(1));
    expect(actor.getSnapshot().value).toBe('capped');
    actor.send({ type: 'SET_CAP', cap: 5 });
    expect(actor.getSnapshot().value).toBe('available');
  });

  it('stays away when toggled away even if a lead is released', () => {
    const actor = rep({ cap: 1, activeLeads: 1, available: false });
    actor.send({ type: 'RELEASE', leadId: 'l0' as LeadId });
    expect(actor.getSnapshot().value).toBe('away');
    expect(actor.getSnapshot().context.activeLeads).toBe(0);
  });

  it('rejects events it does not know at the type level', () => {
    const actor = rep();
    // @ts-expect-error: OFFER needs a lead id, a time and a sequence number
    actor.send({ type: 'OFFER' });
    // @ts-expect-error: unknown event type
    actor.send({ type: 'TELEPORT' });
    expect(actor.getSnapshot().value).toBe('available');
  });
});
