import { SwitchboardError } from '@switchboard/core';

/** What went wrong with a calendar source, for a caller deciding whether to retry or to tell the rep. */
export const CalendarProblem = {
  /** The address is not an http(s) or webcal address. */
  BadAddress: 'bad-address',
  /** The server could not be reached (DNS, refused connection, TLS). */
  Unreachable: 'unreachable',
  /** The server did not answer in time. */
  Timeout: 'timeout',
  /** The server answered with an error status (`status` says which). */
  HttpStatus: 'http-status',
  /** The answer is larger than the size limit. */
  TooLarge: 'too-large',
  /** The answer is not iCalendar at all (an HTML login page, JSON, an empty body). */
  NotICalendar: 'not-icalendar',
  /** The answer is iCalendar but broken: a line or a value that cannot be read, a file cut short. */
  Malformed: 'malformed',
} as const;
export type CalendarProblem = (typeof CalendarProblem)[keyof typeof CalendarProblem];

/** Problems that may go away by themselves: trying again later can succeed. */
const TRANSIENT: ReadonlySet<CalendarProblem> = new Set([CalendarProblem.Unreachable, CalendarProblem.Timeout]);

/** HTTP statuses that say "later", not "never". */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** The details every calendar error carries. */
export interface CalendarErrorDetails {
  readonly problem: CalendarProblem;
  /** The HTTP status the server answered with, when it answered. */
  readonly status?: number | null;
  readonly cause?: unknown;
}

/** Base of the two calendar errors: what went wrong (`problem`), the HTTP status if any, and whether a retry may help. */
abstract class CalendarSourceError extends SwitchboardError {
  readonly problem: CalendarProblem;
  /** The HTTP status the server answered with; null when it did not answer or the text was at fault. */
  readonly status: number | null;
  /** True when trying again later may succeed as it is (a timeout, a 503); false when someone must fix something. */
  readonly transient: boolean;
  constructor(message: string, details: CalendarErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.problem = details.problem;
    this.status = details.status ?? null;
    this.transient = TRANSIENT.has(details.problem) || (this.status !== null && TRANSIENT_STATUSES.has(this.status));
  }
}

/**
 * An iCalendar feed could not be fetched, or its text could not be read as iCalendar.
 * Messages name the feed by its host only: a feed's address usually holds a secret token.
 */
export class CalendarFeedError extends CalendarSourceError {
  override name = 'CalendarFeedError';
}

/** A CalDAV server's free-busy answer could not be had or read. */
export class CalDavError extends CalendarSourceError {
  override name = 'CalDavError';
}
