import type { FastifyInstance } from 'fastify';

/** A Slack incoming-webhook URL: whoever holds one can post to its channel. */
const SLACK_WEBHOOK = /https:\/\/hooks\.slack\.com\/services\/[^\s"'\\<>]+/g;
const REDACTED = 'https://hooks.slack.com/services/[redacted]';

/** `text` with every Slack incoming-webhook URL in it replaced by a redacted one. */
export function redactSlackUrls(text: string): string {
  return text.replace(SLACK_WEBHOOK, REDACTED);
}

/**
 * Slack incoming-webhook URLs are credentials, and they sit in places lesser roles may read: the
 * routing configuration (a viewer's), its versions and diffs, the audit log's copies of it, and
 * the delivery log (an operator's). Only an admin, who sets them, sees them whole; every other
 * answer has them redacted on the way out, whichever route wrote them.
 */
export function installSlackUrlRedaction(app: FastifyInstance): void {
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.principal?.role === 'admin' || typeof payload !== 'string' || !payload.includes('hooks.slack.com')) return payload;
    return redactSlackUrls(payload);
  });
}
