import { type BusyBlock, type CalendarSource, mergeBusyBlocks, newId, NotFoundError } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/** How far ahead a rep's own busy time (what routing reads) reaches: meetings further out can't make the rep busy before the next poll. */
export const ROUTING_BUSY_HORIZON_MS = 48 * 3_600_000;

/** A calendar as read at the moment it was set: its busy time and the validators for the next conditional GET. */
export interface CalendarReading {
  readonly busy: ReadonlyArray<BusyBlock>;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** One of a rep's calendars, with how its last reading went. */
export interface RepCalendar {
  readonly id: string;
  readonly repId: string;
  readonly source: CalendarSource;
  /** When it was last read successfully (a 304 counts). */
  readonly syncedAt: Date | null;
  /** When it was last read whole: its busy time reaches a horizon from then, so it is read whole again now and then. */
  readonly readAt: Date | null;
  /** Why the last reading failed, for people; null when it worked. */
  readonly error: string | null;
  /** Since when it has been failing. */
  readonly failingSince: Date | null;
  readonly nextPollAt: Date;
  /** The busy time it last gave. */
  readonly busy: ReadonlyArray<BusyBlock>;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** What a poll found. */
export type PollResult =
  | { readonly kind: 'changed'; readonly reading: CalendarReading }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'failed'; readonly error: string };

/** Reads and writes reps' calendars, and keeps each rep's busy time (calendars and bookings merged). */
export interface CalendarRepository {
  /**
   * Sets a rep's calendars (the list replaces the old one), each with what was read from it just
   * now, and refreshes the rep's busy time. Throws `NotFoundError` for an unknown rep.
   */
  replace(repId: string, calendars: ReadonlyArray<{ readonly source: CalendarSource; readonly reading: CalendarReading }>, now: number, pollEveryMs: number): Promise<void>;
  listFor(repIds: ReadonlyArray<string>): Promise<Map<string, RepCalendar[]>>;
  /** Claims calendars due for a poll, leased for `leaseMs` so that no other process polls them meanwhile. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<RepCalendar[]>;
  /**
   * Records a poll and refreshes the rep's busy time; answers whether the rep's busy time (as
   * routing sees it) changed, so the caller tells the router only then.
   */
  recordPoll(calendar: RepCalendar, result: PollResult, now: number, nextPollAt: number): Promise<{ readonly busyChanged: boolean }>;
  /** Refreshes the busy time of reps whose time moved on (a meeting entered the horizon); answers those that changed. */
  refreshBusy(repIds: ReadonlyArray<string>, now: number): Promise<string[]>;
  /** Busy time of each rep between `from` and `until`: calendars and confirmed bookings, merged. */
  busyBetween(repIds: ReadonlyArray<string>, from: number, until: number): Promise<Map<string, BusyBlock[]>>;
}

function toCalendar(row: {
  id: string;
  rep_id: string;
  kind: string;
  url: string;
  username: string | null;
  password: string | null;
  synced_at: Date | null;
  read_at: Date | null;
  error: string | null;
  failing_since: Date | null;
  next_poll_at: Date;
  busy: Array<{ start: number; end: number }>;
  etag: string | null;
  last_modified: string | null;
}): RepCalendar {
  const source: CalendarSource =
    row.kind === 'caldav' ? { kind: 'caldav', url: row.url, username: row.username, password: row.password } : { kind: 'ics', url: row.url };
  return {
    id: row.id,
    repId: row.rep_id,
    source,
    syncedAt: row.synced_at,
    readAt: row.read_at,
    error: row.error,
    failingSince: row.failing_since,
    nextPollAt: row.next_poll_at,
    busy: row.busy,
    etag: row.etag,
    lastModified: row.last_modified,
  };
}

const overlaps = (block: BusyBlock, from: number, until: number) => block.end > from && block.start < until;

/**
 * Busy time of reps from `from` to `until`: their calendars' and their confirmed bookings',
 * merged. Reads inside the caller's transaction, so a booking made in it counts.
 */
export async function readBusy(
  db: Kysely<Database>,
  repIds: ReadonlyArray<string>,
  from: number,
  until: number,
  exceptBooking?: string,
): Promise<Map<string, BusyBlock[]>> {
  const blocks = new Map<string, BusyBlock[]>(repIds.map((id) => [id, []]));
  if (repIds.length === 0) return blocks;
  const calendars = await db.selectFrom('rep_calendars').select(['rep_id', 'busy']).where('rep_id', 'in', repIds).execute();
  for (const row of calendars) blocks.get(row.rep_id)?.push(...row.busy.filter((b) => overlaps(b, from, until)));
  const bookings = await db
    .selectFrom('bookings')
    .select(['rep_id', 'start_at', 'end_at'])
    .where('rep_id', 'in', repIds)
    .where('status', '=', 'confirmed')
    .where('end_at', '>', new Date(from))
    .where('start_at', '<', new Date(until))
    .$if(exceptBooking !== undefined, (q) => q.where('id', '!=', exceptBooking as string))
    .execute();
  for (const row of bookings) blocks.get(row.rep_id)?.push({ start: row.start_at.getTime(), end: row.end_at.getTime() });
  return new Map([...blocks].map(([id, list]) => [id, mergeBusyBlocks(list)]));
}

const sameBlocks = (a: ReadonlyArray<BusyBlock>, b: ReadonlyArray<BusyBlock>) =>
  a.length === b.length && a.every((block, i) => block.start === b[i]?.start && block.end === b[i]?.end);

/**
 * Writes each rep's busy time as routing reads it (`reps.busy`: from now to the horizon), inside
 * the caller's transaction; answers the reps whose busy time changed.
 */
export async function refreshRepBusy(db: Kysely<Database>, repIds: ReadonlyArray<string>, now: number): Promise<string[]> {
  if (repIds.length === 0) return [];
  const busy = await readBusy(db, repIds, now, now + ROUTING_BUSY_HORIZON_MS);
  const current = await db.selectFrom('reps').select(['id', 'busy']).where('id', 'in', repIds).execute();
  const changed: string[] = [];
  for (const row of current) {
    const next = busy.get(row.id) ?? [];
    if (sameBlocks(row.busy, next)) continue;
    await db.updateTable('reps').set({ busy: JSON.stringify(next) }).where('id', '=', row.id).execute();
    changed.push(row.id);
  }
  return changed;
}

/** Creates the PostgreSQL calendar repository. */
export function createCalendarRepository(db: Kysely<Database>): CalendarRepository {
  return {
    async replace(repId, calendars, now, pollEveryMs) {
      await db.transaction().execute(async (trx) => {
        const rep = await trx.selectFrom('reps').select('id').where('id', '=', repId).forUpdate().executeTakeFirst();
        if (!rep) throw new NotFoundError('rep', repId, 'list reps with GET /v1/reps');
        await trx.deleteFrom('rep_calendars').where('rep_id', '=', repId).execute();
        if (calendars.length > 0) {
          await trx
            .insertInto('rep_calendars')
            .values(
              calendars.map(({ source, reading }, position) => ({
                id: newId(),
                rep_id: repId,
                position,
                kind: source.kind,
                url: source.url,
                username: source.kind === 'caldav' ? source.username : null,
                password: source.kind === 'caldav' ? source.password : null,
                etag: reading.etag,
                last_modified: reading.lastModified,
                busy: JSON.stringify(reading.busy),
                synced_at: new Date(now),
                read_at: new Date(now),
                next_poll_at: new Date(now + pollEveryMs),
              })),
            )
            .execute();
        }
        await refreshRepBusy(trx, [repId], now);
      });
    },

    async listFor(repIds) {
      const byRep = new Map<string, RepCalendar[]>(repIds.map((id) => [id, []]));
      if (repIds.length === 0) return byRep;
      const rows = await db.selectFrom('rep_calendars').selectAll().where('rep_id', 'in', repIds).orderBy('rep_id').orderBy('position').execute();
      for (const row of rows) byRep.get(row.rep_id)?.push(toCalendar(row));
      return byRep;
    },

    async claimDue(now, limit, leaseMs) {
      const at = new Date(now);
      const rows = await db
        .updateTable('rep_calendars')
        .set({ leased_until: new Date(now + leaseMs) })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('rep_calendars')
            .select('id')
            .where('next_poll_at', '<=', at)
            .where((w) => w.or([w('leased_until', 'is', null), w('leased_until', '<', at)]))
            .orderBy('next_poll_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      return rows.map(toCalendar);
    },

    async recordPoll(calendar, result, now, nextPollAt) {
      return db.transaction().execute(async (trx) => {
        const at = new Date(now);
        const base = { next_poll_at: new Date(nextPollAt), leased_until: null };
        const update =
          result.kind === 'failed'
            ? { ...base, error: result.error, failing_since: calendar.failingSince ?? at }
            : {
                ...base,
                error: null,
                failing_since: null,
                synced_at: at,
                ...(result.kind === 'changed' && {
                  busy: JSON.stringify(result.reading.busy),
                  etag: result.reading.etag,
                  last_modified: result.reading.lastModified,
                  read_at: at,
                }),
              };
        // The calendar may have been replaced meanwhile (the rep set new ones): then this poll is moot.
        const kept = await trx.updateTable('rep_calendars').set(update).where('id', '=', calendar.id).returning('id').executeTakeFirst();
        if (!kept) return { busyChanged: false };
        const changed = await refreshRepBusy(trx, [calendar.repId], now);
        return { busyChanged: changed.length > 0 };
      });
    },

    async refreshBusy(repIds, now) {
      return db.transaction().execute((trx) => refreshRepBusy(trx, repIds, now));
    },

    busyBetween(repIds, from, until) {
      return readBusy(db, repIds, from, until);
    },
  };
}

/** Takes a per-rep transaction lock, in id order so that two bookings over overlapping reps can't deadlock. */
export async function lockReps(trx: Kysely<Database>, repIds: ReadonlyArray<string>): Promise<void> {
  for (const id of [...new Set(repIds)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`booking:${id}`}, 0))`.execute(trx);
  }
}
