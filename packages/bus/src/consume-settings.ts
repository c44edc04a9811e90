import type { ConsumeOptions } from './bus.ts';
import { assertValidName } from './assert-valid-name.ts';
import { BusError } from './errors.ts';

/** {@link ConsumeOptions} with defaults applied and values checked. */
export interface ConsumeSettings {
  readonly durable: string;
  readonly maxInFlight: number;
  readonly ackWaitMs: number;
  /** The subject filter; undefined for every subject of the stream. */
  readonly filterSubject: string | undefined;
}

/** `ConsumeOptions.maxInFlight` when not given. */
export const DEFAULT_MAX_IN_FLIGHT = 1000;
/** `ConsumeOptions.ackWaitMs` when not given. */
export const DEFAULT_ACK_WAIT_MS = 30_000;

/**
 * Applies the defaults of {@link ConsumeOptions} and checks the values, the same way for
 * both buses.
 *
 * @throws BusError naming the bad option.
 */
export function resolveConsumeSettings(options: ConsumeOptions): ConsumeSettings {
  assertValidName('durable consumer', options.durable);
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new BusError(`ConsumeOptions.maxInFlight must be an integer ≥ 1, got ${maxInFlight}`);
  }
  const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  if (!Number.isInteger(ackWaitMs) || ackWaitMs < 1) {
    throw new BusError(`ConsumeOptions.ackWaitMs must be an integer number of milliseconds ≥ 1, got ${ackWaitMs}`);
  }
  const filterSubject = options.filterSubject;
  if (filterSubject !== undefined && (filterSubject.length === 0 || /\s/.test(filterSubject))) {
    throw new BusError(`ConsumeOptions.filterSubject must be a non-empty subject without whitespace, got "${filterSubject}"`);
  }
  return Object.freeze({ durable: options.durable, maxInFlight, ackWaitMs, filterSubject });
}
