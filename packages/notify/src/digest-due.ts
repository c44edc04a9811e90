import type { NotificationsConfig, Rep } from '@switchboard/core';
import { DateTime } from 'luxon';
import { derivedEventId } from './notification-rules.ts';

/** A rep's digest that is due: for which local day, when it was due, and its event id. */
export interface DueDigest {
  readonly rep: Rep;
  /** The rep's local date, YYYY-MM-DD. */
  readonly localDate: string;
  /** When it fell due, in epoch ms: the set time on that date in the rep's time zone. */
  readonly dueAt: number;
  /** The same for a rep and a local date every time: a second planning is a no-op. */
  readonly eventId: string;
}

/** The digest time a rep has: its own setting, else the section's; null for none. */
export function digestTimeOf(rep: Rep, config: NotificationsConfig, preferencesOf: (rep: Rep) => NotificationsConfig['reps'][number] | undefined): string | null {
  const own = preferencesOf(rep)?.digest;
  if (own === false) return null;
  return own?.at ?? config.digest?.at ?? null;
}

/**
 * Whose digest is due at `now`: each active rep with a digest time whose local clock has
 * reached that time today. A digest stays due for the rest of the rep's local day, so one
 * missed while the deployment was down goes out late rather than not at all; the event id,
 * derived from the rep and the local date, makes it go out once. On a day when the clock
 * jumps over the set time (DST starting), it is due at the first minute after the jump.
 */
export function digestsDue(reps: ReadonlyArray<Rep>, config: NotificationsConfig, preferencesOf: (rep: Rep) => NotificationsConfig['reps'][number] | undefined, now: number): DueDigest[] {
  const due: DueDigest[] = [];
  for (const rep of reps) {
    if (!rep.active) continue;
    const at = digestTimeOf(rep, config, preferencesOf);
    if (at === null) continue;
    const local = DateTime.fromMillis(now, { zone: rep.timezone });
    if (!local.isValid) continue;
    // Luxon moves a wall time a DST gap skips forward by the gap's length, to a time that exists.
    const dueAt = local.set({ hour: Number(at.slice(0, 2)), minute: Number(at.slice(3, 5)), second: 0, millisecond: 0 }).toMillis();
    if (now < dueAt) continue;
    const localDate = local.toISODate()!;
    due.push({ rep, localDate, dueAt, eventId: derivedEventId(rep.id, `digest:${localDate}`) });
  }
  return due;
}
