export { subscribesTo } from './event-subscription.ts';
export { FIRST_RETRY_MS, GIVE_UP_AFTER_MS, nextAttemptAt, retryDelayMs } from './retry-schedule.ts';
export { isSuccess, postWebhook, type PostResult, WEBHOOK_TIMEOUT_MS } from './webhook-post.ts';
export { type ChannelSender, type Delivery, deliverOnce } from './deliver.ts';
export { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.ts';
export { createNotificationPlanner, notificationsFor, type NotificationPlanner, PLANNER_CURSOR } from './notification-planner.ts';
export { createNotifier, type Notifier, type NotifierOptions } from './notifier.ts';
