import type { ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
  secret?: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  leadId: string | null;
  channel: string;
  destination: string;
  status: string;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  attempts: Array<{ attempt: number; startedAt: string; durationMs: number; statusCode: number | null; error: string | null }>;
}

/** `switchboard webhooks add --endpoint <url> --events lead.assigned lead.breached`: prints the signing secret. */
export async function addWebhook(api: ApiClient, io: Output, options: { endpoint: string; events: string[]; secret?: string; description?: string; json?: boolean }): Promise<void> {
  const { body } = await api.request<Webhook>('POST', '/v1/webhooks', {
    url: options.endpoint,
    events: options.events,
    ...(options.secret !== undefined && { secret: options.secret }),
    ...(options.description !== undefined && { description: options.description }),
  });
  if (options.json) {
    io.out(JSON.stringify(body));
    return;
  }
  io.out(`Webhook created: ${body.id} → ${body.url}, for ${body.events.join(', ')}.`);
  io.out('Each post is signed with this secret (Sb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>):');
  io.out(`  ${body.secret}`);
  io.out(`Send a sample with: switchboard webhooks test ${body.id}`);
}

/** `switchboard webhooks list`. */
export async function listWebhooks(api: ApiClient, io: Output, options: { json?: boolean }): Promise<void> {
  const { body } = await api.request<{ items: Webhook[] }>('GET', '/v1/webhooks');
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('No webhooks yet. Add one with: switchboard webhooks add --endpoint https://example.com/hooks/switchboard --events lead.assigned');
    return;
  }
  io.out(formatTable(['id', 'url', 'events', 'active', 'description'], body.items.map((w) => [w.id, w.url, w.events.join(', '), w.active ? 'yes' : 'no', w.description ?? ''])));
}

/** `switchboard webhooks remove <id>`. */
export async function removeWebhook(api: ApiClient, io: Output, id: string): Promise<void> {
  await api.request('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`);
  io.out(`Webhook ${id} deleted: nothing more is sent to it.`);
}

/** `switchboard webhooks test <id>`: sends a sample and says what the endpoint answered. */
export async function testWebhook(api: ApiClient, io: Output, id: string, options: { json?: boolean }): Promise<void> {
  const { body } = await api.request<Delivery>('POST', `/v1/webhooks/${encodeURIComponent(id)}/test`);
  if (options.json) {
    io.out(JSON.stringify(body));
    return;
  }
  const attempt = body.attempts[0];
  const answer = attempt?.statusCode !== null && attempt?.statusCode !== undefined ? `answered ${attempt.statusCode}` : (attempt?.error ?? 'no attempt');
  io.out(
    body.status === 'delivered'
      ? `Sample delivered: the endpoint ${answer} in ${attempt?.durationMs} ms (event ${body.eventId}).`
      : `Sample not delivered: ${answer}. It is tried again at ${body.nextAttemptAt ? formatTime(body.nextAttemptAt) : '-'}; see: switchboard webhooks deliveries ${id}`,
  );
  if (body.status !== 'delivered') process.exitCode = 1;
}

/** `switchboard webhooks deliveries <id>` and `switchboard notifications list`: each delivery with its attempts. */
export async function listDeliveries(api: ApiClient, io: Output, path: string, options: { json?: boolean }): Promise<void> {
  const { body } = await api.request<{ items: Delivery[] }>('GET', path);
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('Nothing sent yet.');
    return;
  }
  io.out(
    formatTable(
      ['created', 'event', 'lead', 'channel', 'to', 'status', 'attempts'],
      body.items.map((d) => [
        formatTime(d.createdAt),
        d.eventType,
        d.leadId ?? '-',
        d.channel,
        d.destination,
        d.status === 'pending' && d.nextAttemptAt ? `pending, next ${formatTime(d.nextAttemptAt)}` : d.status,
        d.attempts.map((a) => (a.statusCode !== null ? String(a.statusCode) : (a.error ?? '?'))).join(' → ') || '-',
      ]),
    ),
  );
}
