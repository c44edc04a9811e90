export { repMachine, type RepContext, type RepEvent, type RepInput, type OfferAnswer } from './rep-machine.ts';
export { leadMachine, type LeadContext, type LeadEvent, type LeadInput } from './lead-machine.ts';
