import type { Logger } from '@switchboard/core';
import { type AttemptOutcome, type Notification, NotificationChannel, type NotificationRepository } from '@switchboard/store';
import type { PlannedMessage, StillDue } from './notification-rules.ts';
import { nextAttemptAt } from './retry-schedule.ts';
import { type PostResult, postWebhook } from './webhook-post.ts';

/** Sends one notification on its channel; answers what came of it. */
export type ChannelSender = (notification: Notification, attempt: number) => Promise<PostResult>;

/** What delivering needs: where notifications are kept, and how to send on each channel. */
export interface Delivery {
  readonly notifications: NotificationRepository;
  readonly logger: Logger;
  /** Senders beyond webhooks (Slack, email), by channel. */
  readonly channels?: Partial<Record<NotificationChannel, ChannelSender>>;
  /** @default the system clock */
  readonly now?: () => number;
  /** The wait before the first retry. @default 1000 */
  readonly firstRetryMs?: number;
  readonly webhookTimeoutMs?: number;
  /**
   * Whether an SLA warning is still wanted when it is due: a reason to skip it (the owner
   * answered, the lead moved on), or null to send it.
   */
  readonly stillDue?: (check: StillDue) => Promise<string | null>;
}

/**
 * Makes one attempt at a notification and records it with what it decided: delivered, tried
 * again later (doubling waits), or dead after the last. Never throws: a failure is an attempt.
 */
export async function deliverOnce(delivery: Delivery, notification: Notification): Promise<AttemptOutcome> {
  const now = delivery.now ?? Date.now;
  const attempt = notification.attempts + 1;
  const startedAt = new Date(now());
  const planned = notification.payload as PlannedMessage | null;
  const check = planned?.onlyIf;
  const skip = planned?.skip ?? (check && delivery.stillDue ? await delivery.stillDue(check) : null);
  if (skip !== null) {
    // Not sent, and not a failure: the attempt records why, so the log tells the whole story.
    const skipped: AttemptOutcome = { status: 'skipped' };
    await delivery.notifications.recordAttempt(notification.id, { attempt, startedAt, durationMs: 0, statusCode: null, error: `skipped: ${skip}` }, skipped);
    return skipped;
  }
  const result = await send(delivery, notification, attempt).catch(
    (error: unknown): PostResult => ({ ok: false, statusCode: null, error: error instanceof Error ? error.message : String(error), durationMs: 0 }),
  );
  let outcome: AttemptOutcome;
  if (result.ok) {
    outcome = { status: 'delivered' };
  } else {
    const next = nextAttemptAt(attempt, now(), notification.giveUpAt.getTime(), Math.random, delivery.firstRetryMs);
    outcome = next === null ? { status: 'dead' } : { status: 'pending', nextAttemptAt: new Date(next) };
  }
  await delivery.notifications.recordAttempt(notification.id, { attempt, startedAt, durationMs: result.durationMs, statusCode: result.statusCode, error: result.error }, outcome);
  if (outcome.status === 'dead') {
    delivery.logger.warn({ notification: notification.id, channel: notification.channel, destination: describe(notification), attempts: attempt }, 'a notification could not be delivered and is given up');
  }
  return outcome;
}

async function send(delivery: Delivery, notification: Notification, attempt: number): Promise<PostResult> {
  if (notification.channel === NotificationChannel.webhook) {
    const webhook = notification.webhookId ? await delivery.notifications.getWebhook(notification.webhookId) : undefined;
    if (!webhook) return { ok: false, statusCode: null, error: 'the webhook was deleted', durationMs: 0 };
    if (!webhook.active) return { ok: false, statusCode: null, error: 'the webhook is disabled (PATCH it with active: true)', durationMs: 0 };
    return postWebhook({
      url: webhook.url,
      secret: webhook.secret,
      eventId: notification.eventId,
      eventType: notification.eventType,
      attempt,
      body: JSON.stringify(notification.payload),
      ...(delivery.webhookTimeoutMs !== undefined && { timeoutMs: delivery.webhookTimeoutMs }),
      ...(delivery.now && { now: delivery.now }),
    });
  }
  const sender = delivery.channels?.[notification.channel];
  if (!sender) return { ok: false, statusCode: null, error: `no ${notification.channel} channel is configured here`, durationMs: 0 };
  return sender(notification, attempt);
}

/** A destination for logs: a webhook id, a Slack URL without its secret path, an email address. */
function describe(notification: Notification): string {
  if (notification.channel === NotificationChannel.slack) return notification.destination.replace(/(hooks\.slack\.com\/services\/[^/]+).*/, '$1/…');
  return notification.destination;
}
