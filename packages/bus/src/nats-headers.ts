import { headers as createNatsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { BusHeaders } from './bus.ts';

const NO_HEADERS: BusHeaders = Object.freeze({});

/** Converts bus headers to NATS headers; undefined when there are none (saves the header block). */
export function toNatsHeaders(headers: BusHeaders | undefined): MsgHdrs | undefined {
  if (headers === undefined) {
    return undefined;
  }
  const entries = Object.entries(headers);
  if (entries.length === 0) {
    return undefined;
  }
  const natsHeaders = createNatsHeaders();
  for (const [key, value] of entries) {
    natsHeaders.set(key, value);
  }
  return natsHeaders;
}

/**
 * Converts NATS headers to bus headers. `Nats-*` headers (`Nats-Msg-Id` and other JetStream
 * controls) are left out: they belong to the transport, and the in-process bus has none,
 * so handlers see the same headers on both buses.
 */
export function fromNatsHeaders(headers: MsgHdrs | undefined): BusHeaders {
  if (headers === undefined) {
    return NO_HEADERS;
  }
  const result: Record<string, string> = {};
  for (const [key, values] of headers) {
    if (!key.toLowerCase().startsWith('nats-')) {
      result[key] = values[0] ?? '';
    }
  }
  return Object.freeze(result);
}
