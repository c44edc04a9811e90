import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/** The states a lead no longer changes in: only their personal data may be erased (an open lead is still being worked). */
const FINISHED_STATES = ['closed', 'converted'] as const;
/** What an erased text says instead. */
export const ERASED = '[erased]';

/** What erasing one lead's personal data did. */
export type ErasureOutcome = { readonly erased: true; readonly at: Date; readonly already: boolean } | { readonly erased: false; readonly reason: 'not_found' | 'open'; readonly state?: string };

/** The email an erased lead keeps: unique, not anyone's, and plainly a tombstone. */
export const tombstoneEmail = (leadId: string): string => `erased+${leadId}@erased.invalid`;

/** Fields of event data that carry a lead's personal data. */
const PERSONAL_FIELDS: Readonly<Record<string, (leadId: string) => unknown>> = {
  email: tombstoneEmail,
  firstName: () => null,
  lastName: () => null,
  company: () => null,
  attributes: () => ({}),
  note: () => ERASED,
};

function scrubEventData(data: unknown, leadId: string): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, key in PERSONAL_FIELDS ? (PERSONAL_FIELDS[key] as (id: string) => unknown)(leadId) : value]));
}

/** A decision keeps who, which rule, team and strategy; what it quoted of the lead goes. */
function scrubDecision(decision: unknown): unknown {
  if (!decision || typeof decision !== 'object') return decision;
  const d = decision as { rules?: Array<Record<string, unknown>>; account?: Record<string, unknown> | null };
  return {
    ...d,
    ...(Array.isArray(d.rules) && { rules: d.rules.map((rule) => ({ ...rule, detail: `${ERASED}: the lead's personal data was erased` })) }),
    ...(d.account && typeof d.account === 'object' && { account: { ...d.account, key: ERASED } }),
  };
}

/**
 * Erases a finished lead's personal data, in one transaction: its name, email, company and
 * attributes (the lead keeps a tombstone email), what its events quoted of them, and what its
 * routing decisions quoted. Its state, owner, team, times, outcome and decisions stay, so
 * reports still add up. An open lead is refused: close it first.
 */
export async function eraseLeadPersonalData(db: Kysely<Database>, leadId: string, at: Date): Promise<ErasureOutcome> {
  return db.transaction().execute(async (trx) => {
    const lead = await trx.selectFrom('leads').select(['state', 'erased_at']).where('id', '=', leadId).forUpdate().executeTakeFirst();
    if (!lead) return { erased: false, reason: 'not_found' };
    if (!(FINISHED_STATES as ReadonlyArray<string>).includes(lead.state)) return { erased: false, reason: 'open', state: lead.state };
    if (lead.erased_at) return { erased: true, at: lead.erased_at, already: true };
    await trx
      .updateTable('leads')
      .set({ email: tombstoneEmail(leadId), first_name: null, last_name: null, company: null, attributes: sql`'{}'::jsonb`, snapshot: null, erased_at: at })
      .where('id', '=', leadId)
      .execute();
    for (const event of await trx.selectFrom('lead_events').select(['event_id', 'data']).where('lead_id', '=', leadId).execute()) {
      await trx.updateTable('lead_events').set({ data: JSON.stringify(scrubEventData(event.data, leadId)) }).where('event_id', '=', event.event_id).execute();
    }
    for (const assignment of await trx.selectFrom('assignments').select(['id', 'decision']).where('lead_id', '=', leadId).execute()) {
      await trx.updateTable('assignments').set({ decision: JSON.stringify(scrubDecision(assignment.decision)) }).where('id', '=', assignment.id).execute();
    }
    return { erased: true, at, already: false };
  });
}

/** The finished leads last changed before `before` whose personal data is still there, oldest first. */
export async function leadsDueForErasure(db: Kysely<Database>, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('leads')
    .select('id')
    .where('erased_at', 'is', null)
    .where('state', 'in', [...FINISHED_STATES])
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
