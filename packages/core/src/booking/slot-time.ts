import { DateTime } from 'luxon';
import { z } from 'zod';
import { isValidTimeZone } from '../rep.ts';

const UNKNOWN_ZONE = 'use an IANA name such as "Europe/Berlin" or "America/New_York", or "UTC"';

function knownZone(zone: string): boolean {
  // Luxon places the times; it must know the zone as well as Intl does.
  return isValidTimeZone(zone) && DateTime.fromMillis(0, { zone }).isValid;
}

/**
 * The time zone a prospect asks to see slots in (the `?tz=` parameter): an IANA name such as
 * `Europe/Berlin`, or `UTC`. Surrounding spaces are dropped.
 *
 * @example
 * parseOrThrow(slotTimeZoneSchema, 'America/New_York', 'tz'); // 'America/New_York'
 * parseOrThrow(slotTimeZoneSchema, 'Mars/Olympus', 'tz'); // throws ValidationError: tz: unknown time zone "Mars/Olympus"; use an IANA name…
 */
export const slotTimeZoneSchema = z
  .string({ error: `must be a time zone; ${UNKNOWN_ZONE}` })
  .trim()
  .refine(knownZone, { error: (issue) => `unknown time zone "${String(issue.input)}"; ${UNKNOWN_ZONE}` })
  .describe('An IANA time zone such as Europe/Berlin, or UTC.');

/**
 * An instant (epoch ms) as ISO 8601 in time zone `zone`, with that zone's UTC offset then and
 * no milliseconds unless it has some: what a prospect's browser shows as the local time of a slot.
 * A fixed zone at offset 0 (`UTC`) is written with `Z`.
 *
 * @throws RangeError if `ms` is not a finite number or `zone` is not a known time zone.
 * @example
 * formatSlotTime(Date.parse('2026-12-07T14:00:00Z'), 'America/New_York'); // '2026-12-07T09:00:00-05:00'
 */
export function formatSlotTime(ms: number, zone: string): string {
  if (!Number.isFinite(ms)) throw new RangeError(`expected a finite number of epoch milliseconds, got ${ms}`);
  const time = DateTime.fromMillis(ms, { zone });
  if (!time.isValid || !isValidTimeZone(zone)) throw new RangeError(`unknown time zone "${zone}"; ${UNKNOWN_ZONE}`);
  return time.toISO({ suppressMilliseconds: true });
}
