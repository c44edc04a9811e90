export {
  nextRepChange,
  repMachine,
  repUnavailability,
  type OfferAnswer,
  type RepCaps,
  type RepContext,
  type RepEvent,
  type RepInput,
  type WindowCounts,
} from './rep-machine.ts';
export { leadMachine, type LeadContext, type LeadEvent, type LeadInput } from './lead-machine.ts';
