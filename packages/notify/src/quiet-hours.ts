import { DateTime } from 'luxon';

/** Quiet hours as set for a rep: `from` and `to` as "HH:MM" in the rep's time zone; they may span midnight. */
export interface QuietHours {
  readonly from: string;
  readonly to: string;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When the quiet hours around `at` end, in epoch ms, or null if `at` is not in quiet hours.
 * Worked out on the rep's wall clock (Luxon), so a day with a DST change still ends them at
 * the written time.
 */
export function quietHoursEnd(at: number, quiet: QuietHours, timezone: string): number | null {
  const local = DateTime.fromMillis(at, { zone: timezone });
  const now = local.hour * 60 + local.minute;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return null;
  const endDay = from > to && now >= from ? local.plus({ days: 1 }) : local;
  return endDay.set({ hour: Math.floor(to / 60), minute: to % 60, second: 0, millisecond: 0 }).toMillis();
}
