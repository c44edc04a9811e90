export {
  nextRepChange,
  repMachine,
  repUnavailability,
  repUnavailabilityDetail,
  type RepUnavailability,
  type OfferAnswer,
  type RepCaps,
  type RepContext,
  type RepEvent,
  type RepInput,
  type WindowCounts,
} from './rep-machine.ts';
export { type AssignmentRecord, type BookingFacts, DEFAULT_ESCALATION_QUEUE, leadMachine, LeadTag, type LeadContext, type LeadEvent, type LeadInput, type LeadLifecycleEmit } from './lead-machine.ts';
export { LeadDraft, type LeadLogEntry, type LeadSnapshot, newLeadSnapshot } from './lead-step.ts';
export { LEAD_MACHINE_VERSION, leadSnapshotForStore, leadSnapshotFromStore, leadStateFromStore, type LeadSnapshotUpgrade } from './lead-snapshot.ts';
export { SnapshotVersionError } from './errors.ts';
export { REP_MACHINE_VERSION, repFromStore, type RepProfileContext, repSnapshotForStore, type StoredRep } from './rep-snapshot.ts';
