import type { Logger } from '@switchboard/core';
import { createNotificationRepository, type Database } from '@switchboard/store';
import type { Kysely } from 'kysely';
import { createMailer, emailSender, slackSender } from './channel-senders.ts';
import type { ChannelSender } from './deliver.ts';
import { createDeliveryWorker } from './delivery-worker.ts';
import { createNotificationPlanner } from './notification-planner.ts';
import { stillDueIn } from './still-due.ts';

/** Options of the notifier. */
export interface NotifierOptions {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Senders to use instead of the built-in Slack and email ones. */
  readonly channels?: Partial<Record<'slack' | 'email', ChannelSender>>;
  /** The console's address, for links to lead pages (`SWITCHBOARD_PUBLIC_URL`). */
  readonly publicUrl?: string | null;
  /**
   * Email: the SMTP server (`SWITCHBOARD_SMTP_URL`) and the sender (`SWITCHBOARD_EMAIL_FROM`).
   * Without it, no email is planned, except meeting invites: they are recorded as skipped, with why.
   */
  readonly email?: { readonly smtpUrl: string; readonly from: string };
  /** The wait before the first retry. @default 1000 */
  readonly firstRetryMs?: number;
  readonly pollMs?: number;
  /** @default the system clock (a test's manual clock decides what is due) */
  readonly now?: () => number;
}

/** The planner and the delivery worker, started and stopped together: once per deployment. */
export interface Notifier {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Notifications out of Switchboard: planned from the event log, delivered with retries. */
export function createNotifier(options: NotifierOptions): Notifier {
  const notifications = createNotificationRepository(options.db);
  const mailer = options.email && !options.channels?.email ? createMailer({ smtpUrl: options.email.smtpUrl, from: options.email.from }) : undefined;
  const channels: Partial<Record<'slack' | 'email', ChannelSender>> = {
    slack: options.channels?.slack ?? slackSender(),
    ...((options.channels?.email ?? mailer) && { email: options.channels?.email ?? emailSender(mailer!) }),
  };
  const worker = createDeliveryWorker({
    notifications,
    logger: options.logger,
    channels,
    stillDue: stillDueIn(options.db, options.now),
    ...(options.firstRetryMs !== undefined && { firstRetryMs: options.firstRetryMs }),
    ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
    ...(options.now && { now: options.now }),
  });
  const planner = createNotificationPlanner({
    db: options.db,
    logger: options.logger,
    onPlanned: () => worker.wake(),
    messages: { publicUrl: options.publicUrl ?? null, channels: { slack: true, email: channels.email !== undefined } },
    ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
    ...(options.now && { now: options.now }),
  });
  return {
    async start() {
      await planner.start();
      worker.start();
    },
    async stop() {
      await planner.stop();
      await worker.stop();
      mailer?.close();
    },
  };
}
