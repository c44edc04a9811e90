import { context } from '@opentelemetry/api';
import type { EventRelay } from './event-relay.ts';

/** A lifecycle event as committed: `type` picks the subject, `id` is the dedupe id. */
export interface PublishableEvent {
  readonly id: string;
  readonly type: string;
}

/**
 * Announces lifecycle events whose rows have just committed. It sends nothing itself: the
 * event log is the outbox, and the relay publishes it in commit order (see `createEventRelay`).
 * Announcing wakes the relay at once instead of at its next poll, and hands it the active
 * trace context (the lead's step), whose child the event's `send` span becomes.
 */
export class LifecyclePublisher {
  readonly #relay: EventRelay;

  constructor(relay: EventRelay) {
    this.#relay = relay;
  }

  publish(event: PublishableEvent): void {
    this.#relay.hint(event.id, context.active());
    this.#relay.wake();
  }
}
