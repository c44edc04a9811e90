import { createHash, randomBytes } from 'node:crypto';
import { type BusyBlock, newId } from '@switchboard/core';
import type { Kysely, Selectable } from 'kysely';
import { lockReps, readBusy, refreshRepBusy } from './calendar-repository.ts';
import type { BookingsTable, Database } from './database.ts';

/** A lead's booking link. The token itself is not kept: only its SHA-256. */
export interface BookingLink {
  readonly id: string;
  readonly leadId: string;
  /** The team whose booking policy the link offers (the lead's team when it was made). */
  readonly teamId: string | null;
  readonly expiresAt: Date;
  readonly createdAt: Date;
}

/** A meeting booked through a link. */
export interface Booking {
  readonly id: string;
  readonly linkId: string;
  readonly leadId: string;
  readonly repId: string;
  readonly start: Date;
  readonly end: Date;
  /** The prospect's time zone when booking. */
  readonly timeZone: string;
  readonly status: 'confirmed' | 'cancelled';
  /** 0 for a first booking, one more for each reschedule: the invite's SEQUENCE. */
  readonly sequence: number;
  /** The booking this one moved, if rescheduled. */
  readonly replaces: string | null;
  readonly createdAt: Date;
  readonly cancelledAt: Date | null;
}

/** What the slot chooser sees, read under the reps' locks. */
export interface BookingView {
  /** Each candidate's busy time over the booking window: calendars and other bookings. */
  readonly busy: ReadonlyMap<string, ReadonlyArray<BusyBlock>>;
  /** When each candidate was last booked (epoch ms), for round robin. */
  readonly lastBookedAt: ReadonlyMap<string, number>;
}

export type BookResult =
  | { readonly kind: 'booked'; readonly booking: Booking; readonly replaced: Booking | null }
  /** The slot is no longer free (someone else took it meanwhile, or it never was). */
  | { readonly kind: 'taken' }
  /** The link already holds a booking at that very time. */
  | { readonly kind: 'unchanged'; readonly booking: Booking };

export interface BookingRepository {
  /** Makes a link for a lead; the token is returned once and never stored. */
  createLink(input: { readonly leadId: string; readonly teamId: string | null; readonly expiresAt: Date; readonly createdBy: string }): Promise<{ link: BookingLink; token: string }>;
  findLink(token: string): Promise<BookingLink | undefined>;
  /** The link's confirmed booking, if any. */
  current(linkId: string): Promise<Booking | undefined>;
  listForLead(leadId: string): Promise<Booking[]>;
  /** Busy time and round-robin order of candidates, as a booking would see them now (minus the link's own booking). */
  view(linkId: string, candidates: ReadonlyArray<string>, from: number, until: number): Promise<BookingView>;
  /**
   * Takes a slot atomically: under a lock per candidate rep, reads their busy time and asks
   * `choose` for the rep and slot; books it, replacing the link's current booking (a reschedule).
   * Two bookings can't take one slot: the second sees the first's booking as busy time.
   */
  book(input: {
    readonly link: BookingLink;
    readonly candidates: ReadonlyArray<string>;
    readonly window: { readonly from: number; readonly until: number };
    readonly timeZone: string;
    readonly now: number;
    readonly choose: (view: BookingView) => { readonly repId: string; readonly start: number; readonly end: number } | null;
  }): Promise<BookResult>;
  /** Cancels the link's booking; undefined when it had none. */
  cancel(linkId: string, now: number): Promise<Booking | undefined>;
  /** Records that the lead's actor was told of the booking (`booked`) or of its cancellation. */
  markAnnounced(bookingId: string, what: 'booked' | 'cancelled'): Promise<void>;
  /**
   * Bookings the lead's actor has not been told of, made at least `olderThanMs` ago: confirmed
   * ones not announced, and cancelled ones announced as booked (not moved to another booking).
   */
  unannounced(now: number, olderThanMs: number): Promise<Array<{ readonly booking: Booking; readonly tell: 'booked' | 'cancelled' }>>;
}

/** The SHA-256 of a token, hex: what the table keeps. Tokens are 256 random bits, so no slow hash is needed. */
export function bookingTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toBooking(row: Selectable<BookingsTable>): Booking {
  return {
    id: row.id,
    linkId: row.link_id,
    leadId: row.lead_id,
    repId: row.rep_id,
    start: row.start_at,
    end: row.end_at,
    timeZone: row.time_zone,
    status: row.status as Booking['status'],
    sequence: row.sequence,
    replaces: row.replaces,
    createdAt: row.created_at,
    cancelledAt: row.cancelled_at,
  };
}

async function currentOf(db: Kysely<Database>, linkId: string): Promise<Booking | undefined> {
  const row = await db.selectFrom('bookings').selectAll().where('link_id', '=', linkId).where('status', '=', 'confirmed').executeTakeFirst();
  return row && toBooking(row);
}

async function viewOf(db: Kysely<Database>, own: Booking | undefined, candidates: ReadonlyArray<string>, from: number, until: number): Promise<BookingView> {
  const busy = await readBusy(db, candidates, from, until, own?.id);
  const last = candidates.length === 0
    ? []
    : await db
        .selectFrom('bookings')
        .select(['rep_id', (eb) => eb.fn.max('created_at').as('last')])
        .where('rep_id', 'in', candidates)
        .groupBy('rep_id')
        .execute();
  return { busy, lastBookedAt: new Map(last.map((row) => [row.rep_id, new Date(row.last as Date).getTime()])) };
}

/** Creates the PostgreSQL booking repository. */
export function createBookingRepository(db: Kysely<Database>): BookingRepository {
  return {
    async createLink(input) {
      const token = randomBytes(32).toString('base64url');
      const row = await db
        .insertInto('booking_links')
        .values({ id: newId(), lead_id: input.leadId, token_hash: bookingTokenHash(token), team_id: input.teamId, expires_at: input.expiresAt, created_by: input.createdBy })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { token, link: { id: row.id, leadId: row.lead_id, teamId: row.team_id, expiresAt: row.expires_at, createdAt: row.created_at } };
    },

    async findLink(token) {
      const row = await db.selectFrom('booking_links').selectAll().where('token_hash', '=', bookingTokenHash(token)).executeTakeFirst();
      return row && { id: row.id, leadId: row.lead_id, teamId: row.team_id, expiresAt: row.expires_at, createdAt: row.created_at };
    },

    current: (linkId) => currentOf(db, linkId),

    async listForLead(leadId) {
      return (await db.selectFrom('bookings').selectAll().where('lead_id', '=', leadId).orderBy('created_at', 'desc').execute()).map(toBooking);
    },

    async view(linkId, candidates, from, until) {
      return viewOf(db, await currentOf(db, linkId), candidates, from, until);
    },

    async book(input) {
      return db.transaction().execute(async (trx): Promise<BookResult> => {
        // The link's own booking first, then the reps: the link's row lock orders two requests on one link.
        await trx.selectFrom('booking_links').select('id').where('id', '=', input.link.id).forUpdate().executeTakeFirst();
        const own = await currentOf(trx, input.link.id);
        await lockReps(trx, own ? [...input.candidates, own.repId] : input.candidates);
        const choice = input.choose(await viewOf(trx, own, input.candidates, input.window.from, input.window.until));
        if (!choice) return { kind: 'taken' };
        if (own && own.repId === choice.repId && own.start.getTime() === choice.start && own.end.getTime() === choice.end) return { kind: 'unchanged', booking: own };
        const at = new Date(input.now);
        if (own) await trx.updateTable('bookings').set({ status: 'cancelled', cancelled_at: at }).where('id', '=', own.id).execute();
        const row = await trx
          .insertInto('bookings')
          .values({
            id: newId(),
            link_id: input.link.id,
            lead_id: input.link.leadId,
            rep_id: choice.repId,
            start_at: new Date(choice.start),
            end_at: new Date(choice.end),
            time_zone: input.timeZone,
            sequence: own ? own.sequence + 1 : 0,
            replaces: own?.id ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await refreshRepBusy(trx, own ? [choice.repId, own.repId] : [choice.repId], input.now);
        return { kind: 'booked', booking: toBooking(row), replaced: own ? { ...own, status: 'cancelled', cancelledAt: at } : null };
      });
    },

    async markAnnounced(bookingId, what) {
      await db.updateTable('bookings').set({ announced: what }).where('id', '=', bookingId).execute();
    },

    async unannounced(now, olderThanMs) {
      const before = new Date(now - olderThanMs);
      const toBook = await db.selectFrom('bookings').selectAll().where('status', '=', 'confirmed').where('announced', 'is', null).where('created_at', '<', before).limit(100).execute();
      const toCancel = await db
        .selectFrom('bookings as b')
        .selectAll('b')
        .where('b.status', '=', 'cancelled')
        .where('b.announced', '=', 'booked')
        .where('b.cancelled_at', '<', before)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('bookings as r').select('r.id').whereRef('r.replaces', '=', 'b.id'))))
        .limit(100)
        .execute();
      return [...toBook.map((row) => ({ booking: toBooking(row), tell: 'booked' as const })), ...toCancel.map((row) => ({ booking: toBooking(row), tell: 'cancelled' as const }))];
    },

    async cancel(linkId, now) {
      return db.transaction().execute(async (trx) => {
        // The link's row first, as `book` takes it: a cancel and a move through one link take turns.
        await trx.selectFrom('booking_links').select('id').where('id', '=', linkId).forUpdate().executeTakeFirst();
        const row = await trx
          .updateTable('bookings')
          .set({ status: 'cancelled', cancelled_at: new Date(now) })
          .where('link_id', '=', linkId)
          .where('status', '=', 'confirmed')
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        await refreshRepBusy(trx, [row.rep_id], now);
        return toBooking(row);
      });
    },
  };
}
