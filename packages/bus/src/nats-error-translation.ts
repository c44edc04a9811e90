import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { ClosedConnectionError, DrainingConnectionError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { BusClosedError, BusError, BusTimeoutError, StreamNotFoundError } from './errors.ts';

/** What the bus was doing when a NATS call failed, to word the translated error. */
export interface NatsOperation {
  /** E.g. `publish to sb.lead.intake`. */
  readonly description: string;
  /** The request timeout in force, for {@link BusTimeoutError}. */
  readonly timeoutMs: number;
  /** The stream involved, if any, for {@link StreamNotFoundError}. */
  readonly stream?: string;
  /** What to check when it times out. @default 'check that nats-server is reachable and that JetStream is healthy' */
  readonly timeoutHint?: string;
}

/**
 * Tells whether the JetStream client gave up because JetStream did not answer. The class
 * (`JetStreamNotEnabled`) is not exported by `@nats-io/jetstream`, hence the name check.
 */
export function isJetStreamNotEnabled(error: unknown): boolean {
  return error instanceof Error && error.name === 'JetStreamNotEnabled';
}

/** Tells whether NATS answered a request with "no responders" (status 503). */
export function isNoResponders(error: unknown): boolean {
  if (error instanceof RequestError) {
    return error.isNoResponders();
  }
  // js.publish() wraps "no responders" in JetStreamNotEnabled, keeping the RequestError as cause.
  return isJetStreamNotEnabled(error) && (error as Error).cause instanceof RequestError && ((error as Error).cause as RequestError).isNoResponders();
}

/**
 * Translates an error of the NATS client into a {@link BusError}, keeping it as `cause`.
 * Errors that already are bus errors pass through.
 */
export function translateNatsError(error: unknown, operation: NatsOperation): BusError {
  if (error instanceof BusError) {
    return error;
  }
  if (error instanceof TimeoutError) {
    return new BusTimeoutError(operation.description, operation.timeoutMs, {
      cause: error,
      hint: operation.timeoutHint ?? 'check that nats-server is reachable and that JetStream is healthy',
    });
  }
  if (error instanceof ClosedConnectionError || error instanceof DrainingConnectionError) {
    return new BusClosedError(operation.description, { cause: error });
  }
  if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound && operation.stream !== undefined) {
    return new StreamNotFoundError(operation.stream, { cause: error });
  }
  if (isJetStreamNotEnabled(error) || isNoResponders(error)) {
    return new BusError(
      `${operation.description} failed: JetStream did not answer; start nats-server with JetStream enabled (-js)`,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new BusError(`${operation.description} failed: ${reason}`, { cause: error });
}
