/**
 * Errors of `@switchboard/bus`. Both bus implementations throw these classes, so callers
 * can handle a failure the same way whether it came from NATS or from the in-process bus.
 * The original error (from the NATS client, for instance) is kept as `cause`.
 */

/** Base class of every error the bus throws or reports. */
export class BusError extends Error {
  override name = 'BusError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An operation did not complete in time (a publish waiting for its JetStream ack, for example). */
export class BusTimeoutError extends BusError {
  override name = 'BusTimeoutError';
  /** What timed out, e.g. `publish to sb.lead.intake`. */
  readonly operation: string;
  /** How long the bus waited, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param options.hint what to check, appended to the message.
   */
  constructor(operation: string, timeoutMs: number, options?: ErrorOptions & { readonly hint?: string }) {
    super(`${operation} timed out after ${timeoutMs} ms${options?.hint ? `: ${options.hint}` : ''}`, options);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** The bus could not connect to its server (or the server has no JetStream). */
export class BusConnectionError extends BusError {
  override name = 'BusConnectionError';
  /** The server URL(s) the bus tried. */
  readonly servers: string;

  constructor(servers: string, reason: string, options?: ErrorOptions) {
    super(
      `could not connect to NATS at ${servers}: ${reason}. Is nats-server running with JetStream (-js)? Set NATS_URL or leave it unset for the in-process bus.`,
      options,
    );
    this.servers = servers;
  }
}

/** The bus was used after `close()`, or its connection was closed. */
export class BusClosedError extends BusError {
  override name = 'BusClosedError';

  constructor(operation: string, options?: ErrorOptions) {
    super(`${operation} failed: the bus is closed (create a new bus instead of reusing a closed one)`, options);
  }
}

/**
 * A durable publish went to a subject that no stream stores. NATS answers such a publish
 * with "no responders" (status 503); the in-process bus rejects it the same way.
 */
export class NoStreamForSubjectError extends BusError {
  override name = 'NoStreamForSubjectError';
  /** The subject of the rejected publish. */
  readonly subject: string;

  constructor(subject: string, options?: ErrorOptions) {
    super(
      `no stream stores subject "${subject}": declare a stream whose subjects match it and pass it to Bus.ensureStreams() before publishing`,
      options,
    );
    this.subject = subject;
  }
}

/** A request went to a subject nobody serves (NATS answers "no responders" at once). */
export class NoResponderError extends BusError {
  override name = 'NoResponderError';
  /** The subject of the request. */
  readonly subject: string;

  constructor(subject: string, options?: ErrorOptions) {
    super(`nobody serves "${subject}": start the component that calls Bus.serve() on it, or check the subject`, options);
    this.subject = subject;
  }
}

/** A consumer was started on a stream that does not exist. */
export class StreamNotFoundError extends BusError {
  override name = 'StreamNotFoundError';
  /** The missing stream's name. */
  readonly stream: string;

  constructor(stream: string, options?: ErrorOptions) {
    super(`stream "${stream}" does not exist: call Bus.ensureStreams() with its StreamSpec first`, options);
    this.stream = stream;
  }
}

/**
 * Receives errors the bus recovered from by itself and cannot throw to a caller: a consume
 * loop restarting after a transient failure, a handler that threw.
 */
export type BusErrorListener = (error: BusError) => void;

/** The default {@link BusErrorListener}: a process warning, so recovered errors are not silent. */
export const emitBusWarning: BusErrorListener = (error) => {
  process.emitWarning(error);
};

/**
 * Wraps a bus's error listener (default: a process warning) so that a listener that
 * throws can't break delivery: there is nobody left to tell.
 */
export function createErrorReporter(listener: BusErrorListener = emitBusWarning): BusErrorListener {
  return (error) => {
    try {
      listener(error);
    } catch {
      // Swallowed on purpose, see above.
    }
  };
}
