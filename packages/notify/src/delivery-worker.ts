import type { Notification } from '@switchboard/store';
import { type Delivery, deliverOnce } from './deliver.ts';

/** Options of the delivery worker, beyond what delivering needs. */
export interface DeliveryWorkerOptions extends Delivery {
  /** Most notifications in flight at once. @default 16 */
  readonly concurrency?: number;
  /** How often due notifications are looked for when nobody says one was planned. @default 250 */
  readonly pollMs?: number;
  /** How long a claimed notification stays this worker's; one whose worker died is taken again after it. @default 30000 */
  readonly leaseMs?: number;
}

/** Sends due notifications until stopped; see `createDeliveryWorker`. */
export interface DeliveryWorker {
  /** Notifications were planned: look now rather than at the next poll. */
  wake(): void;
  start(): void;
  /** Claims nothing more, lets the attempts in flight finish (each ends within the webhook timeout), and stops. */
  stop(): Promise<void>;
}

/**
 * The worker that delivers notifications: it claims due ones from PostgreSQL (leased, so that
 * several workers never send one twice at once, and one that died is taken over), sends each,
 * and records every attempt. Its own loop and connections: a slow or failing endpoint holds up
 * its own notifications only, never routing.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const concurrency = options.concurrency ?? 16;
  const pollMs = options.pollMs ?? 250;
  const leaseMs = options.leaseMs ?? 30_000;
  const inFlight = new Map<string, Promise<void>>();
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });

  const run = async (notification: Notification) => {
    try {
      await deliverOnce(options, notification);
    } catch (error) {
      // Recording the attempt failed (the database away): the lease runs out and it is sent again.
      options.logger.warn({ err: error, notification: notification.id }, 'recording a notification attempt failed; it is tried again when its lease runs out');
    } finally {
      inFlight.delete(notification.id);
      wakeUp?.();
    }
  };

  const rounds = async () => {
    while (!stopping) {
      const room = concurrency - inFlight.size;
      let claimed: Notification[] = [];
      if (room > 0) {
        try {
          claimed = await options.notifications.claimDue(room, leaseMs, options.now && new Date(options.now()));
        } catch (error) {
          options.logger.warn({ err: error }, 'looking for due notifications failed; trying again');
        }
      }
      for (const notification of claimed) inFlight.set(notification.id, run(notification));
      // A full batch: there may be more due at once.
      if (claimed.length === room && room > 0) continue;
      await sleep(pollMs);
    }
  };

  return {
    wake() {
      if (wakeUp) wakeUp();
      else woken = true;
    },
    start() {
      loop ??= rounds();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await loop;
      await Promise.all(inFlight.values());
    },
  };
}
