// Instant booking, for the package index: the slots a prospect may book, and the check at
// booking time. `slot-grid.ts` stays inside.
export { BookingMode, bookingPolicySchema, type BookingPolicy } from './booking-policy.ts';
export { freeSlots, isSlotFree, type BookingSlot, type FreeSlotsInput, type SlotCheckInput } from './free-slots.ts';
export {
  teamSlotOwner,
  teamSlots,
  type TeamBookingSlot,
  type TeamMemberCalendar,
  type TeamSlotCheckInput,
  type TeamSlotsInput,
} from './team-slots.ts';
export { formatSlotTime, slotTimeZoneSchema } from './slot-time.ts';
