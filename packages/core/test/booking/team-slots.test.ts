import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AvailabilitySchedule,
  bookingPolicySchema,
  formatSlotTime,
  parseOrThrow,
  type TeamMemberCalendar,
  teamSlotOwner,
  teamSlots,
  type WeeklySchedule,
} from '../../src/index.ts';

const at = (iso: string): number => Date.parse(iso);
const policy = parseOrThrow(bookingPolicySchema, { window: 'P1D' });

const weekdays = (from: string, to: string): WeeklySchedule => {
  const day = [{ from, to }];
  return { mon: day, tue: day, wed: day, thu: day, fri: day };
};
const office: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: weekdays('09:00', '17:00') };
const mornings: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: weekdays('09:00', '10:00') };
const afternoons: AvailabilitySchedule = { timezone: 'Europe/Berlin', workingHours: weekdays('16:00', '17:00') };

// Monday 2026-08-03 at 06:00 in Berlin: with 2 hours' notice and a day's window, Monday's slots.
const now = at('2026-08-03T06:00:00+02:00');
const member = (repId: string, lastBookedAt: string | null, schedule = office, busy: TeamMemberCalendar['busy'] = []): TeamMemberCalendar => ({
  repId,
  schedule,
  busy,
  lastBookedAt: lastBookedAt === null ? null : at(lastBookedAt),
});
const readable = (slots: ReadonlyArray<{ start: number; repId: string }>) => slots.map((s) => `${formatSlotTime(s.start, 'Europe/Berlin').slice(11, 16)} ${s.repId}`);

describe('teamSlots', () => {
  it('gives every slot to the member never booked, ahead of those booked before', () => {
    const members = [member('ana', '2026-07-31T10:00:00Z'), member('ben', null), member('cara', '2026-07-01T10:00:00Z')];
    const slots = teamSlots({ members, policy, now });
    expect(slots).toHaveLength(16);
    expect(new Set(slots.map((s) => s.repId))).toEqual(new Set(['ben']));
  });

  it('gives a slot the first choice is busy for to the member booked longest ago', () => {
    const benBusy = [{ start: at('2026-08-03T10:00:00+02:00'), end: at('2026-08-03T11:00:00+02:00') }];
    const members = [member('ana', '2026-07-31T10:00:00Z'), member('ben', null, office, benBusy), member('cara', '2026-07-01T10:00:00Z')];
    const slots = readable(teamSlots({ members, policy, now }));
    expect(slots.slice(0, 5)).toEqual(['09:00 ben', '09:30 ben', '10:00 cara', '10:30 cara', '11:00 ben']);
  });

  it('breaks a tie in last booking by member order, for never-booked members too', () => {
    const busyAllDay = [{ start: at('2026-08-03T00:00:00+02:00'), end: at('2026-08-04T00:00:00+02:00') }];
    const sameTime = '2026-07-31T10:00:00Z';
    expect(readable(teamSlots({ members: [member('ana', sameTime), member('ben', sameTime)], policy, now })).at(0)).toBe('09:00 ana');
    expect(readable(teamSlots({ members: [member('ben', sameTime), member('ana', sameTime)], policy, now })).at(0)).toBe('09:00 ben');
    expect(readable(teamSlots({ members: [member('ana', null), member('ben', null)], policy, now })).at(0)).toBe('09:00 ana');
    // The first in order is busy: the next one gets the slot.
    expect(readable(teamSlots({ members: [member('ana', null, office, busyAllDay), member('ben', null)], policy, now })).at(0)).toBe('09:00 ben');
  });

  it('offers each start once, from whichever members have it', () => {
    const members = [member('ana', null, mornings), member('ben', '2026-07-31T10:00:00Z', afternoons), member('cara', '2026-07-30T10:00:00Z', afternoons)];
    expect(readable(teamSlots({ members, policy, now }))).toEqual(['09:00 ana', '09:30 ana', '16:00 cara', '16:30 cara']);
  });

  it('offers nothing for a team without members', () => {
    expect(teamSlots({ members: [], policy, now })).toEqual([]);
  });

  it('keeps branded rep ids', () => {
    type RepId = string & { readonly __brand: 'RepId' };
    const members: Array<TeamMemberCalendar<RepId>> = [{ repId: 'r1' as RepId, schedule: office, busy: [], lastBookedAt: null }];
    expectTypeOf(teamSlots({ members, policy, now })[0]!.repId).toEqualTypeOf<RepId>();
    expectTypeOf(teamSlotOwner({ members, policy, now, start: now })).toEqualTypeOf<RepId | null>();
  });
});

describe('teamSlotOwner', () => {
  const benBusy = [{ start: at('2026-08-03T10:00:00+02:00'), end: at('2026-08-03T11:00:00+02:00') }];
  const members = [member('ana', '2026-07-31T10:00:00Z'), member('ben', null, office, benBusy), member('cara', '2026-07-01T10:00:00Z')];

  it('names the member teamSlots gave the start to', () => {
    expect(teamSlotOwner({ members, policy, now, start: at('2026-08-03T09:30:00+02:00') })).toBe('ben');
    expect(teamSlotOwner({ members, policy, now, start: at('2026-08-03T10:30:00+02:00') })).toBe('cara');
    for (const slot of teamSlots({ members, policy, now })) expect(teamSlotOwner({ members, policy, now, start: slot.start })).toBe(slot.repId);
  });

  it('names nobody for a start no member has', () => {
    expect(teamSlotOwner({ members, policy, now, start: at('2026-08-03T09:10:00+02:00') })).toBeNull();
    expect(teamSlotOwner({ members, policy, now, start: at('2026-08-03T18:00:00+02:00') })).toBeNull();
  });
});
