import type { LeadId, LeadIntake, LeadReceivedEvent } from '@switchboard/core';
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
  | { readonly duplicate: true; readonly id: LeadId };

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
 * in one batch.
 */
export function createLeadIntakeWriter(db: Kysely<Database>, options?: GroupCommitOptions): LeadIntakeWriter {
  const committer = createGroupCommitter<IntakeRecord, IntakeResult>(
    db,
    async (db, records) => {
      // Within a batch, the first record of an external id (or lead id) wins.
      const firstByKey = new Map<string, IntakeRecord>();
      for (const record of records) if (!firstByKey.has(keyOf(record))) firstByKey.set(keyOf(record), record);
      const unique = [...firstByKey.values()];
      const events = new Map<string, LeadReceivedEvent>(
        unique.map((r) => [
          r.id,
          {
            id: uuidv7(),
            type: 'lead.received',
            version: 1,
            occurredAt: r.receivedAt.toISOString(),
            leadId: r.id,
            data: {
              email: r.intake.email,
              externalId: r.intake.externalId ?? null,
              company: r.intake.company ?? null,
              source: r.intake.source ?? null,
              requestedTeam: r.intake.team ?? null,
            },
          },
        ]),
      );
      const column = <T>(pick: (r: IntakeRecord) => T) => unique.map(pick);
      const { rows } = await sql<{ id: string }>`
        with inserted as (
          insert into leads (id, external_id, email, first_name, last_name, company, source, requested_team,
                             attributes, state, trace_id, created_at, updated_at)
          select v.id, v.external_id, v.email, v.first_name, v.last_name, v.company, v.source, v.requested_team,
                 v.attributes, 'new', v.trace_id, v.created_at, v.created_at
          from unnest(
            ${column((r) => r.id)}::uuid[], ${column((r) => r.intake.externalId ?? null)}::text[],
            ${column((r) => r.intake.email)}::text[], ${column((r) => r.intake.firstName ?? null)}::text[],
            ${column((r) => r.intake.lastName ?? null)}::text[], ${column((r) => r.intake.company ?? null)}::text[],
            ${column((r) => r.intake.source ?? null)}::text[], ${column((r) => r.intake.team ?? null)}::text[],
            ${column((r) => JSON.stringify(r.intake.attributes ?? {}))}::jsonb[], ${column((r) => r.traceId ?? null)}::text[],
            ${column((r) => r.receivedAt.toISOString())}::timestamptz[]
          ) as v(id, external_id, email, first_name, last_name, company, source, requested_team, attributes, trace_id, created_at)
          on conflict do nothing
          returning id
        ), received as (
          insert into lead_events (event_id, lead_id, type, from_state, to_state, cause, data, trace_id, occurred_at)
          select e.event_id, e.lead_id, 'lead.received', null, 'new', e.cause, e.data, e.trace_id, e.occurred_at
          from unnest(
            ${column((r) => events.get(r.id)?.id)}::uuid[], ${column((r) => r.id)}::uuid[],
            ${column((r) => `intake:${r.via}`)}::text[], ${column((r) => JSON.stringify(events.get(r.id)?.data))}::jsonb[],
            ${column((r) => r.traceId ?? null)}::text[], ${column((r) => r.receivedAt.toISOString())}::timestamptz[]
          ) as e(event_id, lead_id, cause, data, trace_id, occurred_at)
          where e.lead_id in (select id from inserted)
        )
        select id from inserted`.execute(db);
      const inserted = new Set(rows.map((r) => r.id));

      // Records that lost to an earlier lead with the same external id (rare: a lookup is fine).
      const lostExternalIds = unique.filter((r) => !inserted.has(r.id) && r.intake.externalId !== undefined).map((r) => r.intake.externalId as string);
      const existingByExternalId = new Map<string, LeadId>();
      if (lostExternalIds.length > 0) {
        const found = await db.selectFrom('leads').select(['id', 'external_id']).where('external_id', 'in', lostExternalIds).execute();
        for (const f of found) existingByExternalId.set(f.external_id as string, f.id as LeadId);
      }
      return records.map((r): IntakeResult => {
        const first = firstByKey.get(keyOf(r)) as IntakeRecord;
        if (first === r && inserted.has(r.id)) return { duplicate: false, id: r.id, event: events.get(r.id) as LeadReceivedEvent };
        if (first !== r && inserted.has(first.id)) return { duplicate: true, id: first.id };
        const existing = r.intake.externalId !== undefined ? existingByExternalId.get(r.intake.externalId) : undefined;
        return { duplicate: true, id: existing ?? r.id };
      });
    },
    options,
  );
  return { write: (record) => committer.submit(record), drain: () => committer.drain() };
}
