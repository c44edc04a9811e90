import type { LeadId, LeadIntake, LeadReceivedEvent } from '@switchboard/core';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, NewLeadRow } from './database.ts';
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

/**
 * Creates the intake writer: group-committed inserts of new leads in state `new`,
 * with their `lead.received` event. Duplicates — the same external id, or the same
 * lead id — are answered with the first lead's id and not stored again, also when
 * both arrive in one batch.
 */
export function createLeadIntakeWriter(db: Kysely<Database>, options?: GroupCommitOptions): LeadIntakeWriter {
  const committer = createGroupCommitter<IntakeRecord, IntakeResult>(
    db,
    async (trx, records) => {
      // Within a batch, the first record of an external id (or lead id) wins.
      const firstByKey = new Map<string, IntakeRecord>();
      const unique: IntakeRecord[] = [];
      for (const record of records) {
        const key = record.intake.externalId !== undefined ? `x:${record.intake.externalId}` : `i:${record.id}`;
        if (!firstByKey.has(key)) {
          firstByKey.set(key, record);
          unique.push(record);
        }
      }
      const rows: NewLeadRow[] = unique.map((r) => ({
        id: r.id,
        external_id: r.intake.externalId ?? null,
        email: r.intake.email,
        first_name: r.intake.firstName ?? null,
        last_name: r.intake.lastName ?? null,
        company: r.intake.company ?? null,
        source: r.intake.source ?? null,
        requested_team: r.intake.team ?? null,
        attributes: JSON.stringify(r.intake.attributes ?? {}),
        state: 'new',
        trace_id: r.traceId ?? null,
        created_at: r.receivedAt,
        updated_at: r.receivedAt,
      }));
      const inserted = new Set(
        (await trx.insertInto('leads').values(rows).onConflict((oc) => oc.doNothing()).returning('id').execute()).map((r) => r.id),
      );
      // Records that lost to an earlier lead with the same external id.
      const lostExternalIds = unique
        .filter((r) => !inserted.has(r.id) && r.intake.externalId !== undefined)
        .map((r) => r.intake.externalId as string);
      const existingByExternalId = new Map<string, LeadId>();
      if (lostExternalIds.length > 0) {
        const found = await trx.selectFrom('leads').select(['id', 'external_id']).where('external_id', 'in', lostExternalIds).execute();
        for (const f of found) existingByExternalId.set(f.external_id as string, f.id as LeadId);
      }
      const byId = new Map(unique.map((r) => [r.id as string, r]));
      const events = new Map<string, LeadReceivedEvent>();
      for (const r of unique) {
        if (!inserted.has(r.id)) continue;
        events.set(r.id, {
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
        });
      }
      if (events.size > 0) {
        await trx
          .insertInto('lead_events')
          .values(
            [...events.values()].map((e) => ({
              event_id: e.id,
              lead_id: e.leadId,
              type: e.type,
              from_state: null,
              to_state: 'new',
              cause: `intake:${byId.get(e.leadId)?.via}`,
              data: JSON.stringify(e.data),
              trace_id: byId.get(e.leadId)?.traceId ?? null,
              occurred_at: new Date(e.occurredAt),
            })),
          )
          .execute();
      }
      return records.map((r): IntakeResult => {
        const key = r.intake.externalId !== undefined ? `x:${r.intake.externalId}` : `i:${r.id}`;
        const first = firstByKey.get(key) as IntakeRecord;
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
