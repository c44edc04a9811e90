import { isId, type LeadId, LeadState, type RepId } from '@switchboard/core';
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from './database.ts';

/** The table of migration 0021, declared here: only this repository reads or writes it. */
interface CalcomDeliveriesTable {
  trigger_event: string;
  booking_uid: string;
  lead_id: string;
  received_at: ColumnType<Date, Date | undefined, never>;
}

/** Where a lead stands for the Cal.com integration: its state and owner. */
export interface LeadPlacing {
  readonly id: LeadId;
  readonly state: LeadState;
  readonly ownerId: RepId | null;
}

/** What the Cal.com integration reads and writes: the leads bookings are for, and the deliveries acted on. */
export interface CalcomRepository {
  /** The lead with this id, if there is one (any state). */
  lead(id: string): Promise<LeadPlacing | undefined>;
  /**
   * The most recently received open lead (not closed or converted) whose email is one of
   * `emails`, compared case-insensitively; undefined if none.
   */
  latestOpenLeadByEmail(emails: ReadonlyArray<string>): Promise<LeadPlacing | undefined>;
  /**
   * Claims a delivery (a trigger event and a booking's uid) for `leadId`: true for the one
   * delivery that gets it, false for any other, before or at the same time.
   */
  claimDelivery(triggerEvent: string, bookingUid: string, leadId: string): Promise<boolean>;
  /** Gives a claim back: what it was for did not happen, and a redelivery may try again. */
  releaseDelivery(triggerEvent: string, bookingUid: string): Promise<void>;
}

const CLOSED_STATES: ReadonlyArray<LeadState> = [LeadState.closed, LeadState.converted];

/** Creates the Cal.com integration's repository. */
export function createCalcomRepository(database: Kysely<Database>): CalcomRepository {
  const db = database.withTables<{ calcom_deliveries: CalcomDeliveriesTable }>();
  const toPlacing = (row: { id: string; state: string; owner_id: string | null }): LeadPlacing => ({
    id: row.id as LeadId,
    state: row.state as LeadState,
    ownerId: row.owner_id as RepId | null,
  });
  return {
    async lead(id) {
      if (!isId(id)) return undefined;
      const row = await db.selectFrom('leads').select(['id', 'state', 'owner_id']).where('id', '=', id).executeTakeFirst();
      return row && toPlacing(row);
    },

    async latestOpenLeadByEmail(emails) {
      const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter((email) => email !== ''))];
      if (wanted.length === 0) return undefined;
      // `lower(email)` and the state filter are those of the index leads_open_by_email (migration 0006).
      const row = await db
        .selectFrom('leads')
        .select(['id', 'state', 'owner_id'])
        .where((eb) => eb(eb.fn('lower', ['email']), 'in', wanted))
        .where('state', 'not in', CLOSED_STATES)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toPlacing(row);
    },

    async claimDelivery(triggerEvent, bookingUid, leadId) {
      // Of two deliveries inserting the same key at once, PostgreSQL makes the second wait for
      // the first's outcome: it inserts nothing if the first committed, its row if not.
      const inserted = await db
        .insertInto('calcom_deliveries')
        .values({ trigger_event: triggerEvent, booking_uid: bookingUid, lead_id: leadId })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async releaseDelivery(triggerEvent, bookingUid) {
      await db.deleteFrom('calcom_deliveries').where('trigger_event', '=', triggerEvent).where('booking_uid', '=', bookingUid).execute();
    },
  };
}
