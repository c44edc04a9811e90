import ICAL from 'ical.js';
import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A zone's offsets over one UTC year: `offsets[i]` (minutes) holds from `starts[i]` (epoch ms). */
interface YearOffsets {
  readonly starts: number[];
  readonly offsets: number[];
}

/**
 * An ical.js time zone read from the IANA database (through luxon) instead of a VTIMEZONE.
 * ical.js asks a zone one thing, `utcOffset(wallTime)`, several times for each occurrence of a
 * series; asking the IANA database each time costs microseconds that add up over a daily
 * series of twenty years. So the zone's changes are found once per year (a sample a day, then
 * the exact minute of each change) and answers come from that table.
 */
class IanaTimezone extends ICAL.Timezone {
  readonly #zone: IANAZone;
  readonly #years = new Map<number, YearOffsets>();

  constructor(tzid: string) {
    super({ tzid });
    this.#zone = IANAZone.create(tzid);
  }

  /**
   * The offset (seconds) of a wall-clock time, so that `instant = wall - offset`. RFC 5545
   * §3.3.5: a time skipped by a change to summer time is read with the offset before the
   * change (02:30 becomes 03:30 summer time); a time that occurs twice, as its first occurrence.
   */
  override utcOffset(time: ICAL.Time): number {
    const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
    // Zones change at most once in two days: the offsets a day either side are the candidates.
    const before = this.#offsetAt(wall - DAY_MS);
    const after = this.#offsetAt(wall + DAY_MS);
    const fits = (offset: number) => this.#offsetAt(wall - offset * MINUTE_MS) === offset;
    const valid = [before, after].filter(fits);
    return (valid.length > 0 ? Math.max(...valid) : before) * 60;
  }

  /** The offset (minutes) in force at an instant. */
  #offsetAt(instant: number): number {
    const year = new Date(instant).getUTCFullYear();
    let table = this.#years.get(year);
    if (!table) {
      table = this.#changesIn(year);
      this.#years.set(year, table);
    }
    let offset = table.offsets[0]!;
    for (let i = 1; i < table.starts.length && table.starts[i]! <= instant; i++) offset = table.offsets[i]!;
    return offset;
  }

  #changesIn(year: number): YearOffsets {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const starts = [start];
    const offsets = [this.#zone.offset(start)];
    for (let day = start + DAY_MS; day < end + DAY_MS; day += DAY_MS) {
      const sample = Math.min(day, end - MINUTE_MS);
      const offset = this.#zone.offset(sample);
      if (offset === offsets.at(-1)) continue;
      // The change is after the previous sample and at or before this one: find its minute.
      let low = sample - DAY_MS;
      let high = sample;
      while (high - low > MINUTE_MS) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
        if (this.#zone.offset(middle) === offset) high = middle;
        else low = middle;
      }
      starts.push(high);
      offsets.push(offset);
    }
    return { starts, offsets };
  }
}

/**
 * Makes the IANA time zones a calendar names without defining them known to ical.js.
 *
 * RFC 5545 wants a VTIMEZONE for every TZID, but many feeds write `TZID=America/New_York` and
 * leave the definition out. ical.js then reads those times as floating, which puts them off by
 * the zone's offset wherever they meet a UTC time (an `UNTIL=...Z` ending a series a day early,
 * an EXDATE in UTC missing its occurrence). ical.js looks such TZIDs up in its process-wide
 * `TimezoneService` after the file's own VTIMEZONEs, so a zone registered there is used only
 * where a file has no definition of its own; the IANA definitions are the same for everyone.
 */
export function registerIanaTimezones(calendar: ICAL.Component): void {
  const defined = new Set(calendar.getAllSubcomponents('vtimezone').map((zone) => String(zone.getFirstPropertyValue('tzid'))));
  for (const component of calendar.getAllSubcomponents()) {
    for (const property of component.getAllProperties()) {
      const tzid = property.getParameter('tzid');
      if (typeof tzid !== 'string' || defined.has(tzid) || ICAL.TimezoneService.get(tzid) !== undefined || !IANAZone.isValidZone(tzid)) continue;
      ICAL.TimezoneService.register(new IanaTimezone(tzid));
    }
  }
}
