import type { RequestOptions } from './bus.ts';
import { BusError } from './errors.ts';

/** `RequestOptions.timeoutMs` when not given. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/**
 * Applies the default of `RequestOptions.timeoutMs` and checks it, the same way for both buses.
 *
 * @throws BusError if the timeout is not a positive integer.
 */
export function resolveRequestTimeoutMs(options: RequestOptions): number {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new BusError(`RequestOptions.timeoutMs must be an integer number of milliseconds ≥ 1, got ${timeoutMs}`);
  }
  return timeoutMs;
}
