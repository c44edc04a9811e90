import type { LeadId, RepId, TeamId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { LEAD_MACHINE_VERSION, leadMachine, leadSnapshotForStore, leadSnapshotFromStore, LeadTag, SnapshotVersionError } from '../src/index.ts';

const r1 = 'r1' as RepId;
const r2 = 'r2' as RepId;
const t1 = 't1' as TeamId;
const lead = () => createActor(leadMachine, { input: { leadId: 'l1' as LeadId } }).start();
const assigned = (repId = r1, deadlineAt: number | null = 10_000, maxBreaches?: number) => {
  const actor = lead();
  actor.send({ type: 'ROUTE' });
  actor.send({ type: 'ASSIGNED', repId, teamId: t1, deadlineAt, ...(maxBreaches !== undefined && { maxBreaches }) });
  return actor;
};

describe('lead machine', () => {
  it('goes new → routing → assigned with its owner, team and response deadline', () => {
    const actor = assigned();
    expect(actor.getSnapshot().value).toBe('assigned');
    expect(actor.getSnapshot().context).toMatchObject({ ownerId: 'r1', teamId: 't1', slaDeadlineAt: 10_000 });
  });

  it('waits with a reason and the time it started waiting, and routes again on retry', () => {
    const actor = lead();
    actor.send({ type: 'ROUTE' });
    actor.send({ type: 'NO_CANDIDATE', teamId: t1, reason: 'everyone is away', at: 500 });
    expect(actor.getSnapshot().value).toBe('waiting');
    expect(actor.getSnapshot().context).toMatchObject({ waitingReason: 'everyone is away', waitingSince: 500 });
    actor.send({ type: 'RETRY' });
    expect(actor.getSnapshot().value).toBe('routing');
  });

  it('is touched, which replaces the response deadline with the follow-up deadline', () => {
    const actor = assigned();
    actor.send({ type: 'TOUCH', touch: 'call', at: 2_000, followUpDeadlineAt: 50_000 });
    expect(actor.getSnapshot().value).toBe('touched');
    expect(actor.getSnapshot().context).toMatchObject({ touches: 1, lastTouchAt: 2_000, slaDeadlineAt: 50_000 });
    actor.send({ type: 'TOUCH', touch: 'email', at: 3_000, followUpDeadlineAt: null });
    expect(actor.getSnapshot().context).toMatchObject({ touches: 2, slaDeadlineAt: null });
  });

  it('breaches when its current deadline runs out and goes back to routing, remembering who breached', () => {
    const actor = assigned(r1, 10_000);
    actor.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    expect(actor.getSnapshot().value).toBe('routing');
    expect(actor.getSnapshot().context).toMatchObject({ breaches: 1, breachedBy: ['r1'], ownerId: null, slaDeadlineAt: null });
    actor.send({ type: 'ASSIGNED', repId: r2, teamId: t1, deadlineAt: 20_000 });
    expect(actor.getSnapshot().context).toMatchObject({ ownerId: 'r2', breachedBy: ['r1'] });
  });

  it('ignores a timer for a deadline that is no longer current (it was touched meanwhile)', () => {
    const actor = assigned(r1, 10_000);
    actor.send({ type: 'TOUCH', touch: 'call', at: 5_000, followUpDeadlineAt: 90_000 });
    actor.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    expect(actor.getSnapshot().value).toBe('touched');
    expect(actor.getSnapshot().context.breaches).toBe(0);
  });

  it('escalates instead of re-routing once the policy’s maximum of breaches is reached, to the breaching owner’s manager', () => {
    const actor = assigned(r1, 10_000, 2);
    actor.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    actor.send({ type: 'ASSIGNED', repId: r2, teamId: t1, deadlineAt: 20_000, maxBreaches: 2, managerId: 'boss' as RepId });
    actor.send({ type: 'SLA_EXPIRED', deadlineAt: 20_000 });
    expect(actor.getSnapshot().value).toBe('escalated');
    expect(actor.getSnapshot().context).toMatchObject({ breaches: 2, breachedBy: ['r1', 'r2'], ownerId: 'boss', waitingReason: null });
  });

  it('escalates to the escalation queue when the owner has no manager, or to the queue the team’s SLA names', () => {
    const noManager = assigned(r1, 10_000, 1);
    noManager.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    expect(noManager.getSnapshot().context).toMatchObject({ ownerId: null, waitingReason: 'escalated to queue escalations' });
    const toQueue = lead();
    toQueue.send({ type: 'ROUTE' });
    toQueue.send({ type: 'ASSIGNED', repId: r1, teamId: t1, deadlineAt: 10_000, maxBreaches: 1, escalateTo: 'Team leads', managerId: 'boss' as RepId });
    toQueue.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    expect(toQueue.getSnapshot().context).toMatchObject({ ownerId: null, waitingReason: 'escalated to queue Team leads' });
  });

  it('tags the states that hold a lead against its owner, and the closed ones', () => {
    const actor = assigned();
    expect(actor.getSnapshot().hasTag(LeadTag.holding)).toBe(true);
    actor.send({ type: 'TOUCH', touch: 'call', at: 1, followUpDeadlineAt: null });
    expect(actor.getSnapshot().hasTag(LeadTag.holding)).toBe(true);
    actor.send({ type: 'CLOSE', outcome: 'won', converted: false });
    expect(actor.getSnapshot().hasTag(LeadTag.holding)).toBe(false);
    expect(actor.getSnapshot().hasTag(LeadTag.closed)).toBe(true);
  });

  it('stores its snapshot with the machine version, upgrades a version 1 snapshot, and refuses a newer one', () => {
    const actor = assigned(r1, 10_000, 1);
    const stored = leadSnapshotForStore(actor);
    expect(stored.machineVersion).toBe(LEAD_MACHINE_VERSION);
    const upgrade = { escalationOf: () => ({ escalateTo: 'Night desk', ownerManagerId: null }) };
    expect(createActor(leadMachine, { input: { leadId: 'l1' as LeadId }, snapshot: leadSnapshotFromStore(stored, upgrade) }).start().getSnapshot().context.escalateTo).toBe('manager');

    // Version 1 had no escalation target in its context: the router supplies it.
    const v1 = { ...stored };
    delete v1.machineVersion;
    const context = { ...(v1.context as Record<string, unknown>) };
    delete context.escalateTo;
    delete context.ownerManagerId;
    const restored = createActor(leadMachine, { input: { leadId: 'l1' as LeadId }, snapshot: leadSnapshotFromStore({ ...v1, context }, upgrade) }).start();
    restored.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    expect(restored.getSnapshot().context.waitingReason).toBe('escalated to queue Night desk');

    expect(() => leadSnapshotFromStore({ ...stored, machineVersion: LEAD_MACHINE_VERSION + 1 }, upgrade)).toThrow(SnapshotVersionError);
    expect(() => leadSnapshotFromStore({ ...stored, machineVersion: LEAD_MACHINE_VERSION + 1 }, upgrade)).toThrow(
      `a stored lead snapshot was written by machine version ${LEAD_MACHINE_VERSION + 1}, newer than this code's ${LEAD_MACHINE_VERSION}`,
    );
  });

  it('is rejected only by its owner, and then routed again without that rep', () => {
    const actor = assigned(r1);
    actor.send({ type: 'REJECT', repId: r2, reason: 'not mine' });
    expect(actor.getSnapshot().value).toBe('assigned');
    actor.send({ type: 'REJECT', repId: r1, reason: 'wrong language' });
    expect(actor.getSnapshot().value).toBe('routing');
    expect(actor.getSnapshot().context).toMatchObject({ rejectedBy: ['r1'], ownerId: null });
  });

  it('closes or converts, and then nothing moves it', () => {
    const closed = assigned();
    closed.send({ type: 'CLOSE', outcome: 'lost', converted: false });
    expect(closed.getSnapshot().value).toBe('closed');
    expect(closed.getSnapshot().status).toBe('done');
    const converted = assigned();
    converted.send({ type: 'TOUCH', touch: 'meeting', at: 1, followUpDeadlineAt: null });
    converted.send({ type: 'CLOSE', outcome: 'converted', converted: true });
    expect(converted.getSnapshot().value).toBe('converted');
    expect(converted.getSnapshot().context.outcome).toBe('converted');
  });

  it('refuses a touch before it has an owner', () => {
    const actor = lead();
    expect(actor.getSnapshot().can({ type: 'TOUCH', touch: 'call', at: 1, followUpDeadlineAt: null })).toBe(false);
  });

  it('survives a persist and restore round trip with its deadline', () => {
    const actor = assigned(r1, 123_456);
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    const restored = createActor(leadMachine, { input: { leadId: 'l1' as LeadId }, snapshot: persisted }).start();
    expect(restored.getSnapshot().value).toBe('assigned');
    restored.send({ type: 'SLA_EXPIRED', deadlineAt: 123_456 });
    expect(restored.getSnapshot().context.breachedBy).toEqual(['r1']);
  });
});

describe('lead machine: bookings', () => {
  const booking = { bookingId: 'b1', repId: r1, start: '2026-12-07T09:00:00.000Z', end: '2026-12-07T09:30:00.000Z', timeZone: 'UTC', replaces: null };

  it('takes a booking as a meeting touch once: the same booking announced again is refused, and logged nowhere', () => {
    const actor = assigned();
    const logged: string[] = [];
    actor.on('*', (emitted) => logged.push(emitted.type));
    const booked = { type: 'BOOKED' as const, at: 1000, booking, followUpDeadlineAt: null };
    actor.send(booked);
    expect(actor.getSnapshot().value).toBe('touched');
    expect(actor.getSnapshot().context).toMatchObject({ touches: 1, slaDeadlineAt: null });
    expect(actor.getSnapshot().can(booked)).toBe(false);
    actor.send(booked);
    expect(actor.getSnapshot().context.touches).toBe(1);
    const cancelled = { type: 'BOOKING_CANCELLED' as const, booking: { bookingId: 'b1', repId: r1, start: booking.start } };
    actor.send(cancelled);
    expect(actor.getSnapshot().can(cancelled)).toBe(false);
    expect(logged).toEqual(['lead.booked', 'lead.touched', 'lead.booking_cancelled']);
  });
});
