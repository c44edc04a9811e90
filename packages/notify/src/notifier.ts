import type { Logger } from '@switchboard/core';
import { createNotificationRepository, type Database } from '@switchboard/store';
import type { Kysely } from 'kysely';
import type { ChannelSender } from './deliver.ts';
import { createDeliveryWorker } from './delivery-worker.ts';
import { createNotificationPlanner } from './notification-planner.ts';

/** Options of the notifier. */
export interface NotifierOptions {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly channels?: Partial<Record<'slack' | 'email', ChannelSender>>;
  /** The wait before the first retry. @default 1000 */
  readonly firstRetryMs?: number;
  readonly pollMs?: number;
}

/** The planner and the delivery worker, started and stopped together: once per deployment. */
export interface Notifier {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Notifications out of Switchboard: planned from the event log, delivered with retries. */
export function createNotifier(options: NotifierOptions): Notifier {
  const notifications = createNotificationRepository(options.db);
  const worker = createDeliveryWorker({
    notifications,
    logger: options.logger,
    ...(options.channels && { channels: options.channels }),
    ...(options.firstRetryMs !== undefined && { firstRetryMs: options.firstRetryMs }),
    ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
  });
  const planner = createNotificationPlanner({ db: options.db, logger: options.logger, onPlanned: () => worker.wake(), ...(options.pollMs !== undefined && { pollMs: options.pollMs }) });
  return {
    async start() {
      await planner.start();
      worker.start();
    },
    async stop() {
      await planner.stop();
      await worker.stop();
    },
  };
}
