import { readCalendar } from '@switchboard/calendar';
import { type CalendarInput, type CalendarSource, calendarSourceOf, ValidationError } from '@switchboard/core';
import type { CalendarReading, CalendarRepository, RepCalendar } from '@switchboard/store';

/** How calendars are read and polled. */
export interface CalendarSettings {
  /** How often each calendar is polled. @default 5 minutes */
  readonly pollEveryMs: number;
  /** How far ahead busy time is read: the longest booking window, and a little more. @default 92 days */
  readonly horizonMs: number;
  /** Read calendars on private and local addresses too (`SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES=allow`). @default false */
  readonly allowPrivateAddresses?: boolean;
}

export const DEFAULT_CALENDAR_SETTINGS: CalendarSettings = { pollEveryMs: 5 * 60_000, horizonMs: 92 * 86_400_000 };

/** A calendar just read, ready to be saved with the rep. */
export interface ReadCalendar {
  readonly source: CalendarSource;
  readonly reading: CalendarReading;
}

/** Reads calendars when a rep's are set ("read at once"), and saves them with what was read. */
export interface CalendarReader {
  /** Reads each calendar; throws a `ValidationError` naming each that can't be read (`calendars[1]: …`). */
  readAll(inputs: ReadonlyArray<CalendarInput>, timezone: string): Promise<ReadCalendar[]>;
  save(repId: string, calendars: ReadonlyArray<ReadCalendar>): Promise<void>;
}

export function createCalendarReader(deps: { calendars: CalendarRepository; settings?: CalendarSettings; clock?: () => number }): CalendarReader {
  const settings = deps.settings ?? DEFAULT_CALENDAR_SETTINGS;
  const clock = deps.clock ?? Date.now;
  return {
    async readAll(inputs, timezone) {
      const now = clock();
      const results = await Promise.allSettled(
        inputs.map(async (input): Promise<ReadCalendar> => {
          const source = calendarSourceOf(input);
          const read = await readCalendar(source, { now, horizonMs: settings.horizonMs, timezone, allowPrivateAddresses: settings.allowPrivateAddresses ?? false });
          // Nothing was sent to validate against, so the answer can't be "unchanged".
          const reading = read.kind === 'changed' ? { busy: read.busy, etag: read.etag, lastModified: read.lastModified } : { busy: [], etag: null, lastModified: null };
          return { source, reading };
        }),
      );
      const issues = results.flatMap((result, i) =>
        result.status === 'rejected'
          ? [{ path: `calendars[${i}]`, message: `${result.reason instanceof Error ? result.reason.message : String(result.reason)}; nothing was changed` }]
          : [],
      );
      if (issues.length > 0) throw new ValidationError(issues);
      return results.map((result) => (result as PromiseFulfilledResult<ReadCalendar>).value);
    },

    save(repId, calendars) {
      return deps.calendars.replace(repId, calendars, clock(), settings.pollEveryMs);
    },
  };
}

/** A calendar's address with its secret part left out: `https://calendar.google.com/…`. */
export function shortAddress(url: string): string {
  try {
    const parsed = new URL(url.replace(/^webcal:/i, 'https:'));
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
}

/** A rep's calendar as the API shows it. */
export function presentCalendar(calendar: RepCalendar) {
  return {
    kind: calendar.source.kind,
    address: shortAddress(calendar.source.url),
    status: calendar.error === null ? ('ok' as const) : ('failing' as const),
    syncedAt: calendar.syncedAt,
    error: calendar.error,
    failingSince: calendar.failingSince,
    nextPollAt: calendar.nextPollAt,
  };
}
