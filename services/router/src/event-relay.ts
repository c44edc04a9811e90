import type { Context } from '@opentelemetry/api';
import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import type { EventLogRelayRepository, RelayableEvent, RelayCursor } from '@switchboard/store';
import { messagingSystemOf, recordFailure, startSendSpan } from '@switchboard/telemetry';

/** Options of an event relay. */
export interface EventRelayOptions {
  readonly log: EventLogRelayRepository;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  /** Names the relay's cursor. @default 'lifecycle-events' */
  readonly name?: string;
  /** Most events read and published in one round. @default 500 */
  readonly batchSize?: number;
  /** How often the log is read when nobody says an event was committed (events written by other processes). @default 250 */
  readonly pollMs?: number;
  /** The wait before publishing again after the bus refused (NATS down). @default 1000 */
  readonly retryMs?: number;
  /**
   * The least time between two rounds, however often events are announced: under load, events
   * gather into fewer, larger rounds (each is a read of the log and a write of the cursor). @default 20
   */
  readonly minRoundGapMs?: number;
  /** How often the cursor is saved at the most (and on stop); a crash re-publishes the events since, deduplicated by the stream. @default 250 */
  readonly saveEveryMs?: number;
}

/** Publishes the lead event log to the bus; see `createEventRelay`. */
export interface EventRelay {
  /** Events were committed: read the log now rather than at the next poll. */
  wake(): void;
  /**
   * The trace context of the step that committed `eventId`: its `send` span becomes that
   * step's child when the relay publishes it. Optional; without it the span has no parent.
   */
  hint(eventId: string, parent: Context): void;
  start(): Promise<void>;
  /** Publishes what is committed (for at most `graceMs`), then stops. */
  stop(graceMs?: number): Promise<void>;
  /** How far the relay has published. */
  readonly cursor: RelayCursor | undefined;
}

// Hints are a courtesy to traces; a relay that lags far (the bus down for long) drops the oldest.
const MAX_HINTS = 100_000;

/**
 * The transactional outbox's relay: every lifecycle event is written to the lead event log in
 * its transition's transaction, and this relay is the only thing that publishes them, in
 * commit order (so in order per lead), each with its event id as `Nats-Msg-Id`.
 *
 * While the bus is down nothing is lost: the cursor stays at the first event the bus did not
 * take, and publishing resumes from there once it is back. The cursor is saved after each
 * round, so a process that dies re-publishes at most the round it was in; the stream drops
 * those repeats by their id (within its duplicate window, two minutes).
 */
export function createEventRelay(options: EventRelayOptions): EventRelay {
  const { log, bus, subjects, logger } = options;
  const name = options.name ?? 'lifecycle-events';
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 250;
  const retryMs = options.retryMs ?? 1000;
  const minRoundGapMs = options.minRoundGapMs ?? 20;
  const saveEveryMs = options.saveEveryMs ?? 250;
  let savedCursor: RelayCursor | undefined;
  let savedAt = 0;
  const system = messagingSystemOf(bus.kind);
  const hints = new Map<string, Context>();
  let cursor: RelayCursor | undefined;
  let stopping = false;
  let woken = false;
  let wakeUp: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let failingSince: number | null = null;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (woken || stopping) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });

  const publish = async (item: RelayableEvent): Promise<void> => {
    const subject = subjects.event(item.event.type);
    const parent = hints.get(item.event.id);
    const send = startSendSpan({ system, subject }, undefined, parent);
    try {
      await bus.publish(subject, encodeJson(item.event), { msgId: item.event.id, ...(send.headers && { headers: send.headers }) });
    } catch (error) {
      recordFailure(send.span, error);
      throw error;
    } finally {
      send.span.end();
    }
  };

  const saveCursor = async (): Promise<void> => {
    if (!cursor || cursor === savedCursor) return;
    const saving = cursor;
    try {
      await log.saveCursor(name, saving);
      savedCursor = saving;
      savedAt = Date.now();
    } catch (error) {
      // Kept in memory; saved with a later round. A crash meanwhile re-publishes (deduplicated).
      logger.warn({ err: error }, 'saving the event relay cursor failed; it is saved with a later round');
    }
  };

  /** One round: answers how many events it published, or throws if it could not read the log. */
  const round = async (): Promise<{ read: number; published: number }> => {
    const from = cursor as RelayCursor;
    const batch = await log.readAfter(from, batchSize);
    if (batch.length === 0) return { read: 0, published: 0 };
    // Leads' events are in flight together; one lead's go one after another, and none after one
    // the bus refused, so a lead's events are stored in its order even when a round half fails.
    const failures: Array<unknown> = new Array(batch.length);
    const byLead = new Map<string, number[]>();
    batch.forEach((item, i) => byLead.set(item.event.leadId, [...(byLead.get(item.event.leadId) ?? []), i]));
    await Promise.all(
      [...byLead.values()].map(async (indices) => {
        for (const [n, i] of indices.entries()) {
          try {
            await publish(batch[i] as RelayableEvent);
          } catch (error) {
            for (const skipped of indices.slice(n)) failures[skipped] = error;
            return;
          }
        }
      }),
    );
    const firstFailure = failures.findIndex((f) => f !== undefined);
    const published = firstFailure === -1 ? batch.length : firstFailure;
    if (published > 0) {
      const last = batch[published - 1] as RelayableEvent;
      cursor = last.cursor;
      for (const item of batch.slice(0, published)) hints.delete(item.event.id);
      if (Date.now() - savedAt >= saveEveryMs) await saveCursor();
    }
    if (firstFailure !== -1) {
      const reason = failures[firstFailure];
      if (failingSince === null) {
        failingSince = Date.now();
        logger.warn({ err: reason, pending: batch.length - published }, 'the bus refused lifecycle events; they stay in the event log and are published, in order, once it takes them');
      }
      throw Object.assign(new Error('the bus refused an event'), { busDown: true, cause: reason });
    }
    if (failingSince !== null) {
      logger.info({ downForMs: Date.now() - failingSince }, 'the bus takes lifecycle events again; publishing the backlog');
      failingSince = null;
    }
    return { read: batch.length, published };
  };

  const run = async (): Promise<void> => {
    while (!stopping) {
      try {
        const { read } = await round();
        // A full round means more is waiting: go on at once. Otherwise let events gather a
        // moment, then wait for the next announcement or poll.
        if (read < batchSize) {
          await new Promise((resolve) => setTimeout(resolve, minRoundGapMs));
          await sleep(pollMs);
        }
      } catch (error) {
        if (!(error as { busDown?: boolean }).busDown) logger.error({ err: error }, 'reading the event log failed; trying again');
        await sleep(retryMs);
      }
    }
  };

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    hint(eventId, parent) {
      if (hints.size >= MAX_HINTS) {
        const oldest = hints.keys().next().value;
        if (oldest !== undefined) hints.delete(oldest);
      }
      hints.set(eventId, parent);
    },
    async start() {
      cursor = await log.cursor(name);
      stopping = false;
      loop = run();
    },
    async stop(graceMs = 5000) {
      if (!loop) return;
      stopping = true;
      wakeUp?.();
      await loop;
      loop = undefined;
      // What was committed before the stop still goes out, unless the bus is down.
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline) {
        try {
          if ((await round()).read === 0) break;
        } catch {
          break;
        }
      }
      await saveCursor();
    },
    get cursor() {
      return cursor;
    },
  };
}
