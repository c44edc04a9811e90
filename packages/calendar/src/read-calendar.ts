import type { BusyBlock, CalendarSource } from '@switchboard/core';
import { fetchIcsFeed } from './fetch-ics-feed.ts';
import { parseIcsBusy } from './parse-ics-busy.ts';
import { readCalDavFreeBusy } from './read-caldav-free-busy.ts';

/** What reading a calendar gave: its busy time and the validators for the next conditional GET, or no change. */
export type CalendarRead =
  | { readonly kind: 'changed'; readonly busy: BusyBlock[]; readonly etag: string | null; readonly lastModified: string | null }
  | { readonly kind: 'unchanged' };

export interface ReadCalendarOptions {
  /** Busy time is read from `now` until `now + horizonMs`. */
  readonly now: number;
  readonly horizonMs: number;
  /** The rep's zone: floating times and all-day events are the rep's local days. */
  readonly timezone: string;
  /** Validators of the last reading, for a conditional GET (ICS feeds). */
  readonly etag?: string | null;
  readonly lastModified?: string | null;
  /** Read calendars on private and local addresses too (`SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES=allow`). @default false */
  readonly allowPrivateAddresses?: boolean;
}

/**
 * Reads one calendar of a rep into busy time: an ICS feed with a conditional GET, or a CalDAV
 * calendar's free-busy. Throws `CalendarFeedError` / `CalDavError` with a message for people.
 */
export async function readCalendar(source: CalendarSource, options: ReadCalendarOptions): Promise<CalendarRead> {
  const window = { from: options.now, until: options.now + options.horizonMs };
  if (source.kind === 'caldav') {
    const busy = await readCalDavFreeBusy({
      url: source.url,
      ...(source.username !== null && { username: source.username }),
      ...(source.password !== null && { password: source.password }),
      ...window,
      allowPrivateAddresses: options.allowPrivateAddresses ?? false,
    });
    return { kind: 'changed', busy, etag: null, lastModified: null };
  }
  const feed = await fetchIcsFeed(source.url, {
    etag: options.etag ?? null,
    lastModified: options.lastModified ?? null,
    allowPrivateAddresses: options.allowPrivateAddresses ?? false,
  });
  if (feed.kind === 'unchanged') return feed;
  return { kind: 'changed', busy: parseIcsBusy(feed.text, { ...window, timezone: options.timezone }), etag: feed.etag, lastModified: feed.lastModified };
}
