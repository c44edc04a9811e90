import type { TimerClear, TimerSet } from '@switchboard/store';
import type { DeadlineTimers } from './deadline-timers.ts';

/** A durable timer a transition sets (or replaces) or clears. */
export type TimerChange = { readonly set: TimerSet } | { readonly clear: TimerClear };

/** The change that moves a timer from `before` to `after` (null: no timer), or null if none. */
export function timerChange(key: TimerClear, before: number | null | undefined, after: number | null): TimerChange | null {
  if (before === after) return null;
  return after === null ? { clear: key } : { set: { ...key, dueAt: after } };
}

/** Splits changes into the store write's `setTimers` and `clearTimers`. */
export function timerWrites(changes: ReadonlyArray<TimerChange | null>): { setTimers: TimerSet[]; clearTimers: TimerClear[] } {
  const setTimers: TimerSet[] = [];
  const clearTimers: TimerClear[] = [];
  for (const change of changes) {
    if (change && 'set' in change) setTimers.push(change.set);
    else if (change) clearTimers.push(change.clear);
  }
  return { setTimers, clearTimers };
}

/** After the write committed: holds near timers in memory, forgets cleared ones. */
export function applyTimerChanges(timers: DeadlineTimers | undefined, changes: ReadonlyArray<TimerChange | null>): void {
  for (const change of changes) {
    if (change && 'set' in change) timers?.arm(change.set);
    else if (change) timers?.disarm(change.clear);
  }
}
