import type { BusEvent, BusHeaders, BusMessage } from './bus.ts';
import { decodeJson } from './json-codec.ts';

/** The fields of a delivered message, as a bus implementation knows them. */
export interface DeliveryFields {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
  readonly seq: number;
  readonly deliveryCount: number;
}

/**
 * What a bus implementation does when a handler settles a delivery. The bus message calls
 * at most one of them, once: later calls of `ack`/`nak`/`term` on the same delivery are
 * ignored, as JetStream ignores a second acknowledgement.
 */
export interface DeliveryControls {
  ack(): void;
  /** `delayMs` is a finite number ≥ 0, or undefined for "redeliver now". */
  nak(delayMs: number | undefined): void;
  term(): void;
}

/** A message handed to a consumer's handler, and whether the handler has settled it yet. */
export interface Delivery {
  readonly message: BusMessage;
  readonly settled: boolean;
}

/** Builds the {@link BusMessage} of one delivery; both buses use it so they behave alike. */
export function createDelivery(fields: DeliveryFields, controls: DeliveryControls): Delivery {
  let settled = false;
  const settle = (): boolean => {
    if (settled) {
      return false;
    }
    settled = true;
    return true;
  };
  const message: BusMessage = {
    subject: fields.subject,
    data: fields.data,
    headers: fields.headers,
    seq: fields.seq,
    deliveryCount: fields.deliveryCount,
    json: <T>() => decodeJson<T>(fields.data),
    ack: () => {
      if (settle()) {
        controls.ack();
      }
    },
    nak: (delayMs?: number) => {
      if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
        throw new RangeError(`BusMessage.nak(delayMs): delayMs must be a finite number of milliseconds ≥ 0, got ${delayMs}`);
      }
      if (settle()) {
        controls.nak(delayMs === undefined || delayMs === 0 ? undefined : delayMs);
      }
    },
    term: () => {
      if (settle()) {
        controls.term();
      }
    },
  };
  return {
    message: Object.freeze(message),
    get settled() {
      return settled;
    },
  };
}

/** Builds the {@link BusEvent} a plain subscription hands to its handler. */
export function createBusEvent(subject: string, data: Uint8Array, headers: BusHeaders): BusEvent {
  return Object.freeze({
    subject,
    data,
    headers,
    json: <T>() => decodeJson<T>(data),
  });
}
