import { randomUUID } from 'node:crypto';
import { unstorableTextReason, ValidationError } from '@switchboard/core';
import { type ChannelSender, createMailer, deliverOnce, emailMessage, emailSender, type Mailer, sampleView, slackMessage, slackSender } from '@switchboard/notify';
import { type Notification, NotificationChannel, type NotificationRepository, type PlannedNotification } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { errorSchema } from '../schemas.ts';
import { deliverySchema, withAttempts } from './webhooks.ts';

/** How this deployment sends Slack and email: the console's address for links, and the SMTP server. */
export interface NotifySettings {
  readonly publicUrl: string | null;
  readonly email?: { readonly smtpUrl: string; readonly from: string };
}

const CHANNELS = [NotificationChannel.slack, NotificationChannel.email, NotificationChannel.webhook] as const;

const testBody = z
  .object({
    channel: z.enum(CHANNELS, { error: 'use slack, email or webhook' }),
    to: z.string().trim().min(1, { error: 'name where to send: a Slack incoming-webhook URL, an email address, or a webhook id' }).max(2000),
  })
  .superRefine((body, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['to'], message });
    if (unstorableTextReason(body.to) !== undefined) return bad('must be plain text');
    if (body.channel === 'slack' && !z.url({ protocol: /^https?$/ }).safeParse(body.to).success) bad('a Slack incoming-webhook URL, such as https://hooks.slack.com/services/T000/B000/XXXX');
    if (body.channel === 'email' && !z.email().safeParse(body.to).success) bad('an email address, such as sarah@example.com');
    if (body.channel === 'webhook' && !z.uuid().safeParse(body.to).success) bad('a webhook’s id (see GET /v1/webhooks)');
  });

/**
 * `POST /v1/notifications/test`: the setup check. Sends a sample message on a channel to a
 * destination now, once (a sample is not retried), and answers the delivery, which the
 * delivery log keeps like any other.
 */
export function notificationTestRoutes(app: FastifyInstance, deps: { notifications: NotificationRepository; clock: () => number; settings: NotifySettings }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  let mailer: Mailer | undefined;
  app.addHook('onClose', async () => mailer?.close());
  const emailChannel = (): ChannelSender | undefined => {
    if (!deps.settings.email) return undefined;
    mailer ??= createMailer(deps.settings.email);
    return emailSender(mailer);
  };
  api.post(
    '/v1/notifications/test',
    {
      schema: {
        ...access('admin'),
        tags: ['notifications'],
        summary: 'Send a sample notification now (the setup check)',
        description:
          'Sends a sample on `channel` to `to` — a Slack incoming-webhook URL, an email address (needs `SWITCHBOARD_SMTP_URL`), or a webhook id — once, and answers the delivery with its attempt: `delivered`, or `dead` with the error.',
        body: testBody,
        response: { 200: deliverySchema, 400: errorSchema },
      },
    },
    async (request) => {
      const { channel, to } = request.body;
      const now = deps.clock();
      const email = emailChannel();
      if (channel === 'email' && !email) {
        throw new ValidationError([{ path: 'channel', message: 'email is not set up on this server: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM, and restart it' }]);
      }
      if (channel === 'webhook' && !(await deps.notifications.getWebhook(to))) {
        throw new ValidationError([{ path: 'to', message: `no webhook with id ${to}; list them with GET /v1/webhooks` }]);
      }
      const eventId = randomUUID();
      const view = sampleView(deps.settings.publicUrl, now);
      const payload =
        channel === 'slack'
          ? { slack: slackMessage(view) }
          : channel === 'email'
            ? { email: emailMessage(to, view) }
            : { id: eventId, type: 'notification.test', version: 1, occurredAt: new Date(now).toISOString(), leadId: null, data: { message: 'A sample from Switchboard: this webhook receives its events.' } };
      const sample: PlannedNotification = {
        eventId,
        eventType: 'notification.test',
        leadId: null,
        channel,
        destination: to,
        webhookId: channel === 'webhook' ? to : null,
        payload,
        // One attempt only (a sample that fails is dead at once), and none by the worker.
        giveUpAt: new Date(now),
        notBefore: new Date(now + 60_000),
      };
      const [planned] = await deps.notifications.plan([sample]);
      if (!planned) throw new Error('the sample delivery was not stored');
      await deliverOnce({ notifications: deps.notifications, logger: request.log, now: deps.clock, channels: { slack: slackSender(), ...(email && { email }) } }, planned);
      const [delivery] = await withAttempts(deps.notifications, [(await deps.notifications.get(planned.id)) as Notification]);
      return delivery;
    },
  );
}
