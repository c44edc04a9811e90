import { randomBytes, randomUUID } from 'node:crypto';
import { LifecycleEventType, unstorableTextReason } from '@switchboard/core';
import { deliverOnce, GIVE_UP_AFTER_MS } from '@switchboard/notify';
import { type DeliveryAttempt, type Notification, NotificationChannel, type NotificationRepository, NotificationStatus, type Webhook } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { errorSchema, idParams, isoDate } from '../schemas.ts';

const KNOWN_TYPES = new Set<string>(Object.values(LifecycleEventType));
const PREFIXES = new Set([...KNOWN_TYPES].map((type) => `${type.split('.')[0]}.*`));

const eventsField = z
  .array(
    z.string().refine((entry) => entry === '*' || KNOWN_TYPES.has(entry) || PREFIXES.has(entry), {
      error: `must be a lifecycle event type (${[...KNOWN_TYPES].join(', ')}), a prefix such as lead.*, or *`,
    }),
  )
  .min(1, { error: 'name at least one event type, or ["*"] for all' })
  .max(50)
  .describe('The lifecycle event types to send: `lead.assigned`, a prefix `lead.*`, or `*` for all.');

const urlField = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000)
  .refine((url) => unstorableTextReason(url) === undefined, { error: 'must be an http:// or https:// URL' })
  .describe('Where each event is posted.');

const secretField = z
  .string()
  .min(16, { error: 'must be at least 16 characters: a signing secret anyone can guess signs nothing' })
  .max(200)
  .refine((secret) => unstorableTextReason(secret) === undefined, { error: 'must be plain text' });

const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()).readonly(),
    description: z.string().nullable(),
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Webhook' });
const withSecret = webhookSchema.extend({ secret: z.string().describe('The signing secret: shown when the webhook is made, and when it is changed.') });

const attemptSchema = z.object({
  attempt: z.int(),
  startedAt: isoDate,
  durationMs: z.int(),
  statusCode: z.int().nullable().describe('What the endpoint answered; null when no answer came (a timeout, a refused connection).'),
  error: z.string().nullable(),
});
export const deliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid().describe('Also sent as `Sb-Event-Id`, the same on every attempt.'),
    eventType: z.string(),
    leadId: z.uuid().nullable(),
    channel: z.enum(Object.values(NotificationChannel) as [NotificationChannel, ...NotificationChannel[]]),
    destination: z.string().describe('The webhook id, the Slack URL or the email address.'),
    status: z.enum(Object.values(NotificationStatus) as [NotificationStatus, ...NotificationStatus[]]).describe('pending (to be sent, again), delivered, dead (given up after 24 hours of failures), or skipped (no longer needed when due: an SLA warning for a lead its owner already answered).'),
    nextAttemptAt: isoDate.nullable(),
    createdAt: isoDate,
    deliveredAt: isoDate.nullable(),
    lastError: z.string().nullable(),
    attempts: z.array(attemptSchema),
  })
  .meta({ id: 'Delivery' });

/** A webhook without its secret. */
const present = ({ id, url, events, description, active, createdBy, createdAt, updatedAt }: Webhook) => ({ id, url, events, description, active, createdBy, createdAt, updatedAt });

/** A notification with its attempts, as the API shows it. */
export async function withAttempts(notifications: NotificationRepository, items: ReadonlyArray<Notification>) {
  const attempts = await notifications.attemptsOf(items.map((n) => n.id));
  return items.map((n) => ({
    id: n.id,
    eventId: n.eventId,
    eventType: n.eventType,
    leadId: n.leadId,
    channel: n.channel,
    destination: n.destination,
    status: n.status,
    nextAttemptAt: n.nextAttemptAt,
    createdAt: n.createdAt,
    deliveredAt: n.deliveredAt,
    lastError: n.lastError,
    attempts: (attempts.get(n.id) ?? []).map((a: DeliveryAttempt) => ({ ...a, durationMs: Math.round(a.durationMs) })),
  }));
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * `/v1/webhooks`: subscriptions to lifecycle events, an admin's. Each event of a subscribed type
 * is posted to the URL, signed, and retried until a 2xx answer (for up to 24 hours); every
 * attempt is on record in `/v1/webhooks/{id}/deliveries`.
 */
export function webhookRoutes(app: FastifyInstance, deps: { notifications: NotificationRepository; clock: () => number }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['notifications'];
  const notFound = (id: string) => ({ error: 'not_found', message: `webhook "${id}" does not exist; GET /v1/webhooks lists them` });

  api.post(
    '/v1/webhooks',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Subscribe a URL to lifecycle events',
        description:
          'Each event of a subscribed type is POSTed to the URL as JSON (the same body as on the event stream), with `Sb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` and `Sb-Event-Id` (the same on every retry). ' +
          'An answer outside 2xx, or none within 10 s, is tried again: the first retry within 2 s, then at doubling waits with jitter, for up to 24 hours. Without a `secret`, one is made; it is in this answer.',
        body: z.strictObject({ url: urlField, events: eventsField, secret: secretField.optional(), description: z.string().trim().max(500).optional() }),
        response: { 201: withSecret, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const webhook = await deps.notifications.createWebhook({
        url: request.body.url,
        events: [...new Set(request.body.events)],
        secret: request.body.secret ?? newSecret(),
        description: request.body.description ?? null,
        createdBy: request.principal?.name ?? 'unknown',
      });
      return reply.code(201).send(webhook);
    },
  );

  api.get(
    '/v1/webhooks',
    { schema: { ...access('admin'), tags, summary: 'List webhooks, without their secrets', response: { 200: z.object({ items: z.array(webhookSchema) }) } } },
    async () => ({ items: (await deps.notifications.listWebhooks()).map(present) }),
  );

  api.get(
    '/v1/webhooks/:id',
    { schema: { ...access('admin'), tags, summary: 'Read a webhook, without its secret', params: idParams('webhook'), response: { 200: webhookSchema, 400: errorSchema, 404: errorSchema } } },
    async (request, reply) => {
      const webhook = await deps.notifications.getWebhook(request.params.id);
      return webhook ? present(webhook) : reply.code(404).send(notFound(request.params.id));
    },
  );

  api.patch(
    '/v1/webhooks/:id',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Change a webhook',
        description: 'Any of url, events, secret, description and active (false stops sending; its pending deliveries wait). Answers the webhook with its secret.',
        params: idParams('webhook'),
        body: z
          .strictObject({ url: urlField.optional(), events: eventsField.optional(), secret: secretField.optional(), description: z.string().trim().max(500).nullable().optional(), active: z.boolean().optional() })
          .refine((change) => Object.keys(change).length > 0, { error: 'give at least one field to change: url, events, secret, description or active' }),
        response: { 200: withSecret, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { events, ...rest } = request.body;
      const webhook = await deps.notifications.updateWebhook(request.params.id, { ...rest, ...(events && { events: [...new Set(events)] }) });
      return webhook ?? reply.code(404).send(notFound(request.params.id));
    },
  );

  api.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Delete a webhook',
        description: 'Nothing more is sent to it; its delivery log goes with it.',
        params: idParams('webhook'),
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => ((await deps.notifications.deleteWebhook(request.params.id)) ? reply.code(204).send(null) : reply.code(404).send(notFound(request.params.id))),
  );

  api.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: "A webhook's deliveries, newest first, with every attempt",
        params: idParams('webhook'),
        querystring: z.object({
          status: z.enum(Object.values(NotificationStatus) as [NotificationStatus, ...NotificationStatus[]]).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: isoDate.optional().describe('Cursor: the `createdAt` of the last delivery of the previous page.'),
        }),
        response: { 200: z.object({ items: z.array(deliverySchema) }), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await deps.notifications.getWebhook(request.params.id))) return reply.code(404).send(notFound(request.params.id));
      const { status, limit, before } = request.query;
      const items = await deps.notifications.list({ webhookId: request.params.id, limit, ...(status && { status }), ...(before && { before }) });
      return { items: await withAttempts(deps.notifications, items) };
    },
  );

  api.post(
    '/v1/webhooks/:id/test',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Send a sample event to a webhook now',
        description:
          'Posts a `webhook.test` event, signed like any other, and answers the delivery with its first attempt. A failed sample is retried like any delivery.',
        params: idParams('webhook'),
        response: { 200: deliverySchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const webhook = await deps.notifications.getWebhook(request.params.id);
      if (!webhook) return reply.code(404).send(notFound(request.params.id));
      const now = deps.clock();
      const event = {
        id: randomUUID(),
        type: 'webhook.test',
        version: 1,
        occurredAt: new Date(now).toISOString(),
        leadId: null,
        data: { message: 'A sample from Switchboard: this webhook receives its events.', webhookId: webhook.id },
      };
      const [planned] = await deps.notifications.plan([
        {
          eventId: event.id,
          eventType: event.type,
          leadId: null,
          channel: NotificationChannel.webhook,
          destination: webhook.id,
          webhookId: webhook.id,
          payload: event,
          giveUpAt: new Date(now + GIVE_UP_AFTER_MS),
          // Due later: the delivery worker leaves it to this request's own attempt.
          notBefore: new Date(now + 60_000),
        },
      ]);
      if (!planned) throw new Error('the sample delivery was not stored');
      await deliverOnce({ notifications: deps.notifications, logger: request.log, now: deps.clock }, planned);
      const [delivery] = await withAttempts(deps.notifications, [(await deps.notifications.get(planned.id)) as Notification]);
      return delivery;
    },
  );
}
