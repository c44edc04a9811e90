import type { LeadId, LeadIntake, LeadMergedEvent, LeadReceivedEvent } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from './database.ts';
import { createGroupCommitter, type GroupCommitOptions } from './group-commit.ts';

/** One lead to store. */
export interface IntakeRecord {
  readonly id: LeadId;
  readonly intake: LeadIntake;
  readonly receivedAt: Date;
  /** `api` or `bus`: how the lead arrived. */
  readonly via: 'api' | 'bus';
  readonly traceId?: string | null;
}

/** The result of storing one lead. */
export type IntakeResult =
  | { readonly duplicate: false; readonly id: LeadId; readonly event: LeadReceivedEvent }
  /** The lead was already known (same external id, or the same intake message): `id` is the first one. */
  | { readonly duplicate: true; readonly merged?: false; readonly id: LeadId }
  /**
   * With `dedupe.byEmail` on, the lead carried the email of an open lead (or of an
   * earlier lead in the same batch) and was merged into it: `id` is that lead, and
   * `event` the `lead.merged` event stored on it.
   */
  | { readonly duplicate: true; readonly merged: true; readonly id: LeadId; readonly event: LeadMergedEvent };

/** Stores accepted leads, many per transaction. */
export interface LeadIntakeWriter {
  /** Resolves once the lead (and its `lead.received` event) is committed. */
  write(record: IntakeRecord): Promise<IntakeResult>;
  drain(): Promise<void>;
}

const keyOf = (r: IntakeRecord) => (r.intake.externalId !== undefined ? `x:${r.intake.externalId}` : `i:${r.id}`);

/**
 * Creates the intake writer: group-committed inserts of new leads in state `new`,
 * with their `lead.received` event, as one statement per batch (atomic without a
 * transaction round trip). Duplicates — the same external id, or the same lead id —
 * are answered with the first lead's id and not stored again, also when both arrive
 * in one batch. With the current configuration's `dedupe.byEmail` on, a lead with the
 * email of an open lead is merged into it (a `lead.merged` event on that lead).
 */
export function createLeadIntakeWriter(db: Kysely<Database>, options?: GroupCommitOptions): LeadIntakeWriter {
  const committer = createGroupCommitter<IntakeRecord, IntakeResult>(db, (db, records) => storeBatch(db, records), options);
  return { write: (record) => committer.submit(record), drain: () => committer.drain() };
}

async function storeBatch(db: Kysely<Database>, records: ReadonlyArray<IntakeRecord>, attempt = 1): Promise<IntakeResult[]> {
  // Within a batch, the first record of an external id (or lead id) wins.
  const firstByKey = new Map<string, IntakeRecord>();
  for (const record of records) if (!firstByKey.has(keyOf(record))) firstByKey.set(keyOf(record), record);
  const unique = [...firstByKey.values()];
  const received = new Map<string, LeadReceivedEvent>();
  const merged = new Map<string, LeadMergedEvent>();
  for (const r of unique) {
    const base = { version: 1 as const, occurredAt: r.receivedAt.toISOString(), leadId: r.id };
    const data = {
      email: r.intake.email,
      externalId: r.intake.externalId ?? null,
      company: r.intake.company ?? null,
      source: r.intake.source ?? null,
      requestedTeam: r.intake.team ?? null,
    };
    received.set(r.id, { ...base, id: uuidv7(), type: 'lead.received', data });
    // leadId is filled in with the lead it merges into, once the statement says which.
    merged.set(r.id, { ...base, id: uuidv7(), type: 'lead.merged', data: { ...data, attributes: r.intake.attributes ?? {}, via: r.via } });
  }
  const column = <T>(pick: (r: IntakeRecord) => T) => unique.map(pick);
  // One statement: find merges (when the current configuration's dedupe.byEmail is on),
  // insert the other leads with their lead.received events, and store a lead.merged
  // event on each lead that absorbed one. A lead already known by id or external id is
  // a plain duplicate, never a merge. Within the batch, a later lead merges into an
  // earlier one with the same email when no open lead has it.
  const { rows } = await sql<{ id: string; into_id: string | null; orphan: boolean }>`
    with v as (
      select * from unnest(
        ${column((r) => r.id)}::uuid[], ${column((r) => r.intake.externalId ?? null)}::text[],
        ${column((r) => r.intake.email)}::text[], ${column((r) => r.intake.firstName ?? null)}::text[],
        ${column((r) => r.intake.lastName ?? null)}::text[], ${column((r) => r.intake.company ?? null)}::text[],
        ${column((r) => r.intake.source ?? null)}::text[], ${column((r) => r.intake.team ?? null)}::text[],
        ${column((r) => JSON.stringify(r.intake.attributes ?? {}))}::jsonb[], ${column((r) => r.traceId ?? null)}::text[],
        ${column((r) => r.receivedAt.toISOString())}::timestamptz[]
      ) with ordinality as v(id, external_id, email, first_name, last_name, company, source, requested_team, attributes, trace_id, created_at, ord)
    ), dedupe as (
      select coalesce((select (document -> 'dedupe' ->> 'byEmail')::boolean from config_versions order by version desc limit 1), false) as by_email
    ), fresh as (
      select v.* from v
      where not exists (select 1 from leads l where l.id = v.id)
        and (v.external_id is null or not exists (select 1 from leads l where l.external_id = v.external_id))
    ), merges as (
      select f.id, coalesce(
        (select l.id from leads l
          where lower(l.email) = lower(f.email) and l.state not in ('closed', 'converted')
          order by lower(l.email), l.created_at limit 1),
        (select e.id from fresh e where lower(e.email) = lower(f.email) and e.ord < f.ord order by e.ord limit 1)
      ) as into_id
      from fresh f
      where (select by_email from dedupe)
    ), inserted as (
      insert into leads (id, external_id, email, first_name, last_name, company, source, requested_team,
                         attributes, state, trace_id, created_at, updated_at)
      select v.id, v.external_id, v.email, v.first_name, v.last_name, v.company, v.source, v.requested_team,
             v.attributes, 'new', v.trace_id, v.created_at, v.created_at
      from v
      where v.id not in (select id from merges where into_id is not null)
      on conflict do nothing
      returning id
    ), events as (
      select * from unnest(
        ${column((r) => r.id)}::uuid[], ${column((r) => received.get(r.id)?.id)}::uuid[],
        ${column((r) => JSON.stringify(received.get(r.id)?.data))}::jsonb[],
        ${column((r) => merged.get(r.id)?.id)}::uuid[], ${column((r) => JSON.stringify(merged.get(r.id)?.data))}::jsonb[],
        ${column((r) => `intake:${r.via}`)}::text[], ${column((r) => r.traceId ?? null)}::text[],
        ${column((r) => r.receivedAt.toISOString())}::timestamptz[]
      ) as e(lead_id, received_id, received_data, merged_id, merged_data, cause, trace_id, occurred_at)
    ), settled_merges as (
      select m.* from merges m
      where m.into_id is not null and (m.into_id not in (select id from v) or m.into_id in (select id from inserted))
    ), stored_events as (
      insert into lead_events (event_id, lead_id, type, from_state, to_state, cause, data, trace_id, occurred_at)
      select e.received_id, e.lead_id, 'lead.received', null, 'new', e.cause, e.received_data, e.trace_id, e.occurred_at
      from events e where e.lead_id in (select id from inserted)
      union all
      select e.merged_id, m.into_id, 'lead.merged', null, null, e.cause, e.merged_data, e.trace_id, e.occurred_at
      from events e join settled_merges m on m.id = e.lead_id
    )
    select id, null::uuid as into_id, false as orphan from inserted
    union all
    select id, into_id, false from settled_merges
    union all
    -- Merged into an earlier lead of this batch that a concurrent writer's lead beat
    -- to the insert: nothing was stored for it; it goes round again below.
    select id, into_id, true from merges where into_id in (select id from v) and into_id not in (select id from inserted)`.execute(db);
  const inserted = new Set<string>();
  const mergedInto = new Map<string, LeadId>();
  const orphans = new Set<string>();
  for (const row of rows) {
    if (row.orphan) orphans.add(row.id);
    else if (row.into_id === null) inserted.add(row.id);
    else mergedInto.set(row.id, row.into_id as LeadId);
  }
  const retried = new Map<string, IntakeResult>();
  if (orphans.size > 0) {
    if (attempt >= 3) throw new Error(`intake: ${orphans.size} lead(s) lost a merge race three times in a row; the submitter should retry`);
    const again = unique.filter((r) => orphans.has(r.id));
    const results = await storeBatch(db, again, attempt + 1);
    again.forEach((r, i) => retried.set(r.id, results[i] as IntakeResult));
  }

  // Records that lost to an earlier lead with the same external id (rare: a lookup is fine).
  const lostExternalIds = unique
    .filter((r) => !inserted.has(r.id) && !mergedInto.has(r.id) && r.intake.externalId !== undefined)
    .map((r) => r.intake.externalId as string);
  const existingByExternalId = new Map<string, LeadId>();
  if (lostExternalIds.length > 0) {
    const found = await db.selectFrom('leads').select(['id', 'external_id']).where('external_id', 'in', lostExternalIds).execute();
    for (const f of found) existingByExternalId.set(f.external_id as string, f.id as LeadId);
  }
  return records.map((r): IntakeResult => {
    const first = firstByKey.get(keyOf(r)) as IntakeRecord;
    const retry = retried.get(first.id);
    if (retry !== undefined) return first === r ? retry : { duplicate: true, id: retry.id };
    if (first === r && inserted.has(r.id)) return { duplicate: false, id: r.id, event: received.get(r.id) as LeadReceivedEvent };
    const into = mergedInto.get(first.id);
    if (into !== undefined) {
      const event = { ...(merged.get(first.id) as LeadMergedEvent), leadId: into };
      // A second copy (same external id) of a merged lead is that merge's duplicate.
      return first === r ? { duplicate: true, merged: true, id: into, event } : { duplicate: true, id: into };
    }
    if (first !== r && inserted.has(first.id)) return { duplicate: true, id: first.id };
    const existing = r.intake.externalId !== undefined ? existingByExternalId.get(r.intake.externalId) : undefined;
    return { duplicate: true, id: existing ?? r.id };
  });
}
