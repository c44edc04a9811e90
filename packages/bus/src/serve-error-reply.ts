import type { BusHeaders } from './bus.ts';
import { encodeJson } from './json-codec.ts';

/** The header that marks a reply as the error of a `Bus.serve()` handler that threw. */
export const SERVE_ERROR_HEADER = 'Sb-Error';

/** The headers of an error reply. */
export const SERVE_ERROR_HEADERS: BusHeaders = Object.freeze({ [SERVE_ERROR_HEADER]: '1' });

/**
 * Encodes what a `Bus.serve()` handler threw as the reply body
 * `{ "error": { "name", "message" } }`, so that the requester sees the failure instead of
 * waiting for a timeout.
 */
export function encodeServeError(error: unknown): Uint8Array {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return encodeJson({ error: { name, message } });
}
