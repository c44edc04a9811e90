import type { LeadState, RepState } from '../api/types.ts';

const TONE: Record<RepState | LeadState, string> = {
  available: 'green',
  away: 'amber',
  offline: 'grey',
  busy: 'violet',
  capped: 'red',
  inactive: 'grey',
  new: 'blue',
  routing: 'blue',
  waiting: 'amber',
  assigned: 'indigo',
  touched: 'green',
  escalated: 'red',
  closed: 'grey',
  converted: 'green',
};

/** A rep's or a lead's state as a coloured pill. */
export function StateBadge({ state }: { state: RepState | LeadState }) {
  return <span className={`badge tone-${TONE[state] ?? 'grey'}`}>{state}</span>;
}
