/**
 * The message bus every Switchboard component talks through. Two implementations
 * share this interface and one contract test suite: NATS JetStream (production) and
 * in-process (the embedded default and unit tests).
 */

/** Message headers; `traceparent` travels here (W3C trace context). */
export type BusHeaders = Readonly<Record<string, string>>;

/** Options of a durable publish. */
export interface PublishOptions {
  /**
   * Deduplication id (`Nats-Msg-Id`). A second publish with the same id within the
   * stream's duplicate window is accepted but not stored again.
   */
  readonly msgId?: string;
  readonly headers?: BusHeaders;
}

/** What the bus answers once a durable publish is stored. */
export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  /** True when the message was a duplicate of an earlier `msgId`. */
  readonly duplicate: boolean;
}

/** One message delivered to a durable consumer. */
export interface BusMessage {
  readonly subject: string;
  /** Raw payload bytes, exactly as published. */
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
  /** Position in its stream; stable across redeliveries of the same message. */
  readonly seq: number;
  /** 1 on first delivery, 2+ on redelivery. */
  readonly deliveryCount: number;
  /** Parses `data` as UTF-8 JSON; throws a `SyntaxError` if it is not JSON. */
  json<T = unknown>(): T;
  /** Processing done: never deliver again. */
  ack(): void;
  /** Processing failed: deliver again, after `delayMs` if given. */
  nak(delayMs?: number): void;
  /** Never deliver again, without having been processed (poison message). */
  term(): void;
}

/** A message seen by a plain (non-durable) subscription. */
export interface BusEvent {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
  json<T = unknown>(): T;
}

/** A running consumer or subscription; `stop()` stops delivery and resolves when the handler is idle. */
export interface BusSubscription {
  stop(): Promise<void>;
}

/** Options of a durable consumer. */
export interface ConsumeOptions {
  /** Durable consumer name (namespace-prefixed by the bus); one consumer per name, shared by its instances. */
  readonly durable: string;
  /** How many unacknowledged messages may be in flight at once. @default 1000 */
  readonly maxInFlight?: number;
  /** How long a delivered message may stay unacknowledged before redelivery. @default 30000 */
  readonly ackWaitMs?: number;
  /** Only deliver messages whose subject matches (wildcards allowed). @default every subject of the stream */
  readonly filterSubject?: string;
}

/** Options of a request (request/reply over core NATS, not stored). */
export interface RequestOptions {
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly headers?: BusHeaders;
}

/** The streams Switchboard declares; see `subjects.ts` for the subjects each holds. */
export interface StreamSpec {
  /** Logical name, e.g. `INTAKE`; the bus prefixes it with the namespace. */
  readonly name: string;
  /** Subjects (already namespace-prefixed, wildcards allowed). */
  readonly subjects: ReadonlyArray<string>;
  /** Window within which a repeated `msgId` is dropped. @default 120000 */
  readonly duplicateWindowMs?: number;
  /** Age after which messages are discarded. @default 7 days */
  readonly maxAgeMs?: number;
}

/** The message bus. */
export interface Bus {
  /** `"nats"` or `"in-process"`, for logs and health checks. */
  readonly kind: 'nats' | 'in-process';
  /** Creates the streams if missing, updates their subjects if they differ. Idempotent. */
  ensureStreams(streams: ReadonlyArray<StreamSpec>): Promise<void>;
  /** Publishes durably: resolves once the stream has stored the message. */
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<PublishAck>;
  /**
   * Publishes onto a stream subject without waiting for the stream's ack: for
   * notifications whose record is kept elsewhere (lifecycle events, committed in
   * PostgreSQL first). The stream still stores it and dedupes by `msgId`; a message lost
   * to a connection failure is not retried.
   */
  emit(subject: string, data: Uint8Array, options?: PublishOptions): void;
  /**
   * Sends an ephemeral message to whoever subscribes right now (`subscribe`), on a subject
   * no stream stores: at most once, nothing kept. For live views such as XState inspection.
   */
  notify(subject: string, data: Uint8Array, headers?: BusHeaders): void;
  /**
   * Consumes a stream with a durable, explicit-ack consumer. The handler is called
   * for each message without waiting for the previous one to finish (up to
   * `maxInFlight`), so it must ack, nak or term each message itself. A handler that
   * throws naks the message.
   */
  consume(
    stream: string,
    options: ConsumeOptions,
    handler: (message: BusMessage) => void | Promise<void>,
  ): Promise<BusSubscription>;
  /**
   * Sends a request and resolves with the first reply. Rejects with `BusTimeoutError`
   * after `timeoutMs`, or `NoResponderError` at once when nobody serves the subject.
   */
  request(subject: string, data: Uint8Array, options?: RequestOptions): Promise<BusEvent>;
  /**
   * Serves requests on `subject` (wildcards allowed). Instances sharing a `queue` name
   * split the requests between them. The handler's resolved bytes are the reply; if it
   * throws, the reply is a JSON `{ "error": { "name", "message" } }` with header
   * `Sb-Error: 1`, so the requester sees the failure instead of a timeout.
   */
  serve(
    subject: string,
    options: { readonly queue?: string },
    handler: (request: BusEvent) => Uint8Array | Promise<Uint8Array>,
  ): Promise<BusSubscription>;
  /** Subscribes without durability (live views such as `switchboard watch`). */
  subscribe(subject: string, handler: (event: BusEvent) => void): Promise<BusSubscription>;
  /** Answers `true` if the bus can reach its server. */
  ping(): Promise<boolean>;
  /**
   * Calls `listener` each time the connection to the server is back after it was lost (never,
   * on the in-process bus): what could not be sent meanwhile can be caught up at once.
   * Answers a function that removes the listener.
   */
  onReconnect(listener: () => void): () => void;
  /** Stops consumers, flushes pending publishes and closes the connection. */
  close(): Promise<void>;
}
