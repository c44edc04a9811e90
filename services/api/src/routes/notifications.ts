import { NotificationChannel, type NotificationRepository, NotificationStatus } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { errorSchema, isoDate } from '../schemas.ts';
import { deliverySchema, withAttempts } from './webhooks.ts';

/** `GET /v1/notifications`: the delivery log of every notification, on every channel. */
export function notificationRoutes(app: FastifyInstance, deps: { notifications: NotificationRepository }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/v1/notifications',
    {
      schema: {
        ...access('operator'),
        tags: ['notifications'],
        summary: 'Notifications sent, newest first, with every attempt',
        description: 'Webhooks, Slack and email alike: filter by lead, status or channel.',
        querystring: z.object({
          lead: z.uuid({ error: 'must be a lead id (a UUID)' }).optional(),
          status: z.enum(Object.values(NotificationStatus) as [NotificationStatus, ...NotificationStatus[]]).optional(),
          channel: z.enum(Object.values(NotificationChannel) as [NotificationChannel, ...NotificationChannel[]]).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: isoDate.optional().describe('Cursor: the `createdAt` of the last notification of the previous page.'),
        }),
        response: { 200: z.object({ items: z.array(deliverySchema) }), 400: errorSchema },
      },
    },
    async (request) => {
      const { lead, status, channel, limit, before } = request.query;
      const items = await deps.notifications.list({ limit, ...(lead && { leadId: lead }), ...(status && { status }), ...(channel && { channel }), ...(before && { before }) });
      return { items: await withAttempts(deps.notifications, items) };
    },
  );
}
