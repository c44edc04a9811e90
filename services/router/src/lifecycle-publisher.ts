import type { Logger } from '@switchboard/core';
import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';

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
  readonly #pending = new Set<Promise<void>>();

  constructor(bus: Bus, subjects: Subjects, logger: Logger) {
    this.#bus = bus;
    this.#subjects = subjects;
    this.#logger = logger;
  }

  /** Publishes without blocking the caller; failures are retried, then logged. */
  publish(event: PublishableEvent, headers?: Readonly<Record<string, string>>): void {
    const task = this.#publishWithRetry(event, headers).finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Resolves when every publish started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #publishWithRetry(event: PublishableEvent, headers?: Readonly<Record<string, string>>): Promise<void> {
    const subject = this.#subjects.event(event.type);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#bus.publish(subject, encodeJson(event), { msgId: event.id, ...(headers && { headers }) });
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.#logger.error({ err: error, eventId: event.id, subject }, 'could not publish a lifecycle event; it is in the lead event log');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
}
