import type { LeadSummary } from '../api/types.ts';

/** A lead's display name: its person's name, else its email. */
export function leadTitle(lead: Pick<LeadSummary, 'firstName' | 'lastName' | 'email'>): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  return name || lead.email;
}
