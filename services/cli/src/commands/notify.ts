import type { ApiClient } from '../api-client.ts';
import type { Output } from '../output.ts';

/** The channels a setup check can send on. */
export const NOTIFY_TEST_CHANNELS = ['slack', 'email', 'webhook'] as const;

interface Delivery {
  eventId: string;
  channel: string;
  destination: string;
  status: string;
  attempts: Array<{ durationMs: number; statusCode: number | null; error: string | null }>;
}

/**
 * `switchboard notify test --channel slack --to <url>`: sends a sample message now, once, and
 * says what came of it; exits 1 when it did not go through, so a deployment script can stop.
 */
export async function notifyTest(api: ApiClient, io: Output, options: { channel: string; to: string; json?: boolean }): Promise<void> {
  const { body } = await api.request<Delivery>('POST', '/v1/notifications/test', { channel: options.channel, to: options.to });
  if (options.json) {
    io.out(JSON.stringify(body));
  } else {
    const attempt = body.attempts[0];
    const where = body.channel === 'email' ? `to ${body.destination}` : body.channel === 'slack' ? 'to Slack' : `to webhook ${body.destination}`;
    if (body.status === 'delivered') {
      const answer = body.channel === 'email' ? 'the SMTP server took it' : `the endpoint answered ${attempt?.statusCode}`;
      io.out(`Sample ${body.channel} message sent ${where}: ${answer} in ${Math.round(attempt?.durationMs ?? 0)} ms.`);
    } else {
      io.out(`Sample ${body.channel} message not sent ${where}: ${attempt?.error ?? 'no attempt was made'}.`);
      io.out(body.channel === 'email' ? 'Check SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM on the server.' : 'Check the URL; for Slack, make an incoming webhook for the channel and use its URL.');
    }
  }
  if (body.status !== 'delivered') process.exitCode = 1;
}
