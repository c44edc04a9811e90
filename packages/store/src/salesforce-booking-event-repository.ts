import type { Kysely, Selectable } from 'kysely';
import type { Database, SalesforceBookingEventsTable } from './database.ts';

/** The Salesforce Event of a meeting booked through Switchboard. See migration 0022. */
export interface SalesforceBookingEvent {
  /** The booking the Event shows now. */
  readonly bookingId: string;
  readonly leadId: string;
  /** Null while the Event is being created (or after a create Salesforce refused). */
  readonly salesforceEventId: string | null;
  /** What Salesforce last refused, if anything. */
  readonly error: string | null;
  readonly deletedAt: Date | null;
}

/** Where the connector keeps the Events it made for bookings. */
export interface SalesforceBookingEventRepository {
  /** The meeting a booking shows now, if the connector knows it. */
  get(bookingId: string): Promise<SalesforceBookingEvent | undefined>;
  /** Notes that an Event is being created for a booking (before the call), and answers the row: an earlier one as it was. */
  begin(bookingId: string, leadId: string): Promise<SalesforceBookingEvent>;
  /** Notes the Event's id once Salesforce made it (or it was found after a create cut short). */
  created(bookingId: string, salesforceEventId: string): Promise<void>;
  /** Moves a meeting to the booking that replaced it (a reschedule), with its Event: the same one, or a new one. */
  moved(fromBookingId: string, toBookingId: string, salesforceEventId: string): Promise<void>;
  /** Notes that the meeting was cancelled and its Event deleted. */
  deleted(bookingId: string, at: Date): Promise<void>;
  /** Notes what Salesforce refused. */
  refused(bookingId: string, error: string): Promise<void>;
  /** Which of these Event Ids the connector made itself. */
  ownEvents(salesforceEventIds: ReadonlyArray<string>): Promise<Set<string>>;
  /** Whether another booking replaced this one (it was moved, not called off). */
  wasMoved(bookingId: string): Promise<boolean>;
}

const toRecord = (row: Selectable<SalesforceBookingEventsTable>): SalesforceBookingEvent => ({
  bookingId: row.booking_id,
  leadId: row.lead_id,
  salesforceEventId: row.salesforce_event_id,
  error: row.error,
  deletedAt: row.deleted_at,
});

/** Creates the PostgreSQL repository of the Salesforce Events of bookings. */
export function createSalesforceBookingEventRepository(db: Kysely<Database>): SalesforceBookingEventRepository {
  const table = 'salesforce_booking_events' as const;
  return {
    async get(bookingId) {
      const row = await db.selectFrom(table).selectAll().where('booking_id', '=', bookingId).executeTakeFirst();
      return row && toRecord(row);
    },

    async begin(bookingId, leadId) {
      await db.insertInto(table).values({ booking_id: bookingId, lead_id: leadId }).onConflict((oc) => oc.column('booking_id').doNothing()).execute();
      return toRecord(await db.selectFrom(table).selectAll().where('booking_id', '=', bookingId).executeTakeFirstOrThrow());
    },

    async created(bookingId, salesforceEventId) {
      await db.updateTable(table).set({ salesforce_event_id: salesforceEventId, error: null, updated_at: new Date() }).where('booking_id', '=', bookingId).execute();
    },

    async moved(fromBookingId, toBookingId, salesforceEventId) {
      await db
        .updateTable(table)
        .set({ booking_id: toBookingId, salesforce_event_id: salesforceEventId, error: null, updated_at: new Date() })
        .where('booking_id', '=', fromBookingId)
        .execute();
    },

    async deleted(bookingId, at) {
      await db.updateTable(table).set({ deleted_at: at, error: null, updated_at: new Date() }).where('booking_id', '=', bookingId).execute();
    },

    async refused(bookingId, error) {
      await db.updateTable(table).set({ error, updated_at: new Date() }).where('booking_id', '=', bookingId).execute();
    },

    async ownEvents(salesforceEventIds) {
      if (salesforceEventIds.length === 0) return new Set();
      const rows = await db.selectFrom(table).select('salesforce_event_id').where('salesforce_event_id', 'in', [...salesforceEventIds]).execute();
      return new Set(rows.flatMap((row) => row.salesforce_event_id ?? []));
    },

    async wasMoved(bookingId) {
      return (await db.selectFrom('bookings').select('id').where('replaces', '=', bookingId).executeTakeFirst()) !== undefined;
    },
  };
}
