import type { LeadId, RepId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { nextRepChange, REP_MACHINE_VERSION, repFromStore, repMachine, type RepProfileContext, repSnapshotForStore, repUnavailabilityDetail, SnapshotVersionError } from '../src/index.ts';


function rep(options: { cap?: number | null; available?: boolean; activeLeads?: number } = {}) {
  return createActor(repMachine, {
    input: {
      repId: 'r1' as RepId,
      name: 'Sarah',
      cap: options.cap ?? null,
      available: options.available ?? true,
      activeLeads: options.activeLeads ?? 0,
      at: 1000,
    },
  }).start();
}
/** The rep's profile as its row has it, which a stored snapshot is read back with. */
const PROFILE: RepProfileContext = { name: 'Sarah', cap: 3, caps: {}, available: true, awayReason: null, active: true, schedule: { timezone: 'UTC' }, busy: [] };
const offer = (n: number) => ({ type: 'OFFER' as const, leadId: `l${n}` as LeadId, at: 1000 + n, seq: n });

describe('rep machine', () => {
  it('starts in the state its context calls for', () => {
    expect(rep().getSnapshot().value).toBe('available');
    expect(rep({ available: false }).getSnapshot().value).toBe('away');
    expect(rep({ cap: 2, activeLeads: 2 }).getSnapshot().value).toBe('capped');
  });

  it('gives back a withdrawn offer’s slot and its count in each cap window, and takes a withdrawn release back', () => {
    const actor = rep({ cap: 2 });
    actor.send(offer(1));
    actor.send(offer(2));
    expect(actor.getSnapshot().value).toBe('capped');
    actor.send({ type: 'OFFER_WITHDRAWN', leadId: 'l2' as LeadId, at: 1002 });
    expect(actor.getSnapshot().value).toBe('available');
    expect(actor.getSnapshot().context.activeLeads).toBe(1);
    expect(actor.getSnapshot().context.windows.day?.count).toBe(1);
    actor.send({ type: 'RELEASE', leadId: 'l1' as LeadId, at: 1003 });
    actor.send({ type: 'RELEASE_WITHDRAWN', leadId: 'l1' as LeadId });
    expect(actor.getSnapshot().context.activeLeads).toBe(1);
  });

  it('gives the rep its round-robin place back when its latest accepted offer is withdrawn, and only then', () => {
    const actor = rep();
    actor.send(offer(1));
    actor.send(offer(2));
    actor.send({ type: 'OFFER_WITHDRAWN', leadId: 'l2' as LeadId, at: 1002 });
    expect(actor.getSnapshot().context).toMatchObject({ lastAssignmentSeq: 1, lastAssignedAt: 1001 });
    // An earlier offer withdrawn after a later one was accepted leaves the later one's place.
    actor.send(offer(3));
    actor.send({ type: 'OFFER_WITHDRAWN', leadId: 'l1' as LeadId, at: 1001 });
    expect(actor.getSnapshot().context).toMatchObject({ lastAssignmentSeq: 3, lastAssignedAt: 1003, activeLeads: 1 });
  });

  it('does not take a withdrawn offer out of a cap window that has rolled over since', () => {
    const actor = rep();
    const day = 86_400_000;
    actor.send({ ...offer(1), at: 1000 });
    actor.send({ ...offer(2), at: day + 1000 });
    actor.send({ type: 'OFFER_WITHDRAWN', leadId: 'l1' as LeadId, at: 1000 });
    expect(actor.getSnapshot().context.windows.day?.count).toBe(1);
    expect(actor.getSnapshot().context.activeLeads).toBe(1);
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
    actor.send({ type: 'UPDATE', at: 1000, available: false });
    actor.send(offer(1));
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l1', accepted: false, reason: 'away' });
    actor.send({ type: 'UPDATE', at: 1000, available: true });
    actor.send(offer(2));
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l2', accepted: true });
  });

  it('leaves capped when a lead is released or the cap is raised', () => {
    const actor = rep({ cap: 1, activeLeads: 1 });
    actor.send({ type: 'RELEASE', leadId: 'l0' as LeadId });
    expect(actor.getSnapshot().value).toBe('available');
    actor.send(offer(1));
    expect(actor.getSnapshot().value).toBe('capped');
    actor.send({ type: 'UPDATE', at: 1000, cap: 5 });
    expect(actor.getSnapshot().value).toBe('available');
  });

  it('stays away when toggled away even if a lead is released', () => {
    const actor = rep({ cap: 1, activeLeads: 1, available: false });
    actor.send({ type: 'RELEASE', leadId: 'l0' as LeadId });
    expect(actor.getSnapshot().value).toBe('away');
    expect(actor.getSnapshot().context.activeLeads).toBe(0);
  });

  it('rejects malformed events at the type level', () => {
    const actor = rep();
    // Type-level only: never called, so nothing malformed reaches the actor at run time.
    const typeChecks = () => {
      // @ts-expect-error: OFFER needs a lead id, a time and a sequence number
      actor.send({ type: 'OFFER' });
      // @ts-expect-error: unknown event type
      actor.send({ type: 'TELEPORT' });
    };
    expect(typeof typeChecks).toBe('function');
    expect(actor.getSnapshot().value).toBe('available');
  });
});

describe('rep machine with a schedule', () => {
  // Monday 2026-11-23 in Berlin (UTC+1): 08:00 local is 07:00Z.
  const monday = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00+01:00`);
  const scheduled = (at: number, extra: Partial<Parameters<typeof createActor<typeof repMachine>>[1] extends { input: infer I } ? I : never> = {}) =>
    createActor(repMachine, {
      input: {
        repId: 'r1' as RepId,
        name: 'Sarah',
        cap: null,
        available: true,
        at,
        schedule: { timezone: 'Europe/Berlin', workingHours: { mon: [{ from: '09:00', to: '18:00' }] } },
        ...extra,
      },
    }).start();

  it('is offline outside its working hours and comes on shift with a tick', () => {
    const actor = scheduled(monday('08:00'));
    expect(actor.getSnapshot().value).toBe('offline');
    actor.send(offer(1));
    expect(actor.getSnapshot().context.lastOffer).toMatchObject({ accepted: false, reason: 'offline' });
    actor.send({ type: 'TICK', at: monday('09:00') });
    expect(actor.getSnapshot().value).toBe('available');
  });

  it('is away during an out-of-office period, and back after it', () => {
    const actor = scheduled(monday('10:00'), {
      schedule: {
        timezone: 'Europe/Berlin',
        workingHours: { mon: [{ from: '09:00', to: '18:00' }] },
        outOfOffice: [{ from: new Date(monday('11:00')), to: new Date(monday('12:00')) }],
      },
    });
    expect(actor.getSnapshot().value).toBe('available');
    actor.send({ type: 'TICK', at: monday('11:30') });
    expect(actor.getSnapshot().value).toBe('away');
    actor.send({ type: 'TICK', at: monday('12:00') });
    expect(actor.getSnapshot().value).toBe('available');
  });

  it('caps at its hourly cap and frees up when the hour rolls over', () => {
    const actor = scheduled(monday('10:00'), { caps: { hour: 2 } });
    actor.send({ type: 'OFFER', leadId: 'a' as LeadId, at: monday('10:05'), seq: 1 });
    actor.send({ type: 'OFFER', leadId: 'b' as LeadId, at: monday('10:10'), seq: 2 });
    expect(actor.getSnapshot().value).toBe('capped');
    actor.send({ type: 'TICK', at: monday('11:00') });
    expect(actor.getSnapshot().value).toBe('available');
    expect(actor.getSnapshot().context.activeLeads).toBe(2);
  });

  it('is inactive once deactivated, whatever else holds', () => {
    const actor = scheduled(monday('10:00'));
    actor.send({ type: 'UPDATE', at: monday('10:01'), active: false });
    expect(actor.getSnapshot().value).toBe('inactive');
    actor.send(offer(9));
    expect(actor.getSnapshot().context.lastOffer).toMatchObject({ accepted: false, reason: 'inactive' });
  });

  it('guards its daily rejection limit: past it a rejection is refused, and a new UTC day starts over', () => {
    const actor = createActor(repMachine, { input: { repId: 'r1' as RepId, name: 'Sarah', cap: null, available: true, at: 1000, maxRejectionsPerDay: 2 } }).start();
    const rejected = (n: number, at: number) => ({ type: 'REJECTED' as const, leadId: `l${n}` as LeadId, at });
    expect(actor.getSnapshot().can(rejected(1, 2000))).toBe(true);
    actor.send(rejected(1, 2000));
    actor.send(rejected(2, 3000));
    expect(actor.getSnapshot().context.rejections).toEqual({ day: 0, count: 2 });
    expect(actor.getSnapshot().can(rejected(3, 4000))).toBe(false);
    actor.send(rejected(3, 4000));
    expect(actor.getSnapshot().context.rejections).toEqual({ day: 0, count: 2 });
    expect(actor.getSnapshot().can(rejected(4, 86_400_000 + 1))).toBe(true);
  });

  it('is stored with its machine version and without its profile, read back with the profile the row has now; counters of version 1 are read as counters; a newer version is refused', () => {
    const actor = rep({ cap: 3 });
    actor.send(offer(1));
    const stored = repSnapshotForStore(actor);
    expect(stored.machineVersion).toBe(REP_MACHINE_VERSION);
    expect(Object.keys(stored.context as object)).not.toContain('schedule');
    expect(Object.keys(stored.context as object)).not.toContain('name');
    const kept = repFromStore(JSON.parse(JSON.stringify(stored)), { ...PROFILE, name: 'Sarah Lee' });
    if (kept.kind !== 'snapshot') throw new Error('expected a whole snapshot');
    const restored = createActor(repMachine, { input: { repId: 'r1' as RepId, name: 'x', cap: null, available: true, at: 0 }, snapshot: kept.snapshot }).start();
    expect(restored.getSnapshot().context).toMatchObject({ activeLeads: 1, cap: 3, lastAssignmentSeq: 1, name: 'Sarah Lee' });
    expect(repFromStore({ windows: { day: { start: 0, count: 2 } } }, PROFILE)).toEqual({ kind: 'counters', windows: { day: { start: 0, count: 2 } } });
    expect(() => repFromStore({ ...stored, machineVersion: REP_MACHINE_VERSION + 1 }, PROFILE)).toThrow(SnapshotVersionError);
  });

  it('reads a version 2 snapshot (no accepted offer kept) as one with nothing to give back', () => {
    const actor = rep();
    actor.send(offer(1));
    const v2 = JSON.parse(JSON.stringify(repSnapshotForStore(actor)));
    delete v2.context.lastAccepted;
    v2.machineVersion = 2;
    const kept = repFromStore(v2, PROFILE);
    if (kept.kind !== 'snapshot') throw new Error('expected a whole snapshot');
    const restored = createActor(repMachine, { input: { repId: 'r1' as RepId, name: 'x', cap: null, available: true, at: 0 }, snapshot: kept.snapshot }).start();
    restored.send({ type: 'OFFER_WITHDRAWN', leadId: 'l1' as LeadId, at: 1001 });
    expect(restored.getSnapshot().context).toMatchObject({ lastAccepted: null, lastAssignmentSeq: 1, activeLeads: 0 });
  });
});

describe('rep machine: meetings from calendars', () => {
  // 2026-12-07 is a Monday; the rep works in Berlin (UTC+1 in December).
  const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00+01:00`);
  const meeting = { start: at('14:00'), end: at('14:30') };
  const start = (now: number, cap: number | null = null, activeLeads = 0) =>
    createActor(repMachine, {
      input: { repId: 'r1' as RepId, name: 'Sarah', cap, available: true, activeLeads, at: now, schedule: { timezone: 'Europe/Berlin' }, busy: [meeting] },
    }).start();

  it('is busy during a meeting, says until when, and is available again at its end', () => {
    const actor = start(at('13:59'));
    expect(actor.getSnapshot().value).toBe('available');
    expect(nextRepChange(actor.getSnapshot().context)).toBe(meeting.start);
    actor.send({ type: 'TICK', at: meeting.start });
    expect(actor.getSnapshot().value).toBe('busy');
    expect(repUnavailabilityDetail(actor.getSnapshot().context)).toEqual({ reason: 'busy', detail: 'in a meeting until 14:30' });
    expect(nextRepChange(actor.getSnapshot().context)).toBe(meeting.end);
    actor.send({ type: 'TICK', at: meeting.end });
    expect(actor.getSnapshot().value).toBe('available');
  });

  it('declines an offer while busy, unless the team allows busy reps; a cap still holds then', () => {
    const actor = start(at('14:10'), 1);
    actor.send({ type: 'OFFER', leadId: 'l1' as LeadId, at: at('14:11'), seq: 1 });
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l1', accepted: false, reason: 'busy' });
    actor.send({ type: 'OFFER', leadId: 'l2' as LeadId, at: at('14:12'), seq: 2, allowBusy: true });
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l2', accepted: true });
    actor.send({ type: 'OFFER', leadId: 'l3' as LeadId, at: at('14:13'), seq: 3, allowBusy: true });
    expect(actor.getSnapshot().context.lastOffer).toEqual({ leadId: 'l3', accepted: false, reason: 'capped' });
  });

  it('names the day of a meeting that ends on another day, and takes new busy time from an update', () => {
    const actor = start(at('09:00'));
    const overnight = { start: at('09:00'), end: Date.parse('2026-12-08T10:00:00+01:00') };
    actor.send({ type: 'UPDATE', at: at('09:05'), busy: [overnight] });
    expect(actor.getSnapshot().value).toBe('busy');
    expect(repUnavailabilityDetail(actor.getSnapshot().context)?.detail).toBe('in a meeting until 8 Dec, 10:00');
    actor.send({ type: 'UPDATE', at: at('09:06'), busy: [] });
    expect(actor.getSnapshot().value).toBe('available');
  });

  it('restores a version 3 snapshot, which kept its profile and knew no calendars, with the row’s profile and busy time', () => {
    const actor = rep();
    const persisted = actor.getPersistedSnapshot() as unknown as { context: Record<string, unknown> };
    const context = { ...persisted.context };
    delete context.busy;
    const kept = repFromStore({ ...persisted, context: { ...context, name: 'Old name' }, machineVersion: 3 }, { ...PROFILE, busy: [meeting] });
    expect(kept.kind === 'snapshot' && kept.snapshot.context).toMatchObject({ busy: [meeting], name: 'Sarah' });
  });
});
