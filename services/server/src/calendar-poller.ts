import { readCalendar } from '@switchboard/calendar';
import type { Logger } from '@switchboard/core';
import { bookingCommand, type Bus, encodeJson, leadCommandReplySchema, type Subjects } from '@switchboard/bus';
import { createBookingRepository, createCalendarRepository, type Database, type PollResult, type RepCalendar } from '@switchboard/store';
import type { Kysely } from 'kysely';

/** How the poller reads calendars. */
export interface CalendarPollerSettings {
  /** How often each calendar is read. @default 5 minutes */
  readonly pollEveryMs: number;
  /** How far ahead busy time is read. @default 92 days */
  readonly horizonMs: number;
  /** How often the poller looks for due calendars and slides reps' busy time along. @default 5 s */
  readonly tickMs?: number;
  /** Read calendars on private and local addresses too. @default false */
  readonly allowPrivateAddresses?: boolean;
}

/** A feed answered 304 since it was last read whole for this long: read it whole, as its busy time's horizon has moved on. */
const FULL_READ_EVERY_MS = 24 * 3_600_000;
/** A claimed calendar is left to others after this long (its poller died mid-read). */
const LEASE_MS = 60_000;
const BATCH = 20;

export interface CalendarPoller {
  start(): void;
  stop(): Promise<void>;
  /** One round: polls due calendars and refreshes reps' busy time; for tests and for `stop`. */
  pollOnce(): Promise<void>;
}

/**
 * Polls reps' calendars (ICS feeds with a conditional GET, CalDAV free-busy) when due, records
 * each reading — a failing feed is shown on the rep, and its last good busy time kept — and tells
 * the router when a rep's busy time changed. Also slides every rep's busy time along as meetings
 * come into its horizon. One per deployment, beside the notifier.
 */
export function createCalendarPoller(deps: {
  db: Kysely<Database>;
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  settings: CalendarPollerSettings;
  now?: () => number;
}): CalendarPoller {
  const calendars = createCalendarRepository(deps.db);
  const bookings = createBookingRepository(deps.db);
  const now = deps.now ?? Date.now;
  const tickMs = deps.settings.tickMs ?? Math.min(5000, deps.settings.pollEveryMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let lastSlide = 0;

  const syncRep = async (repId: string) => {
    try {
      await deps.bus.request(deps.subjects.repCommand(repId), encodeJson({ type: 'rep.sync' }), { timeoutMs: 5000 });
    } catch (error) {
      // The router reloads every rep when it starts: a rep it did not hear of now is read then.
      deps.logger.warn({ err: error, repId }, 'could not tell the router that a rep’s calendar changed; it reads it when it next loads the rep');
    }
  };

  const timezoneOf = async (repId: string) =>
    (await deps.db.selectFrom('reps').select('timezone').where('id', '=', repId).executeTakeFirst())?.timezone ?? 'UTC';

  const poll = async (calendar: RepCalendar, at: number): Promise<PollResult> => {
    const conditional = calendar.readAt !== null && at - calendar.readAt.getTime() < FULL_READ_EVERY_MS;
    try {
      const read = await readCalendar(calendar.source, {
        now: at,
        horizonMs: deps.settings.horizonMs,
        timezone: await timezoneOf(calendar.repId),
        allowPrivateAddresses: deps.settings.allowPrivateAddresses ?? false,
        ...(conditional && { etag: calendar.etag, lastModified: calendar.lastModified }),
      });
      return read.kind === 'unchanged' ? read : { kind: 'changed', reading: { busy: read.busy, etag: read.etag, lastModified: read.lastModified } };
    } catch (error) {
      return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
  };

  /**
   * Bookings made or cancelled while no router answered: the lead's actor is told now (a meeting
   * touch and `lead.booked`, or `lead.booking_cancelled`), so that no booking goes unheard.
   */
  const announceBookings = async (at: number) => {
    // Older than the API's own try (its command times out after 10 s), so the two never both tell.
    for (const { booking, tell } of await bookings.unannounced(at, 15_000)) {
      const command = bookingCommand(booking, tell);
      try {
        const reply = leadCommandReplySchema.parse((await deps.bus.request(deps.subjects.leadCommand(booking.leadId), encodeJson(command), { timeoutMs: 5000 })).json());
        // A lead that can't take it (closed meanwhile) is told nothing more: the booking stands as recorded.
        if (reply.ok || reply.code === 'conflict' || reply.code === 'not_found') await bookings.markAnnounced(booking.id, tell);
      } catch (error) {
        deps.logger.warn({ err: error, bookingId: booking.id }, 'could not tell a lead of its booking; trying again');
        return;
      }
    }
  };

  const round = async () => {
    const at = now();
    await announceBookings(at);
    for (;;) {
      const due = await calendars.claimDue(at, BATCH, LEASE_MS);
      if (due.length === 0) break;
      await Promise.all(
        due.map(async (calendar) => {
          const result = await poll(calendar, at);
          if (result.kind === 'failed') deps.logger.warn({ repId: calendar.repId, error: result.error }, 'a rep’s calendar could not be read; its last reading stands');
          const { busyChanged } = await calendars.recordPoll(calendar, result, now(), now() + deps.settings.pollEveryMs);
          if (busyChanged) await syncRep(calendar.repId);
        }),
      );
      if (due.length < BATCH) break;
    }
    // Meetings come into the routing horizon as time passes, and bookings end: once a minute.
    if (at - lastSlide >= 60_000) {
      lastSlide = at;
      const reps = await deps.db
        .selectFrom('reps')
        .select('id')
        .where((eb) =>
          eb.or([
            eb(eb.fn('jsonb_array_length', ['busy']), '>', 0),
            eb.exists(eb.selectFrom('rep_calendars').select('id').whereRef('rep_calendars.rep_id', '=', 'reps.id')),
            // A meeting booked days ahead comes into the horizon later, for a rep with no calendar too.
            eb.exists(
              eb.selectFrom('bookings').select('id').whereRef('bookings.rep_id', '=', 'reps.id').where('status', '=', 'confirmed').where('end_at', '>', new Date(at)),
            ),
          ]),
        )
        .execute();
      for (const repId of await calendars.refreshBusy(reps.map((r) => r.id), at)) await syncRep(repId);
    }
  };

  const pollOnce = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };

  const loop = () => {
    if (stopped) return;
    pollOnce()
      .catch((error: unknown) => deps.logger.error({ err: error }, 'polling reps’ calendars failed; trying again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, tickMs);
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
    pollOnce,
  };
}
