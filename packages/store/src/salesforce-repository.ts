import type { LeadId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/** Where a poll of one Salesforce object stopped: the last record's timestamp, then its Id. */
export interface SalesforceWatermark {
  readonly at: Date;
  readonly id: string;
}

/** A lead known by its Salesforce Id. */
export interface SalesforceLinkedLead {
  readonly id: LeadId;
  readonly externalId: string;
  readonly state: string;
  readonly ownerId: string | null;
  readonly source: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** New values of a lead that changed in Salesforce; attributes are merged into the stored ones. */
export interface SalesforceLeadChange {
  readonly id: LeadId;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly company?: string | null;
  readonly attributes: Readonly<Record<string, string | number | boolean | null>>;
}

/** An owner write-back Salesforce refused, kept until a later write of that lead succeeds. */
export interface SalesforceAttentionRecord {
  readonly id: number;
  readonly leadId: LeadId;
  /** The Salesforce Lead Id. */
  readonly salesforceId: string;
  readonly repId: string | null;
  readonly salesforceUserId: string | null;
  /** Salesforce's status code, e.g. `FIELD_CUSTOM_VALIDATION_EXCEPTION`, `INVALID_CROSS_REFERENCE_KEY`. */
  readonly errorCode: string;
  readonly message: string;
  readonly fields: ReadonlyArray<string>;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly resolvedAt: Date | null;
}

/** A refusal to record. */
export type NewSalesforceAttention = Omit<SalesforceAttentionRecord, 'id' | 'attempts' | 'createdAt' | 'updatedAt' | 'resolvedAt'>;

/** The Salesforce connector's tables: watermarks, the needs-attention list, and lead look-ups by Salesforce Id. */
export interface SalesforceRepository {
  watermark(object: string): Promise<SalesforceWatermark | undefined>;
  setWatermark(object: string, watermark: SalesforceWatermark): Promise<void>;
  /** The leads with these external ids (Salesforce Lead Ids), by external id. */
  leadsByExternalId(externalIds: ReadonlyArray<string>): Promise<Map<string, SalesforceLinkedLead>>;
  /** The leads with these ids. */
  leadsById(ids: ReadonlyArray<string>): Promise<Map<string, SalesforceLinkedLead>>;
  /**
   * Applies changes seen in Salesforce to known leads, in one statement; only rows whose
   * values differ are written. Answers each changed lead's attributes as they were before.
   */
  updateLeads(changes: ReadonlyArray<SalesforceLeadChange>): Promise<Map<string, Record<string, unknown>>>;
  /** Records a refusal; a lead with an open record gets it replaced and its `attempts` counted up. */
  recordAttention(records: ReadonlyArray<NewSalesforceAttention>): Promise<void>;
  /** Closes the open records of these leads (a later write-back succeeded). */
  resolveAttention(leadIds: ReadonlyArray<string>): Promise<void>;
  /** Refusals, newest first; open ones only unless `includeResolved`. */
  listAttention(options?: { readonly includeResolved?: boolean; readonly limit?: number }): Promise<SalesforceAttentionRecord[]>;
}

/** Creates the PostgreSQL repository of the Salesforce connector's state. */
export function createSalesforceRepository(db: Kysely<Database>): SalesforceRepository {
  const linked = (row: {
    id: string;
    external_id: string | null;
    state: string;
    owner_id: string | null;
    source: string | null;
    attributes: Record<string, unknown>;
  }): SalesforceLinkedLead => ({
    id: row.id as LeadId,
    externalId: row.external_id ?? '',
    state: row.state,
    ownerId: row.owner_id,
    source: row.source,
    attributes: row.attributes,
  });
  return {
    async watermark(object) {
      const row = await db.selectFrom('salesforce_sync_state').selectAll().where('object', '=', object).executeTakeFirst();
      return row?.watermark_at && row.watermark_id !== null ? { at: row.watermark_at, id: row.watermark_id } : undefined;
    },

    async setWatermark(object, watermark) {
      await db
        .insertInto('salesforce_sync_state')
        .values({ object, watermark_at: watermark.at, watermark_id: watermark.id, updated_at: new Date() })
        .onConflict((oc) => oc.column('object').doUpdateSet({ watermark_at: watermark.at, watermark_id: watermark.id, updated_at: new Date() }))
        .execute();
    },

    async leadsByExternalId(externalIds) {
      const found = new Map<string, SalesforceLinkedLead>();
      if (externalIds.length === 0) return found;
      const rows = await db
        .selectFrom('leads')
        .select(['id', 'external_id', 'state', 'owner_id', 'source', 'attributes'])
        .where('external_id', 'in', [...externalIds])
        .execute();
      for (const row of rows) found.set(row.external_id as string, linked(row));
      return found;
    },

    async leadsById(ids) {
      const found = new Map<string, SalesforceLinkedLead>();
      if (ids.length === 0) return found;
      const rows = await db.selectFrom('leads').select(['id', 'external_id', 'state', 'owner_id', 'source', 'attributes']).where('id', 'in', [...ids]).execute();
      for (const row of rows) found.set(row.id, linked(row));
      return found;
    },

    async updateLeads(changes) {
      const previous = new Map<string, Record<string, unknown>>();
      if (changes.length === 0) return previous;
      const column = <T>(pick: (c: SalesforceLeadChange) => T) => changes.map(pick);
      // Every CTE sees the rows as they were before the update: `old` is the previous value.
      const { rows } = await sql<{ id: string; previous: Record<string, unknown> }>`
        with v as (
          select * from unnest(
            ${column((c) => c.id)}::uuid[], ${column((c) => JSON.stringify(c.attributes))}::jsonb[],
            ${column((c) => c.firstName ?? null)}::text[], ${column((c) => c.lastName ?? null)}::text[], ${column((c) => c.company ?? null)}::text[]
          ) as v(id, attributes, first_name, last_name, company)
        ), old as (
          select l.id, l.attributes from leads l join v on v.id = l.id
        )
        update leads l set
          attributes = l.attributes || v.attributes,
          first_name = coalesce(v.first_name, l.first_name),
          last_name = coalesce(v.last_name, l.last_name),
          company = coalesce(v.company, l.company),
          updated_at = now()
        from v join old on old.id = v.id
        where l.id = v.id
          and (not (l.attributes @> v.attributes)
            or l.first_name is distinct from coalesce(v.first_name, l.first_name)
            or l.last_name is distinct from coalesce(v.last_name, l.last_name)
            or l.company is distinct from coalesce(v.company, l.company))
        returning l.id, old.attributes as previous`.execute(db);
      for (const row of rows) previous.set(row.id, row.previous);
      return previous;
    },

    async recordAttention(records) {
      for (const r of records) {
        await sql`
          insert into salesforce_attention (lead_id, salesforce_id, rep_id, salesforce_user_id, error_code, message, fields)
          values (${r.leadId}, ${r.salesforceId}, ${r.repId}, ${r.salesforceUserId}, ${r.errorCode}, ${r.message}, ${JSON.stringify(r.fields)}::jsonb)
          on conflict (lead_id) where resolved_at is null do update set
            salesforce_id = excluded.salesforce_id, rep_id = excluded.rep_id, salesforce_user_id = excluded.salesforce_user_id,
            error_code = excluded.error_code, message = excluded.message, fields = excluded.fields,
            attempts = salesforce_attention.attempts + 1, updated_at = now()`.execute(db);
      }
    },

    async resolveAttention(leadIds) {
      if (leadIds.length === 0) return;
      await db
        .updateTable('salesforce_attention')
        .set({ resolved_at: new Date(), updated_at: new Date() })
        .where('lead_id', 'in', [...leadIds])
        .where('resolved_at', 'is', null)
        .execute();
    },

    async listAttention(options = {}) {
      let query = db
        .selectFrom('salesforce_attention')
        .selectAll()
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100);
      if (!options.includeResolved) query = query.where('resolved_at', 'is', null);
      const rows = await query.execute();
      return rows.map((row) => ({
        id: Number(row.id),
        leadId: row.lead_id as LeadId,
        salesforceId: row.salesforce_id,
        repId: row.rep_id,
        salesforceUserId: row.salesforce_user_id,
        errorCode: row.error_code,
        message: row.message,
        fields: row.fields,
        attempts: row.attempts,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        resolvedAt: row.resolved_at,
      }));
    },
  };
}
