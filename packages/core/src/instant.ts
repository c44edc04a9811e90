/**
 * A point in time as the domain functions take it: epoch milliseconds or a `Date`.
 * Core has no clock of its own, so every time-dependent function takes one of these.
 */
export type Instant = number | Date;

/**
 * The epoch milliseconds of `at`.
 *
 * @throws RangeError if `at` is `NaN`, infinite or an invalid `Date`.
 */
export function toEpochMillis(at: Instant): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (!Number.isFinite(ms)) {
    throw new RangeError(`expected an instant (epoch milliseconds or a valid Date), got ${String(at)}`);
  }
  return ms;
}
