import type { AvailabilitySchedule } from '../availability-schedule.ts';
import type { BusyBlock } from '../busy-block.ts';
import type { BookingPolicy } from './booking-policy.ts';
import { type BookingSlot, freeSlots, isSlotFree } from './free-slots.ts';

/** What team booking reads of one member. */
export interface TeamMemberCalendar<Id extends string = string> {
  readonly repId: Id;
  readonly schedule: AvailabilitySchedule;
  /** Time the rep's calendar shows as taken, existing bookings included. */
  readonly busy: ReadonlyArray<BusyBlock>;
  /** When the rep was last booked through a booking link (epoch ms), or `null` if never. */
  readonly lastBookedAt: number | null;
}

/** What `teamSlots` reads. */
export interface TeamSlotsInput<Id extends string = string> {
  /** The team's members in member order, the last tie-break. */
  readonly members: ReadonlyArray<TeamMemberCalendar<Id>>;
  readonly policy: BookingPolicy;
  /** The current time, epoch ms. */
  readonly now: number;
}

/** What `teamSlotOwner` checks: a start the prospect picked. */
export interface TeamSlotCheckInput<Id extends string = string> extends TeamSlotsInput<Id> {
  /** The slot's start, epoch ms. */
  readonly start: number;
}

/** A team slot and the member it goes to. */
export interface TeamBookingSlot<Id extends string = string> extends BookingSlot {
  readonly repId: Id;
}

/** Members in the order they get a slot: never booked first, then booked longest ago, then member order. */
function byRotation<Id extends string>(members: ReadonlyArray<TeamMemberCalendar<Id>>): Array<TeamMemberCalendar<Id>> {
  const rank = (m: TeamMemberCalendar<Id>) => m.lastBookedAt ?? Number.NEGATIVE_INFINITY;
  // Array#sort is stable, so equal ranks keep member order.
  return [...members].sort((a, b) => (rank(a) === rank(b) ? 0 : rank(a) < rank(b) ? -1 : 1));
}

/**
 * A team's bookable slots, round robin as Cal.com does it: every start at which some member has
 * a slot (`freeSlots`), once, ascending, each going to the member free then who was booked least
 * recently — never booked first, ties in member order.
 *
 * @throws ValidationError if a member's time zone, time of day or holiday can't be read.
 * @throws RangeError if `now` or a duration of the policy is not a finite number.
 * @example
 * teamSlots({ members: [ana, ben], policy, now });
 * // [{ start, end, repId: 'ben' }, …]: Ben was booked longer ago than Ana, so he gets the slots both have
 */
export function teamSlots<Id extends string>(input: TeamSlotsInput<Id>): Array<TeamBookingSlot<Id>> {
  const byStart = new Map<number, TeamBookingSlot<Id>>();
  for (const member of byRotation(input.members)) {
    for (const slot of freeSlots({ schedule: member.schedule, busy: member.busy, policy: input.policy, now: input.now })) {
      if (!byStart.has(slot.start)) byStart.set(slot.start, { start: slot.start, end: slot.end, repId: member.repId });
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/**
 * The member a team slot starting at `start` goes to, as `teamSlots` would give it, or `null` if
 * no member has that slot: the check at booking time of the slot a prospect picked.
 *
 * @throws ValidationError if a member's time zone, time of day or holiday can't be read.
 * @throws RangeError if `now`, `start` or a duration of the policy is not a finite number.
 */
export function teamSlotOwner<Id extends string>(input: TeamSlotCheckInput<Id>): Id | null {
  const { policy, now, start } = input;
  for (const member of byRotation(input.members)) {
    if (isSlotFree({ schedule: member.schedule, busy: member.busy, policy, now, start })) return member.repId;
  }
  return null;
}
