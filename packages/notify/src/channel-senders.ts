import type { Notification } from '@switchboard/store';
import nodemailer from 'nodemailer';
import type { ChannelSender } from './deliver.ts';
import type { EmailMessage } from './email-message.ts';
import type { SlackPayload } from './slack-message.ts';
import { isSuccess, type PostResult, WEBHOOK_TIMEOUT_MS } from './webhook-post.ts';

/** What a Slack or email notification carries: the message as planned (see `notification-rules.ts`). */
export interface MessagePayload {
  readonly slack?: SlackPayload;
  readonly email?: EmailMessage;
}

/**
 * Posts a notification's Block Kit message to its destination, a Slack incoming-webhook URL.
 * Slack answers 200 "ok"; anything else (a revoked hook answers 404 or 410) is a failed attempt.
 */
export function slackSender(options: { readonly timeoutMs?: number } = {}): ChannelSender {
  return async (notification: Notification): Promise<PostResult> => {
    const message = (notification.payload as MessagePayload).slack;
    if (!message) return { ok: false, statusCode: null, error: 'the notification carries no Slack message', durationMs: 0 };
    return postJson(notification.destination, message, options.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  };
}

/** Posts a Slack message to an incoming webhook (the notification setup check uses it too). */
export async function postJson(url: string, body: unknown, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<PostResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', 'user-agent': 'Switchboard-Notifications/1' },
      body: JSON.stringify(body),
    });
    const answer = await response.text().catch(() => '');
    const ok = isSuccess(response.status);
    return { ok, statusCode: response.status, error: ok ? null : `answered ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`, durationMs: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const message = timedOut ? `no answer within ${timeoutMs / 1000} s` : `could not post: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    return { ok: false, statusCode: null, error: message, durationMs: performance.now() - started };
  }
}

/** An SMTP mailer: `send` answers what came of one message, and never throws. */
export interface Mailer {
  send(message: EmailMessage): Promise<PostResult>;
  close(): void;
}

/**
 * Sends mail through the SMTP server at `smtpUrl` (`smtp://user:pass@host:587`, or `smtps://`
 * for TLS from the start), from `from`. Connections are pooled and time out after 10 s.
 */
export function createMailer(options: { readonly smtpUrl: string; readonly from: string; readonly timeoutMs?: number }): Mailer {
  const timeout = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const url = new URL(options.smtpUrl);
  url.searchParams.set('pool', 'true');
  for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) url.searchParams.set(key, String(timeout));
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(message) {
      const started = performance.now();
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          // Nodemailer sends it twice: as the text/calendar alternative and as an application/ics attachment.
          ...(message.calendar && { icalEvent: { method: message.calendar.method, filename: message.calendar.filename ?? 'invite.ics', content: message.calendar.ics } }),
        });
        return { ok: true, statusCode: null, error: null, durationMs: performance.now() - started };
      } catch (error) {
        return { ok: false, statusCode: null, error: `the SMTP server refused or could not be reached: ${error instanceof Error ? error.message : String(error)}`, durationMs: performance.now() - started };
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Sends a notification's email through `mailer`. */
export function emailSender(mailer: Mailer): ChannelSender {
  return async (notification: Notification): Promise<PostResult> => {
    const message = (notification.payload as MessagePayload).email;
    if (!message) return { ok: false, statusCode: null, error: 'the notification carries no email', durationMs: 0 };
    return mailer.send({ ...message, to: notification.destination });
  };
}
