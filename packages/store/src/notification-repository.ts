import { newId } from '@switchboard/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, NotificationsTable } from './database.ts';

/** A webhook subscription: where lifecycle events of the chosen types are posted, signed with its secret. */
export interface Webhook {
  readonly id: string;
  readonly url: string;
  /** Event types (`lead.assigned`), prefixes (`lead.*`), or `*` for all. */
  readonly events: ReadonlyArray<string>;
  readonly secret: string;
  readonly description: string | null;
  readonly active: boolean;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewWebhook {
  readonly url: string;
  readonly events: ReadonlyArray<string>;
  readonly secret: string;
  readonly description: string | null;
  readonly createdBy: string;
}

export type WebhookChange = Partial<Pick<Webhook, 'url' | 'events' | 'secret' | 'description' | 'active'>>;

/** Where a notification goes. */
export const NotificationChannel = { webhook: 'webhook', slack: 'slack', email: 'email' } as const;
export type NotificationChannel = (typeof NotificationChannel)[keyof typeof NotificationChannel];

/**
 * pending: to be sent (now or at `nextAttemptAt`); delivered: a 2xx came back (or the SMTP
 * server took the email); dead: given up after its last attempt; skipped: no longer needed when
 * it was due (an SLA warning for a lead its owner already answered).
 */
export const NotificationStatus = { pending: 'pending', delivered: 'delivered', dead: 'dead', skipped: 'skipped' } as const;
export type NotificationStatus = (typeof NotificationStatus)[keyof typeof NotificationStatus];

/** A notification to plan: one event, one destination. */
export interface PlannedNotification {
  readonly eventId: string;
  readonly eventType: string;
  readonly leadId: string | null;
  readonly channel: NotificationChannel;
  /** The webhook's id, the Slack URL, the email address. */
  readonly destination: string;
  readonly webhookId: string | null;
  /** What is sent: the event's JSON for a webhook, the message for Slack or email. */
  readonly payload: unknown;
  /** When to stop trying. */
  readonly giveUpAt: Date;
  /** Not before (quiet hours). @default now */
  readonly notBefore?: Date;
}

/** One try at delivering a notification. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The HTTP status that came back, if any did. */
  readonly statusCode: number | null;
  readonly error: string | null;
}

/** A notification with its attempts. */
export interface Notification {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly leadId: string | null;
  readonly channel: NotificationChannel;
  readonly destination: string;
  readonly webhookId: string | null;
  readonly payload: unknown;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly giveUpAt: Date;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
  readonly lastError: string | null;
}

/** What an attempt decided: delivered, tried again at a time, or given up. */
export type AttemptOutcome = { readonly status: 'delivered' } | { readonly status: 'pending'; readonly nextAttemptAt: Date } | { readonly status: 'dead' } | { readonly status: 'skipped' };

/** Webhook subscriptions and the notifications sent out. See migration 0019. */
export interface NotificationRepository {
  createWebhook(input: NewWebhook): Promise<Webhook>;
  listWebhooks(): Promise<Webhook[]>;
  getWebhook(id: string): Promise<Webhook | undefined>;
  updateWebhook(id: string, change: WebhookChange): Promise<Webhook | undefined>;
  /** Deletes it with its notifications; false if there was none. */
  deleteWebhook(id: string): Promise<boolean>;
  /** Stores notifications, and answers those it stored: one already planned for the same event and destination is kept as it was. */
  plan(notifications: ReadonlyArray<PlannedNotification>): Promise<Notification[]>;
  /**
   * Takes up to `limit` notifications that are due, for `leaseMs`: no other worker takes them
   * meanwhile. One whose worker died is taken again once its lease has run out. `now` (a
   * test's manual clock) decides what is due; the database's clock by default.
   */
  claimDue(limit: number, leaseMs: number, now?: Date): Promise<Notification[]>;
  /** Records an attempt and what it decided, and ends the lease. */
  recordAttempt(id: string, attempt: DeliveryAttempt, outcome: AttemptOutcome): Promise<void>;
  /** Gives leased notifications back unsent (a worker stopping). */
  release(ids: ReadonlyArray<string>): Promise<void>;
  /** The most recent first. */
  list(filter: { readonly webhookId?: string; readonly leadId?: string; readonly status?: NotificationStatus; readonly channel?: NotificationChannel; readonly limit: number; readonly before?: Date }): Promise<Notification[]>;
  get(id: string): Promise<Notification | undefined>;
  /** Each notification's attempts, in order. */
  attemptsOf(ids: ReadonlyArray<string>): Promise<Map<string, DeliveryAttempt[]>>;
}

type NotificationRow = Selectable<NotificationsTable>;

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    leadId: row.lead_id,
    channel: row.channel as NotificationChannel,
    destination: row.destination,
    webhookId: row.webhook_id,
    payload: row.payload,
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    nextAttemptAt: row.status === NotificationStatus.pending ? row.next_attempt_at : null,
    giveUpAt: row.give_up_at,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
  };
}

function toWebhook(row: { id: string; url: string; events: string[]; secret: string; description: string | null; active: boolean; created_by: string; created_at: Date; updated_at: Date }): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    secret: row.secret,
    description: row.description,
    active: row.active,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates the PostgreSQL notification repository. */
export function createNotificationRepository(db: Kysely<Database>): NotificationRepository {
  return {
    async createWebhook(input) {
      const row = await db
        .insertInto('webhooks')
        .values({ id: newId(), url: input.url, events: [...input.events], secret: input.secret, description: input.description, created_by: input.createdBy })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toWebhook(row);
    },

    async listWebhooks() {
      return (await db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute()).map(toWebhook);
    },

    async getWebhook(id) {
      const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toWebhook(row);
    },

    async updateWebhook(id, change) {
      const row = await db
        .updateTable('webhooks')
        .set({
          ...(change.url !== undefined && { url: change.url }),
          ...(change.events !== undefined && { events: [...change.events] }),
          ...(change.secret !== undefined && { secret: change.secret }),
          ...(change.description !== undefined && { description: change.description }),
          ...(change.active !== undefined && { active: change.active }),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toWebhook(row);
    },

    async deleteWebhook(id) {
      const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async plan(notifications) {
      if (notifications.length === 0) return [];
      const rows = await db
        .insertInto('notifications')
        .values(
          notifications.map((n) => ({
            id: newId(),
            event_id: n.eventId,
            event_type: n.eventType,
            lead_id: n.leadId,
            channel: n.channel,
            destination: n.destination,
            webhook_id: n.webhookId,
            payload: JSON.stringify(n.payload),
            give_up_at: n.giveUpAt,
            ...(n.notBefore && { next_attempt_at: n.notBefore }),
          })),
        )
        .onConflict((oc) => oc.constraint('notifications_once').doNothing())
        .returningAll()
        .execute();
      return rows.map(toNotification);
    },

    async claimDue(limit, leaseMs, now) {
      const at = now ? sql`${now}::timestamptz` : sql`now()`;
      const { rows } = await sql<NotificationRow>`
        update notifications set leased_until = ${at} + make_interval(secs => ${leaseMs / 1000})
        where id in (
          select id from notifications
          where status = 'pending' and next_attempt_at <= ${at} and (leased_until is null or leased_until < ${at})
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
        returning *`.execute(db);
      return rows.map(toNotification);
    },

    async recordAttempt(id, attempt, outcome) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notification_attempts')
          .values({ notification_id: id, attempt: attempt.attempt, started_at: attempt.startedAt, duration_ms: Math.round(attempt.durationMs), status_code: attempt.statusCode, error: attempt.error })
          .onConflict((oc) => oc.columns(['notification_id', 'attempt']).doNothing())
          .execute();
        await trx
          .updateTable('notifications')
          .set({
            status: outcome.status,
            attempts: attempt.attempt,
            leased_until: null,
            last_error: attempt.error ?? (attempt.statusCode !== null && (attempt.statusCode < 200 || attempt.statusCode > 299) ? `answered ${attempt.statusCode}` : null),
            ...(outcome.status === 'delivered' && { delivered_at: sql<Date>`now()` }),
            ...(outcome.status === 'pending' && { next_attempt_at: outcome.nextAttemptAt }),
          })
          .where('id', '=', id)
          .execute();
      });
    },

    async release(ids) {
      if (ids.length === 0) return;
      await db.updateTable('notifications').set({ leased_until: null }).where('id', 'in', [...ids]).where('status', '=', 'pending').execute();
    },

    async list(filter) {
      let query = db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
      if (filter.webhookId) query = query.where('webhook_id', '=', filter.webhookId);
      if (filter.leadId) query = query.where('lead_id', '=', filter.leadId);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.channel) query = query.where('channel', '=', filter.channel);
      if (filter.before) query = query.where('created_at', '<', filter.before);
      return (await query.execute()).map(toNotification);
    },

    async get(id) {
      const row = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toNotification(row);
    },

    async attemptsOf(ids) {
      const byId = new Map<string, DeliveryAttempt[]>(ids.map((id) => [id, []]));
      if (ids.length === 0) return byId;
      const rows = await db.selectFrom('notification_attempts').selectAll().where('notification_id', 'in', [...ids]).orderBy('notification_id').orderBy('attempt').execute();
      for (const row of rows) {
        byId.get(row.notification_id)?.push({ attempt: row.attempt, startedAt: row.started_at, durationMs: row.duration_ms, statusCode: row.status_code, error: row.error });
      }
      return byId;
    },
  };
}
