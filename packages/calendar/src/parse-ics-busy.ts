import { mergeBusyBlocks, type BusyBlock } from '@switchboard/core';
import ICAL from 'ical.js';
import { checkBusyWindow } from './busy-window.ts';
import { CalendarFeedError, CalendarProblem } from './errors.ts';
import { parseICalendar } from './icalendar-text.ts';
import { registerIanaTimezones } from './iana-timezones.ts';
import { epochOf } from './icalendar-time.ts';

/** Options of {@link parseIcsBusy}. */
export interface ParseIcsBusyOptions {
  /** Start of the window to report, epoch ms (inclusive). */
  readonly from: number;
  /** End of the window to report, epoch ms (exclusive). */
  readonly until: number;
  /**
   * The rep's IANA time zone (`Europe/Berlin`): floating times and all-day events are read on
   * this wall clock.
   */
  readonly timezone: string;
}

/**
 * The most occurrences of one recurring event that are expanded, counting those before the
 * window. A daily meeting since 1972 is about 20,000; a rule that goes past this (repeating
 * every minute for years) is expanded no further: its later occurrences are not counted.
 */
export const MAX_OCCURRENCES_PER_EVENT = 20_000;

/**
 * The most occurrences expanded for one calendar, all series together. Past it the calendar
 * is refused (`CalendarFeedError`): reading it would hold the caller for seconds, and a
 * partial answer would show busy time as free.
 */
export const MAX_OCCURRENCES_PER_CALENDAR = 250_000;

/**
 * The busy time an iCalendar feed shows between `from` and `until`: sorted, merged blocks,
 * clipped to the window.
 *
 * Every VEVENT counts except those marked `TRANSP:TRANSPARENT` ("show as free") or
 * `STATUS:CANCELLED`. Recurring events are expanded inside the window (RRULE, RDATE, EXDATE),
 * with moved or changed occurrences (RECURRENCE-ID) in their new place. Times with a TZID keep
 * their wall-clock time across daylight-saving changes; floating times and all-day events
 * (`VALUE=DATE`, midnight to midnight) are read in `timezone`. VTODO, VJOURNAL and the rest
 * are ignored; a VEVENT without a start is skipped.
 *
 * Pure: no I/O. Throws `CalendarFeedError` when the text is not iCalendar or cannot be read,
 * and `ValidationError` for a bad window or time zone.
 *
 * @example
 * const busy = parseIcsBusy(text, { from: Date.parse('2027-03-15T00:00Z'), until: Date.parse('2027-03-22T00:00Z'), timezone: 'Europe/Berlin' });
 */
export function parseIcsBusy(text: string, options: ParseIcsBusyOptions): BusyBlock[] {
  const { from, until, timezone } = options;
  checkBusyWindow({ from, until, timezone });
  const blocks: BusyBlock[] = [];
  const add = (start: number, end: number) => {
    if (start < until && end > from) blocks.push({ start: Math.max(start, from), end: Math.min(end, until) });
  };
  const budget = { left: MAX_OCCURRENCES_PER_CALENDAR };
  for (const calendar of parseICalendar(text)) {
    registerIanaTimezones(calendar);
    const { masters, overridesByUid } = eventsOf(calendar);
    for (const master of masters) {
      const overrides = overridesByUid.get(String(master.getFirstPropertyValue('uid'))) ?? [];
      withEventContext(master, () => expandMaster(master, overrides, { from, until, timezone }, add, budget));
    }
    // A moved or changed occurrence counts where it is now, whether or not its master is in
    // the feed (a feed may hold only the occurrences a rep was invited to).
    for (const override of [...overridesByUid.values()].flat()) {
      withEventContext(override, () => {
        if (!isBusy(override)) return;
        const event = new ICAL.Event(override, { exceptions: [] });
        const span = spanOf(event, timezone);
        if (span) add(span.start, span.end);
      });
    }
  }
  return mergeBusyBlocks(blocks);
}

/** The VEVENTs of a calendar: series masters and single events, and the overrides (RECURRENCE-ID) by UID. */
function eventsOf(calendar: ICAL.Component): { masters: ICAL.Component[]; overridesByUid: Map<string, ICAL.Component[]> } {
  const masters: ICAL.Component[] = [];
  const overridesByUid = new Map<string, ICAL.Component[]>();
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    if (!vevent.hasProperty('dtstart')) continue;
    if (vevent.hasProperty('recurrence-id')) {
      const uid = String(vevent.getFirstPropertyValue('uid'));
      overridesByUid.set(uid, [...(overridesByUid.get(uid) ?? []), vevent]);
    } else {
      masters.push(vevent);
    }
  }
  return { masters, overridesByUid };
}

/** False for an event shown as free or cancelled. */
function isBusy(vevent: ICAL.Component): boolean {
  const upper = (name: string) => String(vevent.getFirstPropertyValue(name) ?? '').toUpperCase();
  // Outlook marks "show as free" (and "working elsewhere") with its own property, not always with TRANSP.
  const outlook = upper('x-microsoft-cdo-busystatus');
  return upper('transp') !== 'TRANSPARENT' && upper('status') !== 'CANCELLED' && outlook !== 'FREE' && outlook !== 'WORKINGELSEWHERE';
}

/** Start and end of a single event or an override, in epoch ms; null when it has no start. */
function spanOf(event: ICAL.Event, timezone: string): { start: number; end: number } | null {
  if (!event.component.hasProperty('dtstart')) return null;
  // With DURATION instead of DTEND, ical.js derives the end from the start, in the start's zone.
  return { start: epochOf(event.startDate, timezone), end: epochOf(event.endDate, timezone) };
}

/** More than any UTC offset (−12 h to +14 h) plus a daylight-saving shift. */
const OFFSET_MARGIN_MS = 26 * 60 * 60 * 1000;

/** An ICAL.Time's wall-clock fields read as if UTC: within {@link OFFSET_MARGIN_MS} of the instant it stands for. */
const roughEpoch = (time: ICAL.Time) => Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);

/** Adds the busy occurrences of a single event or a recurring series, leaving out those an override replaces. */
function expandMaster(
  master: ICAL.Component,
  overrides: ReadonlyArray<ICAL.Component>,
  window: { readonly from: number; readonly until: number; readonly timezone: string },
  add: (start: number, end: number) => void,
  budget: { left: number },
): void {
  if (!isBusy(master)) return;
  const event = new ICAL.Event(master, { exceptions: [...overrides] });
  if (!event.isRecurring()) {
    const span = spanOf(event, window.timezone);
    if (span) add(span.start, span.end);
    return;
  }
  const lengthMs = event.duration.toSeconds() * 1000;
  // A RANGE=THISANDFUTURE override can move occurrences by any amount: then no occurrence can
  // be judged by its own time alone.
  const movable = event.rangeExceptions.length > 0;
  if (!movable && endedBefore(master, window.from - lengthMs - OFFSET_MARGIN_MS)) return;
  // Occurrences are matched to overrides by instant, so a RECURRENCE-ID written in UTC still
  // finds an occurrence written in Europe/Berlin.
  const overridden = new Set(
    overrides.map((override) => {
      return epochOf(override.getFirstPropertyValue('recurrence-id') as ICAL.Time, window.timezone);
    }),
  );
  const iterator = event.iterator();
  for (let count = 0; count < MAX_OCCURRENCES_PER_EVENT; count++) {
    if (--budget.left < 0) {
      throw new CalendarFeedError(
        `the iCalendar file has more recurring occurrences than can be read: over ${MAX_OCCURRENCES_PER_CALENDAR.toLocaleString('en')} up to the end of the window`,
        { problem: CalendarProblem.Malformed },
      );
    }
    const occurrence = iterator.next();
    if (!occurrence) return;
    // Converting a wall time in a zone costs tens of microseconds, and a daily series from
    // years back has thousands of occurrences before the window: those far from it are passed
    // over on their wall time alone.
    if (!movable) {
      const rough = roughEpoch(occurrence);
      if (rough - OFFSET_MARGIN_MS >= window.until) return;
      if (rough + lengthMs + OFFSET_MARGIN_MS <= window.from) continue;
    }
    const originalStart = epochOf(occurrence, window.timezone);
    if (originalStart >= window.until) return;
    if (overridden.has(originalStart)) continue;
    const details = event.getOccurrenceDetails(occurrence);
    if (details.item !== event && !isBusy(details.item.component)) continue;
    add(epochOf(details.startDate, window.timezone), epochOf(details.endDate, window.timezone));
  }
}

/**
 * True when every rule of a series ends (UNTIL) before `before`, judged roughly, and it has no
 * extra dates: a series that ended years ago is then not expanded at all.
 */
function endedBefore(master: ICAL.Component, before: number): boolean {
  if (master.hasProperty('rdate')) return false;
  return master.getAllProperties('rrule').every((property) => {
    const until = (property.getFirstValue() as ICAL.Recur).until;
    return until !== null && until !== undefined && roughEpoch(until) + OFFSET_MARGIN_MS < before;
  });
}

/** Runs `work` for one event, naming the event in any error it throws that is not already ours. */
function withEventContext(vevent: ICAL.Component, work: () => void): void {
  try {
    work();
  } catch (error) {
    if (error instanceof CalendarFeedError) throw error;
    const uid = vevent.getFirstPropertyValue('uid');
    const which = uid ? `the event with UID ${JSON.stringify(String(uid))}` : 'an event without UID';
    throw new CalendarFeedError(`the iCalendar file cannot be read: ${which} is broken: ${(error as Error).message}`, {
      problem: CalendarProblem.Malformed,
      cause: error,
    });
  }
}
