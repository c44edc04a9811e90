import type { LeadEvent } from '@switchboard/machines';

/** Why a step ended the lead's open assignment, by the event that started the step. */
export function endReason(events: ReadonlyArray<LeadEvent>): string {
  switch (events[0]?.type) {
    case 'SLA_EXPIRED':
      return 'breached';
    case 'REJECT':
      return 'rejected';
    case 'REROUTE':
      return 'rerouted';
    case 'CLOSE':
      return 'closed';
    default:
      return 'reassigned';
  }
}
