import type { StreamSpec } from './bus.ts';
import { assertValidName } from './assert-valid-name.ts';
import { BusError } from './errors.ts';

/** A {@link StreamSpec} with defaults applied and values checked. */
export interface StreamSettings {
  readonly name: string;
  readonly subjects: ReadonlyArray<string>;
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
}

/** `StreamSpec.duplicateWindowMs` when not given: 2 minutes, as NATS. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
/** `StreamSpec.maxAgeMs` when not given: 7 days. */
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Applies the defaults of {@link StreamSpec} and checks the values, the same way for both buses.
 *
 * @throws BusError naming the stream and the bad field.
 */
export function resolveStreamSettings(spec: StreamSpec): StreamSettings {
  assertValidName('stream', spec.name);
  if (spec.subjects.length === 0) {
    throw new BusError(`StreamSpec "${spec.name}" has no subjects: list at least one subject it stores`);
  }
  const duplicateWindowMs = spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  const maxAgeMs = spec.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  if (!Number.isInteger(duplicateWindowMs) || duplicateWindowMs < 1) {
    throw new BusError(`StreamSpec "${spec.name}".duplicateWindowMs must be an integer ≥ 1, got ${duplicateWindowMs}`);
  }
  if (!Number.isInteger(maxAgeMs) || maxAgeMs < duplicateWindowMs) {
    throw new BusError(
      `StreamSpec "${spec.name}".maxAgeMs must be an integer ≥ duplicateWindowMs (${duplicateWindowMs}), got ${maxAgeMs}`,
    );
  }
  return Object.freeze({ name: spec.name, subjects: Object.freeze([...spec.subjects]), duplicateWindowMs, maxAgeMs });
}
