// How the booking page writes a meeting's times: in the prospect's locale, on the clock of the
// time zone they picked (not the browser's), so that the page and the invite agree.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone and style: the page writes hundreds of slot times per render. */
function formatter(zone: string, style: 'day' | 'short-day' | 'time'): Intl.DateTimeFormat {
  const key = `${style} ${zone}`;
  let made = formatters.get(key);
  if (!made) {
    const options: Intl.DateTimeFormatOptions =
      style === 'day'
        ? { weekday: 'long', day: 'numeric', month: 'long' }
        : style === 'short-day'
          ? { weekday: 'short', day: 'numeric', month: 'short' }
          : { hour: '2-digit', minute: '2-digit' };
    made = new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone });
    formatters.set(key, made);
  }
  return made;
}

/** "Monday 7 December" (en-GB) or "Monday, December 7" (en-US): the day of `iso` in `zone`. */
export function formatMeetingDay(iso: string, zone: string): string {
  return formatter(zone, 'day').format(new Date(iso));
}

/** "Mon 7 Dec": a day tab. */
export function formatShortDay(iso: string, zone: string): string {
  return formatter(zone, 'short-day').format(new Date(iso));
}

/** "10:00" (or "10:00 AM"): a slot's start in `zone`. */
export function formatTimeOfDay(iso: string, zone: string): string {
  return formatter(zone, 'time').format(new Date(iso));
}

/** "Monday 7 December, 10:00–10:30": a meeting, in `zone`. */
export function formatMeetingTime(meeting: { readonly start: string; readonly end: string }, zone: string): string {
  return `${formatMeetingDay(meeting.start, zone)}, ${formatTimeOfDay(meeting.start, zone)}–${formatTimeOfDay(meeting.end, zone)}`;
}
