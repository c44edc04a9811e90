/**
 * Time as the router sees it: the current instant and one-shot timers. Production uses
 * `systemScheduler`; tests drive a manual one, so an SLA of 15 minutes runs out without
 * waiting 15 minutes.
 */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock and Node's timers (unref'd: a pending deadline doesn't keep the process alive). */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
