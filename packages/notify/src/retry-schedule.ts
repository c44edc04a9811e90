/** How long a notification is tried before it is marked dead. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** The wait before the first retry, before jitter: the first retry comes within 2 s. */
export const FIRST_RETRY_MS = 1000;
/** The longest wait between two attempts. */
export const MAX_RETRY_MS = 60 * 60 * 1000;

/**
 * The wait after failed attempt number `attempt` (1 for the first): 1 s, then doubling, at most
 * an hour, each with ±25% jitter so that the retries of many notifications to one endpoint that
 * was down spread out instead of arriving together.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random, firstRetryMs = FIRST_RETRY_MS): number {
  const base = Math.min(firstRetryMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_MS);
  return Math.round(base * (0.75 + random() * 0.5));
}

/** After failed attempt `attempt` at `now`: when to try again, or null when it is time to give up. */
export function nextAttemptAt(attempt: number, now: number, giveUpAt: number, random: () => number = Math.random, firstRetryMs = FIRST_RETRY_MS): number | null {
  if (now >= giveUpAt) return null;
  return Math.min(now + retryDelayMs(attempt, random, firstRetryMs), giveUpAt);
}
