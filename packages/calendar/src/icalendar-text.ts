import ICAL from 'ical.js';
import { CalendarFeedError, CalendarProblem } from './errors.ts';

const BOM = '\uFEFF';

/** The first line of `text`, without a byte order mark and blank lines before it. */
function firstLine(text: string): string {
  const start = text.startsWith(BOM) ? text.slice(1) : text;
  return /^\s*([^\r\n]*)/.exec(start)![1]!.trim();
}

/** The last non-blank line of `text`. */
function lastLine(text: string): string {
  return /([^\r\n]*)\s*$/.exec(text.trimEnd())![1]!.trim();
}

/** A short, printable view of the start of a line, for messages. */
function quote(line: string): string {
  const printable = line.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 40)}…` : printable);
}

/**
 * Why `text` is not an iCalendar file, or null when it starts like one. Catches the usual wrong
 * answers to a calendar address: an HTML page (a login or an error page), JSON, nothing.
 */
export function notICalendarReason(text: string): string | null {
  const line = firstLine(text);
  if (line.toUpperCase() === 'BEGIN:VCALENDAR') return null;
  if (line === '') return 'not an iCalendar file: it is empty (expected BEGIN:VCALENDAR)';
  if (/^<(!doctype|html)/i.test(line)) return 'not an iCalendar file: it is an HTML page (expected BEGIN:VCALENDAR); is the address the calendar\'s iCal/ICS link?';
  return `not an iCalendar file: expected BEGIN:VCALENDAR, found ${quote(line)}`;
}

/**
 * Parses iCalendar text into its VCALENDAR components, or throws a `CalendarFeedError` that
 * says what is wrong: not iCalendar at all, cut short, or a line ical.js cannot read.
 */
export function parseICalendar(text: string): ICAL.Component[] {
  const notICalendar = notICalendarReason(text);
  if (notICalendar) throw new CalendarFeedError(notICalendar, { problem: CalendarProblem.NotICalendar });
  // ical.js reads an unterminated calendar without complaint, and a download cut short would
  // then quietly lose the events after the cut: busy time shown as free.
  if (lastLine(text).toUpperCase() !== 'END:VCALENDAR') {
    throw new CalendarFeedError('the iCalendar file ends early: expected END:VCALENDAR as its last line (was the download cut short?)', {
      problem: CalendarProblem.Malformed,
    });
  }
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch (error) {
    throw new CalendarFeedError(`the iCalendar file cannot be read: ${(error as Error).message}`, { problem: CalendarProblem.Malformed, cause: error });
  }
  // ICAL.parse gives one jCal component, or a list of them when the text holds several.
  const jcals = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : parsed) as unknown[];
  const calendars = jcals.map((jcal) => new ICAL.Component(jcal as unknown[]));
  const other = calendars.find((component) => component.name !== 'vcalendar');
  if (other) {
    throw new CalendarFeedError(`the iCalendar file cannot be read: expected only VCALENDAR at the top level, found ${other.name.toUpperCase()}`, {
      problem: CalendarProblem.Malformed,
    });
  }
  return calendars;
}
