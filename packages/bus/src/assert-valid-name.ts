import { BusError } from './errors.ts';

// The characters NATS refuses in stream and consumer names (they are subject tokens).
const INVALID_NAME_CHARACTERS = /[.*>/\\\s]/;

/**
 * Checks a stream or durable consumer name the way NATS does, so that a bad name fails the
 * same way, with the same message, on both buses.
 *
 * @throws BusError naming the bad name and the rule.
 */
export function assertValidName(kind: 'stream' | 'durable consumer', name: string): void {
  if (name.length === 0 || INVALID_NAME_CHARACTERS.test(name)) {
    throw new BusError(
      `${kind} name "${name}" is invalid: use a non-empty name without ".", "*", ">", "/", "\\" or whitespace`,
    );
  }
}
