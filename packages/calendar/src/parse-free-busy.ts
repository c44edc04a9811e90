import { mergeBusyBlocks, type BusyBlock } from '@switchboard/core';
import type ICAL from 'ical.js';
import { checkBusyWindow } from './busy-window.ts';
import { parseICalendar } from './icalendar-text.ts';
import { epochOf } from './icalendar-time.ts';

/** Options of {@link parseFreeBusy}. */
export interface ParseFreeBusyOptions {
  /** Start of the window to report, epoch ms (inclusive). */
  readonly from: number;
  /** End of the window to report, epoch ms (exclusive). */
  readonly until: number;
}

/**
 * The busy time in the VFREEBUSY components of an iCalendar text (a CalDAV free-busy-query
 * answer, a published free/busy file): sorted, merged blocks, clipped to the window.
 *
 * Each FREEBUSY period counts unless its FBTYPE is FREE: BUSY (the default), BUSY-UNAVAILABLE
 * and BUSY-TENTATIVE are busy, and so is any other type, as RFC 5545 §3.2.9 asks of types a
 * reader does not know. Pure: no I/O. Throws `CalendarFeedError` when the text is not
 * iCalendar or cannot be read, and `ValidationError` for a bad window.
 */
export function parseFreeBusy(text: string, options: ParseFreeBusyOptions): BusyBlock[] {
  const { from, until } = options;
  checkBusyWindow({ from, until });
  const blocks: BusyBlock[] = [];
  for (const calendar of parseICalendar(text)) {
    for (const vfreebusy of calendar.getAllSubcomponents('vfreebusy')) {
      for (const property of vfreebusy.getAllProperties('freebusy')) {
        const type = String(property.getParameter('fbtype') ?? 'BUSY').toUpperCase();
        if (type === 'FREE') continue;
        for (const period of property.getValues() as ICAL.Period[]) {
          // FREEBUSY periods are UTC by the standard; a TZID is honoured if a server sends one.
          const start = epochOf(period.start, 'UTC');
          const end = epochOf(period.getEnd(), 'UTC');
          if (start < until && end > from) blocks.push({ start: Math.max(start, from), end: Math.min(end, until) });
        }
      }
    }
  }
  return mergeBusyBlocks(blocks);
}

