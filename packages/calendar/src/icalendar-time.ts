import ICAL from 'ical.js';
import { DateTime } from 'luxon';

/**
 * Epoch milliseconds of an iCalendar date or date-time.
 *
 * - UTC times (`...Z`, `TZID=UTC`) are what they say.
 * - Times with a TZID are read in that zone: its VTIMEZONE in the file (RFC 5545 §3.2.19 makes
 *   it the authority), or the IANA zone of that name (see `registerIanaTimezones`).
 * - Floating times, times whose TZID is neither (a Windows zone name without its definition),
 *   and all-day dates are the rep's wall clock: `fallbackZone`. A date is its local midnight.
 */
export function epochOf(time: ICAL.Time, fallbackZone: string): number {
  const zone = time.zone;
  if (!time.isDate && zone && zone !== ICAL.Timezone.localTimezone && zone.tzid !== 'floating') return time.toUnixTime() * 1000;
  const { year, month, day } = time;
  const wall = time.isDate ? { year, month, day } : { year, month, day, hour: time.hour, minute: time.minute, second: time.second };
  return DateTime.fromObject(wall, { zone: fallbackZone }).toMillis();
}
