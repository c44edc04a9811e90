import type { AvailabilitySchedule } from '../availability-schedule.ts';
import { type BusyBlock, mergeBusyBlocks } from '../busy-block.ts';
import { dayStart, localDay } from '../local-day.ts';
import { availableSpans, compileSchedule } from '../shift-timeline.ts';
import type { BookingPolicy } from './booking-policy.ts';
import { slotGrid } from './slot-grid.ts';

/** A meeting time a prospect may book: `[start, end)` in epoch ms. */
export interface BookingSlot {
  readonly start: number;
  readonly end: number;
}

/** What `freeSlots` reads of one rep. */
export interface FreeSlotsInput {
  /** The rep's working hours, holidays and out-of-office periods. */
  readonly schedule: AvailabilitySchedule;
  /** Time the rep's calendar shows as taken, existing bookings included; any order, may overlap. */
  readonly busy: ReadonlyArray<BusyBlock>;
  readonly policy: BookingPolicy;
  /** The current time, epoch ms. */
  readonly now: number;
}

/** What `isSlotFree` checks: a start the prospect picked. */
export interface SlotCheckInput extends FreeSlotsInput {
  /** The slot's start, epoch ms. */
  readonly start: number;
}

interface Rules {
  readonly duration: number;
  readonly step: number;
  /** Two slot starts are at least this far apart; see `slotGrid`. */
  readonly gap: number;
  readonly buffer: number;
  readonly from: number;
  readonly until: number;
}

function rulesOf(policy: BookingPolicy, now: number): Rules {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number of epoch milliseconds, got ${now}`);
  const { duration, buffer, minNotice, window } = policy;
  const step = policy.step ?? duration;
  // The schema keeps these in range; a hand-made policy could loop forever on a zero step.
  for (const [field, ms, min] of [['duration', duration, 1], ['step', step, 1], ['buffer', buffer, 0], ['minNotice', minNotice, 0], ['window', window, 0]] as const) {
    if (!Number.isFinite(ms) || ms < min) {
      const range = min > 0 ? 'above 0' : '0 or more';
      throw new RangeError(`policy.${field} must be a finite number of milliseconds ${range}, got ${ms}; parse the policy with bookingPolicySchema`);
    }
  }
  return { duration, step, gap: Math.min(step, duration), buffer, from: now + minNotice, until: now + window };
}

/**
 * A rep's bookable slots, ascending. A slot
 * - lies wholly within one stretch of available time (working hours, less holidays and
 *   out-of-office periods; a rep without working hours is available round the clock);
 * - keeps `policy.buffer` free of busy time before and after it: `[start - buffer, end + buffer)`
 *   overlaps no busy block;
 * - starts no earlier than `now + policy.minNotice` and ends no later than `now + policy.window`;
 * - starts on the rep's local clock at a multiple of `policy.step` (default: the duration)
 *   after midnight, e.g. 09:00, 09:30, 10:00 — across DST changes too (see `slotGrid`: around a
 *   change, a start that would overlap the slot before it is left out).
 *
 * With `step >= duration` no two slots overlap; with a shorter step they are alternatives
 * (09:00–10:00, 09:30–10:30). Time taken grows with the number of days in the window and the
 * number of busy blocks, not with the schedule's history.
 *
 * @throws ValidationError if the schedule's time zone, a time of day or a holiday can't be read.
 * @throws RangeError if `now` or a duration of the policy is not a finite number.
 * @example
 * // Mon–Fri 09:00–17:00 Europe/Berlin, a 30-minute policy, asked on a Monday at 08:00 with 2 h notice:
 * freeSlots({ schedule, busy: [], policy, now: Date.parse('2026-08-03T08:00:00+02:00') })[0];
 * // { start: Date.parse('2026-08-03T10:00:00+02:00'), end: Date.parse('2026-08-03T10:30:00+02:00') }
 */
export function freeSlots(input: FreeSlotsInput): BookingSlot[] {
  const { duration, step, gap, buffer, from, until } = rulesOf(input.policy, input.now);
  const c = compileSchedule(input.schedule);
  const busy = mergeBusyBlocks(input.busy);
  const slots: BookingSlot[] = [];
  let b = 0;
  if (until - from < duration) return slots;
  for (const [spanStart, end] of availableSpans(c, from, until)) {
    if (spanStart >= until) break;
    const lastStart = Math.min(end, until) - duration;
    // Consecutive spans may share a day; its grid comes from slotGrid's cache.
    for (let day = localDay(c.zone, spanStart); dayStart(c.zone, day) <= lastStart; day++) {
      for (const start of slotGrid(c.zone, day, step, gap)) {
        if (start < spanStart) continue;
        if (start > lastStart) break;
        // Blocks ending before this slot's buffer can't touch a later slot either.
        while (b < busy.length && busy[b]!.end <= start - buffer) b++;
        if (b < busy.length && busy[b]!.start < start + duration + buffer) continue;
        slots.push({ start, end: start + duration });
      }
    }
  }
  return slots;
}

/**
 * True if `start` is exactly the start of a slot `freeSlots` would offer with the same input:
 * the check at booking time of the slot a prospect picked, when the calendar may have changed
 * since the slots were shown. Costs about as much as one day of `freeSlots`.
 *
 * @throws ValidationError if the schedule's time zone, a time of day or a holiday can't be read.
 * @throws RangeError if `now`, `start` or a duration of the policy is not a finite number.
 */
export function isSlotFree(input: SlotCheckInput): boolean {
  const { duration, step, gap, buffer, from, until } = rulesOf(input.policy, input.now);
  const { start } = input;
  if (!Number.isFinite(start)) throw new RangeError(`start must be a finite number of epoch milliseconds, got ${start}`);
  const end = start + duration;
  if (start < from || end > until) return false;
  const c = compileSchedule(input.schedule);
  if (!slotGrid(c.zone, localDay(c.zone, start), step, gap).includes(start)) return false;
  // Spans are clipped to begin at `start`: one that begins there holds it.
  const span = availableSpans(c, start, end).next();
  if (span.done || span.value[0] !== start || span.value[1] < end) return false;
  return !input.busy.some((block) => block.start < block.end && block.start < end + buffer && block.end > start - buffer);
}
