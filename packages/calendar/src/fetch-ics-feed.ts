import { STATUS_CODES } from 'node:http';
import { checkCalendarAddress } from './address-guard.ts';
import { CalendarFeedError, CalendarProblem } from './errors.ts';
import { notICalendarReason } from './icalendar-text.ts';
import { readLimitedBody } from './limited-body.ts';
import { formatBytes, formatSeconds, networkReason } from './message-parts.ts';

/** Options of {@link fetchIcsFeed}. */
export interface FetchIcsFeedOptions {
  /** The ETag of the copy already held: sent as If-None-Match. */
  readonly etag?: string | null;
  /** The Last-Modified of the copy already held: sent as If-Modified-Since. */
  readonly lastModified?: string | null;
  /** How long the whole request, body included, may take. @default 10_000 */
  readonly timeoutMs?: number;
  /** The largest body accepted, in bytes. @default 5 MiB */
  readonly maxBytes?: number;
  /** Read feeds on private and local addresses too (an operator's choice). @default false */
  readonly allowPrivateAddresses?: boolean;
}

/** Redirects followed before giving up. */
const MAX_REDIRECTS = 5;

/** What {@link fetchIcsFeed} found: the copy held is still current, or the feed's new text with its validators. */
export type IcsFeedResult =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'changed'; readonly text: string; readonly etag: string | null; readonly lastModified: string | null };

export const DEFAULT_FEED_TIMEOUT_MS = 10_000;
export const DEFAULT_FEED_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Downloads an iCalendar feed (a rep's "secret address in iCal format"), asking only for a
 * newer copy than the one held: with `etag` or `lastModified` from the last answer, a server
 * that has nothing new answers 304 and the result is `unchanged`.
 *
 * `webcal://` addresses are fetched over https; redirects are followed (up to 5). An address on
 * a private or local network is refused unless `allowPrivateAddresses`. Throws
 * `CalendarFeedError` saying what is wrong — an error status, a timeout, a body over the size
 * limit, an answer that is not iCalendar — with `transient` set when a retry may help. Errors
 * name the feed by its host only: the rest of the address is usually a secret.
 *
 * @example
 * const first = await fetchIcsFeed(url);
 * // later:
 * const next = await fetchIcsFeed(url, first.kind === 'changed' ? { etag: first.etag, lastModified: first.lastModified } : {});
 */
export async function fetchIcsFeed(url: string, options: FetchIcsFeedOptions = {}): Promise<IcsFeedResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FEED_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_FEED_MAX_BYTES;
  const address = feedAddress(url);
  const feed = `the calendar feed at ${address.host}`;
  const headers: Record<string, string> = { accept: 'text/calendar, text/plain;q=0.9, */*;q=0.5', 'user-agent': 'Switchboard (calendar reader)' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = (error: unknown) =>
    new CalendarFeedError(`${feed} timed out after ${formatSeconds(timeoutMs)}`, { problem: CalendarProblem.Timeout, cause: error });

  let response: Response;
  // Redirects are followed by hand, so that each address is checked before it is asked.
  for (let hop = 0, next: URL = address; ; hop++) {
    await checkCalendarAddress(next, options.allowPrivateAddresses ?? false);
    try {
      response = await fetch(next, { headers, signal, redirect: 'manual' });
    } catch (error) {
      if (signal.aborted) throw timedOut(error);
      throw new CalendarFeedError(`could not reach ${feed}: ${networkReason(error)}`, { problem: CalendarProblem.Unreachable, cause: error });
    }
    const location = response.status >= 300 && response.status < 400 && response.status !== 304 ? response.headers.get('location') : null;
    if (location === null) break;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new CalendarFeedError(`${feed} redirected more than ${MAX_REDIRECTS} times`, { problem: CalendarProblem.Unreachable });
    next = new URL(location, next);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new CalendarFeedError(`${feed} redirected to a ${next.protocol}// address`, { problem: CalendarProblem.BadAddress });
    }
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { kind: 'unchanged' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CalendarFeedError(`${feed} answered ${response.status} ${response.statusText || STATUS_CODES[response.status] || ''}`.trimEnd() + statusAdvice(response.status), {
      problem: CalendarProblem.HttpStatus,
      status: response.status,
    });
  }
  let body;
  try {
    body = await readLimitedBody(response, maxBytes);
  } catch (error) {
    if (signal.aborted) throw timedOut(error);
    throw new CalendarFeedError(`${feed} broke off while sending: ${networkReason(error)}`, { problem: CalendarProblem.Unreachable, cause: error });
  }
  if (body.kind === 'too-large') {
    const size = body.known ? `is ${formatBytes(body.bytes)}, more than` : 'is more than';
    throw new CalendarFeedError(`${feed} ${size} the ${formatBytes(maxBytes)} limit`, { problem: CalendarProblem.TooLarge, status: response.status });
  }
  const notICalendar = notICalendarReason(body.text);
  if (notICalendar) throw new CalendarFeedError(`${feed} is ${notICalendar}`, { problem: CalendarProblem.NotICalendar, status: response.status });
  return { kind: 'changed', text: body.text, etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
}

/** The address to fetch: `webcal://` (and `webcals://`) read as https, only http(s) otherwise. */
function feedAddress(url: string): URL {
  let address: URL;
  try {
    address = new URL(url.trim().replace(/^webcals?:\/\//i, 'https://'));
  } catch (error) {
    throw new CalendarFeedError('the calendar feed address is not a valid URL: expected https://… or webcal://…', { problem: CalendarProblem.BadAddress, cause: error });
  }
  if (address.protocol !== 'https:' && address.protocol !== 'http:') {
    throw new CalendarFeedError(`the calendar feed address starts with ${address.protocol}//: expected https://, http:// or webcal://`, {
      problem: CalendarProblem.BadAddress,
    });
  }
  return address;
}

/** What to do about an error status, after the status itself. */
function statusAdvice(status: number): string {
  if (status === 404) return ': check the secret address (resetting it in the calendar makes the old one answer 404)';
  if (status === 401 || status === 403) return ': the feed is private; use the calendar\'s secret address in iCal format';
  if (status === 410) return ': the calendar was deleted or its address reset; ask the rep for the new address';
  if (status === 429) return ': the calendar provider limits how often the feed is read; try again later';
  if (status >= 500) return ': the calendar provider has a problem; try again later';
  return '';
}
