import type { Logger } from '@switchboard/core';
import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import { messagingSystemOf, recordFailure, startSendSpan } from '@switchboard/telemetry';

/** A lifecycle event as published: `type` picks the subject, `id` is the dedupe id. */
export interface PublishableEvent {
  readonly id: string;
  readonly type: string;
}

/**
 * Publishes lifecycle events after their rows have committed. The event log in
 * PostgreSQL is the record; the stream is the notification, deduplicated by event id,
 * so a retried publish is harmless.
 */
export class LifecyclePublisher {
  readonly #bus: Bus;
  readonly #subjects: Subjects;
  readonly #logger: Logger;

  constructor(bus: Bus, subjects: Subjects, logger: Logger) {
    this.#bus = bus;
    this.#subjects = subjects;
    this.#logger = logger;
  }

  /**
   * Publishes without waiting for the stream's ack: the event is already committed in
   * the lead's event log, and the stream dedupes it by its id. Its headers carry the
   * active trace context (the lead's step), so watchers can follow the trace.
   */
  publish(event: PublishableEvent, headers?: Readonly<Record<string, string>>): void {
    const subject = this.#subjects.event(event.type);
    const send = startSendSpan({ system: messagingSystemOf(this.#bus.kind), subject }, headers);
    try {
      this.#bus.emit(subject, encodeJson(event), { msgId: event.id, ...(send.headers && { headers: send.headers }) });
    } catch (error) {
      recordFailure(send.span, error);
      this.#logger.error({ err: error, eventId: event.id, subject }, 'could not publish a lifecycle event; it is in the lead event log');
    } finally {
      send.span.end();
    }
  }
}
