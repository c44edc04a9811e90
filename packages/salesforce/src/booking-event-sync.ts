import { LifecycleEventType, type Logger } from '@switchboard/core';
import type { EventLogRelayRepository, LoggedEvent, RelayCursor, RepRepository, SalesforceBookingEventRepository, SalesforceRepository } from '@switchboard/store';
import { SalesforceApiError } from './errors.ts';
import type { SalesforceClient } from './salesforce-client.ts';
import { isSalesforceLeadId, soqlDatetime, soqlString } from './salesforce-id.ts';
import type { UserDirectory } from './user-directory.ts';

/** The event log cursor the booking sync keeps. */
export const BOOKING_SYNC_CURSOR = 'salesforce-bookings';

/** The Subject of the Events made for bookings. */
export const BOOKED_MEETING_SUBJECT = 'Meeting booked through Switchboard';

/** What one round of the booking sync did. */
export interface BookingSyncReport {
  /** Booking events read from the log. */
  readonly read: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  /** Events Salesforce refused (kept with the error, and logged). */
  readonly refused: number;
}

/** What the booking sync needs. */
export interface BookingEventSyncDeps {
  readonly client: () => SalesforceClient | undefined;
  /** The lead event log, read with a cursor of its own. */
  readonly log: EventLogRelayRepository;
  readonly repository: SalesforceRepository;
  readonly events: SalesforceBookingEventRepository;
  readonly reps: RepRepository;
  readonly users: UserDirectory;
  readonly logger: Logger;
  /** The `source` of Salesforce leads (the field map's): only their bookings are written. */
  readonly source: string;
  /** Log events read at a time. @default 200 */
  readonly batchSize?: number;
}

/** The running booking sync: each round follows the log from where the last one stopped. */
export interface BookingEventSync {
  /** Starts the cursor at the log's head on the very first start: bookings before it are not written. */
  start(): Promise<void>;
  /** Writes the bookings logged since the last round; a transient failure stops the round where it was, for the next one. */
  sync(): Promise<BookingSyncReport>;
}

interface BookedData {
  readonly bookingId: string;
  readonly repId: string;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly replaces: string | null;
}

type Outcome = 'created' | 'updated' | 'deleted' | 'refused' | 'none';

/** Salesforce says the record is gone: deleted (in the Recycle Bin) or never there. */
const isGone = (error: unknown) => error instanceof SalesforceApiError && (error.errorCode === 'ENTITY_IS_DELETED' || error.errorCode === 'NOT_FOUND');
/** A refusal of the record itself, which trying again won't change (not a transient failure, not the session). */
const isRefusal = (error: unknown): error is SalesforceApiError => error instanceof SalesforceApiError && !error.transient && error.errorCode !== 'INVALID_SESSION_ID' && error.errorCode !== 'NETWORK_ERROR';

/**
 * Mirrors meetings booked through Switchboard as Salesforce Events on the lead, following the
 * lead event log (the outbox) in commit order with a cursor of its own:
 * - `lead.booked` creates an Event: `WhoId` the Salesforce Lead, `OwnerId` the rep's User,
 *   `StartDateTime`/`EndDateTime`, Subject "Meeting booked through Switchboard", the booking id
 *   in the Description. A reschedule (`replaces`) updates the same Event: its times, and its
 *   owner if the meeting went to another rep.
 * - `lead.booking_cancelled` deletes the Event. A standard Event has no cancelled status: one
 *   only renamed would still block the rep's calendar and count as a held meeting in activity
 *   reports. The cancellation stays in the lead's history in Switchboard, and the Event in the
 *   Recycle Bin for 15 days.
 *
 * Only leads that came from Salesforce are written. Each step is recorded before the next, so a
 * round cut short (a crash, a timeout after Salesforce made the Event) neither loses a booking
 * nor makes a second Event: a create that may have happened is looked for before it is made again.
 */
export function createBookingEventSync(deps: BookingEventSyncDeps): BookingEventSync {
  const { log, repository, events, reps, users, logger } = deps;
  const batchSize = deps.batchSize ?? 200;

  const refuse = async (bookingId: string, error: SalesforceApiError, what: string): Promise<Outcome> => {
    await events.refused(bookingId, `${error.errorCode}: ${error.message}`);
    logger.warn({ err: error, bookingId, errorCode: error.errorCode }, `Salesforce refused ${what} of a booked meeting; it is left as it is`);
    return 'refused';
  };

  /** An Event a create cut short may have made: the lead's, with our subject, at that start. */
  const findCreated = async (client: SalesforceClient, whoId: string, start: string): Promise<string | undefined> => {
    const found = await client.queryAll(
      `SELECT Id FROM Event WHERE WhoId = ${soqlString(whoId)} AND Subject = ${soqlString(BOOKED_MEETING_SUBJECT)} AND StartDateTime = ${soqlDatetime(new Date(start))} ORDER BY CreatedDate DESC LIMIT 1`,
    );
    const id = found[0]?.Id;
    return id && !(await events.ownEvents([id])).has(id) ? id : undefined;
  };

  const booked = async (client: SalesforceClient, event: LoggedEvent, data: BookedData): Promise<Outcome> => {
    const lead = (await repository.leadsById([event.leadId])).get(event.leadId);
    if (!lead || lead.source !== deps.source || !isSalesforceLeadId(lead.externalId)) return 'none';
    const own = await events.get(data.bookingId);
    if (own?.salesforceEventId) return 'none';
    const rep = await reps.get(data.repId);
    const ownerId = rep ? (await users.resolve([rep])).get(rep.id) : undefined;
    if (!ownerId) logger.warn({ repId: data.repId, bookingId: data.bookingId }, 'no active Salesforce User matches the booked rep; the meeting’s Event is owned by the connector’s user (set the rep’s salesforceUserId)');
    const fields = {
      StartDateTime: new Date(data.start).toISOString(),
      EndDateTime: new Date(data.end).toISOString(),
      Subject: BOOKED_MEETING_SUBJECT,
      Description: `Booked by the prospect through Switchboard's booking link.\nBooking: ${data.bookingId}\nThe prospect's time zone: ${data.timeZone}`,
      ...(ownerId && { OwnerId: ownerId }),
    };

    const previous = data.replaces ? await events.get(data.replaces) : undefined;
    if (!own && previous?.salesforceEventId && !previous.deletedAt) {
      try {
        await client.update('Event', { Id: previous.salesforceEventId, ...fields });
        await events.moved(previous.bookingId, data.bookingId, previous.salesforceEventId);
        return 'updated';
      } catch (error) {
        if (isRefusal(error) && !isGone(error)) return refuse(previous.bookingId, error, 'the move');
        if (!isGone(error)) throw error;
        // Someone deleted the Event in Salesforce: the moved meeting gets a new one.
        await events.deleted(previous.bookingId, new Date());
      }
    }

    let id = own ? await findCreated(client, lead.externalId, data.start) : undefined;
    if (!own) await events.begin(data.bookingId, lead.id);
    if (!id) {
      try {
        id = await client.create('Event', { WhoId: lead.externalId, ...fields });
      } catch (error) {
        if (isRefusal(error)) return refuse(data.bookingId, error, 'the Event');
        throw error;
      }
    }
    await events.created(data.bookingId, id);
    return 'created';
  };

  const cancelled = async (client: SalesforceClient, event: LoggedEvent, bookingId: string): Promise<Outcome> => {
    const own = await events.get(bookingId);
    if (!own?.salesforceEventId || own.deletedAt) return 'none';
    // A booking moved rather than called off keeps its Event: the move updates it.
    if (await events.wasMoved(bookingId)) return 'none';
    try {
      await client.destroy('Event', own.salesforceEventId);
    } catch (error) {
      if (isRefusal(error) && !isGone(error)) return refuse(bookingId, error, 'the deletion');
      if (!isGone(error)) throw error;
    }
    await events.deleted(bookingId, new Date(event.occurredAt));
    return 'deleted';
  };

  const handle = (client: SalesforceClient, event: LoggedEvent): Promise<Outcome> => {
    const data = event.data as Partial<BookedData> | null;
    if (!data?.bookingId) return Promise.resolve('none');
    if (event.type === LifecycleEventType.leadBooked) return booked(client, event, data as BookedData);
    return cancelled(client, event, data.bookingId);
  };

  return {
    async start() {
      await log.cursor(BOOKING_SYNC_CURSOR);
    },

    async sync() {
      const counts = { read: 0, created: 0, updated: 0, deleted: 0, refused: 0 };
      const client = deps.client();
      if (!client) return counts;
      for (;;) {
        const batch = await log.readAfter(await log.cursor(BOOKING_SYNC_CURSOR), batchSize);
        // Other events only move the cursor, saved once with the next booking or at the end of the batch.
        let passed: RelayCursor | undefined;
        try {
          for (const { cursor, event } of batch) {
            if (event.type !== LifecycleEventType.leadBooked && event.type !== LifecycleEventType.leadBookingCancelled) {
              passed = cursor;
              continue;
            }
            counts.read++;
            const outcome = await handle(client, event);
            if (outcome !== 'none') counts[outcome]++;
            await log.saveCursor(BOOKING_SYNC_CURSOR, cursor);
            passed = undefined;
          }
        } finally {
          if (passed) await log.saveCursor(BOOKING_SYNC_CURSOR, passed);
        }
        if (batch.length < batchSize) break;
      }
      if (counts.read > 0) logger.info(counts, 'booked meetings written to Salesforce');
      return counts;
    },
  };
}
