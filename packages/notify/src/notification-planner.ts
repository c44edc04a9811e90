import type { Logger } from '@switchboard/core';
import {
  createEventLogRelayRepository,
  createNotificationRepository,
  type Database,
  type LoggedEvent,
  NotificationChannel,
  type PlannedNotification,
  type Webhook,
} from '@switchboard/store';
import type { Kysely } from 'kysely';
import { subscribesTo } from './event-subscription.ts';
import { GIVE_UP_AFTER_MS } from './retry-schedule.ts';

/** The event log's cursor the planner keeps. */
export const PLANNER_CURSOR = 'notifications';

/** Options of the notification planner. */
export interface NotificationPlannerOptions {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Called after notifications were planned: the worker can send them at once. */
  readonly onPlanned?: () => void;
  /** How often the log is read. @default 250 */
  readonly pollMs?: number;
  /** Most events planned in one transaction. @default 500 */
  readonly batchSize?: number;
  /** @default the system clock */
  readonly now?: () => number;
}

/** Plans notifications from the event log until stopped. */
export interface NotificationPlanner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The notifications one event makes: one per active webhook subscribed to its type. */
export function notificationsFor(event: LoggedEvent, webhooks: ReadonlyArray<Webhook>, now: number): PlannedNotification[] {
  return webhooks
    .filter((webhook) => webhook.active && subscribesTo(webhook.events, event.type))
    .map((webhook) => ({
      eventId: event.id,
      eventType: event.type,
      leadId: event.leadId,
      channel: NotificationChannel.webhook,
      destination: webhook.id,
      webhookId: webhook.id,
      // The body is the event as the event stream carries it.
      payload: event,
      giveUpAt: new Date(now + GIVE_UP_AFTER_MS),
    }));
}

/**
 * Reads the lead event log (the transactional outbox the event relay publishes from) with a
 * cursor of its own, and turns each event into the notifications it makes. The notifications
 * and the cursor are written in one transaction: a crash plans an event again or not at all,
 * never half, and never twice (each is unique per event and destination). Runs once in a
 * deployment, beside the event relay.
 */
export function createNotificationPlanner(options: NotificationPlannerOptions): NotificationPlanner {
  const { db, logger } = options;
  const pollMs = options.pollMs ?? 250;
  const batchSize = options.batchSize ?? 500;
  const now = options.now ?? Date.now;
  const log = createEventLogRelayRepository(db);
  const notifications = createNotificationRepository(db);
  let stopping = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const round = async (): Promise<number> => {
    const cursor = await log.cursor(PLANNER_CURSOR);
    const events = await log.readAfter(cursor, batchSize);
    if (events.length === 0) return 0;
    const webhooks = (await notifications.listWebhooks()).filter((webhook) => webhook.active);
    const planned = events.flatMap(({ event }) => notificationsFor(event, webhooks, now()));
    const last = events.at(-1)!.cursor;
    const made = await db.transaction().execute(async (trx) => {
      const { length: count } = await createNotificationRepository(trx).plan(planned);
      await createEventLogRelayRepository(trx).saveCursor(PLANNER_CURSOR, last);
      return count;
    });
    if (made > 0) options.onPlanned?.();
    return events.length;
  };

  const rounds = async () => {
    while (!stopping) {
      let read = 0;
      try {
        read = await round();
      } catch (error) {
        logger.warn({ err: error }, 'planning notifications failed; trying again');
      }
      if (read < batchSize && !stopping) await sleep(pollMs);
    }
  };

  return {
    async start() {
      // The first start sets the cursor at the log's head: notifications begin with events from now.
      await log.cursor(PLANNER_CURSOR);
      loop ??= rounds();
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
