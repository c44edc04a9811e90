import { STATUS_CODES } from 'node:http';
import type { BusyBlock } from '@switchboard/core';
import { freeBusyQuery, getBasicAuthHeaders } from 'tsdav';
import { checkCalendarAddress } from './address-guard.ts';
import { CalDavError, CalendarFeedError, CalendarProblem } from './errors.ts';
import { checkBusyWindow } from './busy-window.ts';
import { readLimitedBody } from './limited-body.ts';
import { formatBytes, formatSeconds, networkReason } from './message-parts.ts';
import { parseFreeBusy } from './parse-free-busy.ts';

/** Options of {@link readCalDavFreeBusy}. */
export interface ReadCalDavFreeBusyOptions {
  /** The calendar collection to ask (`https://caldav.example.com/calendars/ana/work/`). */
  readonly url: string;
  /** For HTTP basic authentication, with `password`. */
  readonly username?: string;
  readonly password?: string;
  /** Start of the window, epoch ms (inclusive). */
  readonly from: number;
  /** End of the window, epoch ms (exclusive). */
  readonly until: number;
  /** How long the request may take. @default 10_000 */
  readonly timeoutMs?: number;
  /** The largest answer accepted, in bytes. @default 5 MiB */
  readonly maxBytes?: number;
  /** Ask CalDAV servers on private and local addresses too (an operator's choice). @default false */
  readonly allowPrivateAddresses?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** What the server answered, as read by the fetch handed to tsdav. */
type Answer =
  | { readonly kind: 'text'; readonly status: number; readonly statusText: string; readonly contentType: string; readonly text: string }
  | { readonly kind: 'too-large'; readonly bytes: number; readonly known: boolean };

/**
 * A rep's busy time from a CalDAV server: a `free-busy-query` REPORT (RFC 4791 §7.10) on a
 * calendar collection, sent by tsdav, and the VFREEBUSY answer read by {@link parseFreeBusy}.
 * Sorted, merged blocks, clipped to the window.
 *
 * Throws `CalDavError` when the server cannot be reached, times out, refuses (`status`), or
 * answers with something other than iCalendar; `CalendarFeedError` when the VFREEBUSY it sent
 * cannot be read.
 */
export async function readCalDavFreeBusy(options: ReadCalDavFreeBusyOptions): Promise<BusyBlock[]> {
  const { url, username, password, from, until } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  checkBusyWindow({ from, until });
  const host = hostOf(url);
  const server = `the CalDAV server at ${host}`;
  const signal = AbortSignal.timeout(timeoutMs);
  // tsdav keeps only the first 4 KB of an answer that is not XML, and a VFREEBUSY is not XML:
  // the fetch it is given reads the whole answer (within the size limit) and keeps it here.
  let answer: Answer | undefined;
  const readingFetch: typeof fetch = async (input, init) => {
    // Every request tsdav makes is checked, and none follows a redirect unchecked.
    const target = new URL(input instanceof Request ? input.url : String(input));
    await checkCalendarAddress(target, options.allowPrivateAddresses ?? false);
    const response = await fetch(input, { ...init, redirect: 'error' });
    const body = await readLimitedBody(response, maxBytes);
    if (body.kind === 'too-large') {
      answer = body;
      throw new Error('answer too large');
    }
    const { status, statusText } = response;
    answer = { kind: 'text', status, statusText, contentType: response.headers.get('content-type') ?? '', text: body.text };
    return new Response(body.text, { status, statusText, headers: response.headers });
  };

  try {
    await freeBusyQuery({
      url,
      timeRange: { start: new Date(from).toISOString(), end: new Date(until).toISOString() },
      // RFC 4791 §7.10: the report is defined for Depth 1.
      depth: '1',
      headers: username !== undefined || password !== undefined ? getBasicAuthHeaders({ username: username ?? '', password: password ?? '' }) : {},
      fetchOptions: { signal },
      fetch: readingFetch,
    });
  } catch (error) {
    // An address refused before it was asked is said as it is.
    if (error instanceof CalendarFeedError && error.problem === CalendarProblem.BadAddress) throw error;
    // tsdav throws a plain Error for an error status, and may stumble on an answer it does not
    // expect; the answer read above is what counts.
    if (answer?.kind === 'too-large') throw tooLarge(server, answer, maxBytes);
    if (!answer && signal.aborted) throw new CalDavError(`${server} timed out after ${formatSeconds(timeoutMs)}`, { problem: CalendarProblem.Timeout, cause: error });
    if (!answer) throw new CalDavError(`could not reach ${server}: ${networkReason(error)}`, { problem: CalendarProblem.Unreachable, cause: error });
  }
  if (answer?.kind !== 'text') throw new CalDavError(`${server} sent no answer`, { problem: CalendarProblem.Unreachable });
  if (answer.status >= 400) throw statusError(server, answer.status, answer.statusText);
  if (/xml/i.test(answer.contentType)) {
    throw new CalDavError(`${server} answered with XML instead of a VFREEBUSY: is the address a calendar collection, and does the server support free-busy-query?`, {
      problem: CalendarProblem.NotICalendar,
      status: answer.status,
    });
  }
  try {
    return parseFreeBusy(answer.text, { from, until });
  } catch (error) {
    if (error instanceof CalendarFeedError) {
      // "the iCalendar file cannot be read: …" / "not an iCalendar file: …", said of this answer.
      const what = `${server}'s free-busy answer`;
      const message = error.message.startsWith('the iCalendar file ') ? error.message.replace('the iCalendar file', what) : `${what} is ${error.message}`;
      throw new CalDavError(message, { problem: error.problem, status: answer.status, cause: error });
    }
    throw error;
  }
}

function statusError(server: string, status: number, statusText: string): CalDavError {
  const advice =
    status === 401 || status === 403
      ? ': check the user name and password (many providers want an app password)'
      : status === 404
        ? ': check the calendar address'
        : status >= 500 || status === 429
          ? ': try again later'
          : '';
  return new CalDavError(`${server} answered ${status} ${statusText || STATUS_CODES[status] || ''}`.trimEnd() + advice, {
    problem: CalendarProblem.HttpStatus,
    status,
  });
}

function tooLarge(server: string, answer: { readonly bytes: number; readonly known: boolean }, maxBytes: number): CalDavError {
  const size = answer.known ? `is ${formatBytes(answer.bytes)}, more than` : 'is more than';
  return new CalDavError(`${server}'s answer ${size} the ${formatBytes(maxBytes)} limit`, { problem: CalendarProblem.TooLarge });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch (error) {
    throw new CalDavError('the CalDAV address is not a valid URL: expected https://…', { problem: CalendarProblem.BadAddress, cause: error });
  }
}
