import type { Database } from '@switchboard/store';
import type { Kysely } from 'kysely';
import type { StillDue } from './notification-rules.ts';

/**
 * Whether an SLA warning is still wanted when due: the lead is still assigned to the same
 * owner, untouched, with the same deadline, and the deadline is ahead. Answers why not, or null.
 */
export function stillDueIn(db: Kysely<Database>, now: () => number = Date.now): (check: StillDue) => Promise<string | null> {
  return async (check) => {
    const lead = await db.selectFrom('leads').select(['state', 'owner_id', 'sla_deadline_at']).where('id', '=', check.leadId).executeTakeFirst();
    if (!lead) return 'the lead is gone';
    if (lead.owner_id !== check.ownerId) return 'the lead has another owner now';
    if (lead.state !== 'assigned') return `the lead is ${lead.state} now`;
    if (lead.sla_deadline_at?.getTime() !== Date.parse(check.slaDeadlineAt)) return 'the SLA deadline changed';
    if (Date.parse(check.slaDeadlineAt) <= now()) return 'the SLA deadline has passed';
    return null;
  };
}
