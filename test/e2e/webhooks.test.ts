import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { checkSignature } from '@switchboard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableBuses, createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// Webhooks out of Switchboard, against a real HTTP receiver: signed posts of lifecycle events,
// retried until a 2xx, the same Sb-Event-Id on every attempt, each attempt on record, a restart
// in the middle of the retries, and an endpoint too slow to answer that routing never waits for.

/** One post the receiver got. */
interface Received {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What the receiver answered (null: it never did). */
  status: number | null;
}

/** A webhook receiver: answers each post with what `answer` says for its number (1-based); 'hang' answers never. */
async function startReceiver(answer: (n: number) => number | 'hang'): Promise<{ url: string; posts: Received[]; close(): Promise<void> }> {
  const posts: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      const post: Received = { at: Date.now(), headers: request.headers, body, status: null };
      posts.push(post);
      const status = answer(posts.length);
      if (status === 'hang') return;
      post.status = status;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/switchboard`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe.each(availableBuses)('webhooks (on the %s bus)', (bus) => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ bus });
    await createTeamOfReps(sb.url, { count: 2 });
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  const assignedLead = async (email: string) => {
    const posted = await http(sb.url, 'POST', '/v1/leads', { email });
    expect(posted.status).toBe(202);
    return eventually(async () => {
      const lead = (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
      return lead.state === 'assigned' && lead;
    });
  };

  it('refuses a bad subscription naming the field, and makes, lists, changes and deletes a good one', async () => {
    const bad = await http(sb.url, 'POST', '/v1/webhooks', { url: 'ftp://example.com/x', events: ['lead.asigned'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['events.0', 'url']);
    expect((await http(sb.url, 'POST', '/v1/webhooks', { url: 'https://example.com/x', events: [] })).body.errors).toEqual([
      { path: 'events', message: 'name at least one event type, or ["*"] for all' },
    ]);
    expect((await http(sb.url, 'GET', '/v1/webhooks')).body.items).toEqual([]);

    const made = await http(sb.url, 'POST', '/v1/webhooks', { url: 'https://example.com/x', events: ['lead.*'], description: 'CRM' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ url: 'https://example.com/x', events: ['lead.*'], description: 'CRM', active: true });
    expect(made.body.secret).toMatch(/^whsec_.{32}$/);
    const listed = (await http(sb.url, 'GET', '/v1/webhooks')).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: made.body.id })]);
    expect(listed[0]).not.toHaveProperty('secret');
    const changed = await http(sb.url, 'PATCH', `/v1/webhooks/${made.body.id}`, { events: ['lead.breached', 'lead.assigned'], active: false });
    expect(changed.body).toMatchObject({ events: ['lead.breached', 'lead.assigned'], active: false, secret: made.body.secret });
    expect((await http(sb.url, 'DELETE', `/v1/webhooks/${made.body.id}`)).status).toBe(204);
    expect((await http(sb.url, 'GET', `/v1/webhooks/${made.body.id}`)).status).toBe(404);
    // Who changed it is on record, without the secret.
    const audit = (await http(sb.url, 'GET', '/v1/audit')).body.items.filter((entry: { targetKind: string }) => entry.targetKind === 'webhook');
    expect(audit.map((entry: { action: string }) => entry.action).sort()).toEqual(['DELETE /v1/webhooks/:id', 'PATCH /v1/webhooks/:id', 'POST /v1/webhooks']);
    expect(JSON.stringify(audit)).not.toContain(made.body.secret);
  });

  it('retries a receiver that fails 3 times: the event arrives once more, signed, with the same Sb-Event-Id every time', async () => {
    const receiver = await startReceiver((n) => (n <= 3 ? 503 : 200));
    closers.push(receiver.close);
    const hook = (await http(sb.url, 'POST', '/v1/webhooks', { url: receiver.url, events: ['lead.assigned'] })).body;
    const lead = await assignedLead('retry@prospect.io');

    await eventually(async () => receiver.posts.some((p) => p.status === 200), 30_000, 'a successful delivery');
    // Nothing after the success.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.posts.map((p) => p.status)).toEqual([503, 503, 503, 200]);
    const eventIds = new Set(receiver.posts.map((p) => p.headers['sb-event-id']));
    expect(eventIds.size).toBe(1);
    const event = JSON.parse(receiver.posts[3]!.body);
    expect(event).toMatchObject({ id: [...eventIds][0], type: 'lead.assigned', version: 1, leadId: lead.id, data: { repId: lead.ownerId } });
    for (const post of receiver.posts) {
      const check = checkSignature(post.headers['sb-signature'] as string, post.body, [hook.secret], Math.floor(Date.now() / 1000));
      expect(check.ok).toBe(true);
      expect(post.headers['content-type']).toBe('application/json');
    }
    // The first retry within 2 s, then longer waits.
    const gaps = receiver.posts.slice(1).map((p, i) => p.at - receiver.posts[i]!.at);
    expect(gaps[0]).toBeLessThan(2000);
    expect(gaps[2]).toBeGreaterThan(gaps[0]!);

    const deliveries = (await http(sb.url, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ eventType: 'lead.assigned', leadId: lead.id, status: 'delivered', nextAttemptAt: null, lastError: null });
    expect(deliveries[0].attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
      [4, 200],
    ]);
    // The lead's notifications, across channels.
    expect((await http(sb.url, 'GET', `/v1/notifications?lead=${lead.id}`)).body.items.map((n: { id: string }) => n.id)).toEqual([deliveries[0].id]);
    await http(sb.url, 'DELETE', `/v1/webhooks/${hook.id}`);
  });

  it('never holds up routing for an endpoint that does not answer, and records the timeout', async () => {
    const receiver = await startReceiver(() => 'hang');
    closers.push(receiver.close);
    const hook = (await http(sb.url, 'POST', '/v1/webhooks', { url: receiver.url, events: ['*'] })).body;
    await assignedLead('first@prospect.io');
    await eventually(async () => receiver.posts.length > 0, 10_000, 'the first post to hang');
    // While the endpoint holds its posts, leads keep being routed: each is assigned before the
    // 10 s a post may take, in about the time routing takes without webhooks.
    const times: number[] = [];
    for (const i of [1, 2, 3, 4, 5]) {
      const started = performance.now();
      await assignedLead(`slow${i}@prospect.io`);
      times.push(performance.now() - started);
    }
    expect(receiver.posts.every((p) => p.status === null)).toBe(true);
    expect(Math.max(...times)).toBeLessThan(5000);
    const timedOut = await eventually(
      async () => (await http(sb.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?limit=100`)).body.items.find((d: { attempts: Array<{ error: string | null }> }) => d.attempts[0]?.error),
      20_000,
      'a timed-out attempt on record',
    );
    expect(timedOut.attempts[0]).toMatchObject({ statusCode: null, error: 'no answer within 10 s' });
    expect(timedOut.status).toBe('pending');
    await http(sb.url, 'DELETE', `/v1/webhooks/${hook.id}`);
  });

  it('sends a sample on request, and answers its delivery', async () => {
    const receiver = await startReceiver(() => 204);
    closers.push(receiver.close);
    const hook = (await http(sb.url, 'POST', '/v1/webhooks', { url: receiver.url, events: ['lead.breached'], secret: 'a-secret-of-our-own-choosing' })).body;
    const test = await http(sb.url, 'POST', `/v1/webhooks/${hook.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ eventType: 'webhook.test', status: 'delivered', attempts: [{ attempt: 1, statusCode: 204, error: null }] });
    expect(receiver.posts).toHaveLength(1);
    expect(JSON.parse(receiver.posts[0]!.body)).toMatchObject({ type: 'webhook.test', id: test.body.eventId });
    expect(checkSignature(receiver.posts[0]!.headers['sb-signature'] as string, receiver.posts[0]!.body, ['a-secret-of-our-own-choosing'], Math.floor(Date.now() / 1000)).ok).toBe(true);
    expect((await http(sb.url, 'POST', '/v1/webhooks/00000000-0000-7000-8000-000000000000/test')).status).toBe(404);
    await http(sb.url, 'DELETE', `/v1/webhooks/${hook.id}`);
  });
});

describe('a restart in the middle of the retries', () => {
  it('loses nothing, and sends nothing after the success', async () => {
    let sb = await startTestSwitchboard({ bus: 'in-process' });
    try {
      await createTeamOfReps(sb.url, { count: 1 });
      const receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
      closers.push(receiver.close);
      const hook = (await http(sb.url, 'POST', '/v1/webhooks', { url: receiver.url, events: ['lead.assigned'] })).body;
      const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'restart@prospect.io' });
      await eventually(async () => receiver.posts.length >= 1, 15_000, 'the first failed attempt');
      sb = await sb.restart();
      await eventually(async () => receiver.posts.some((p) => p.status === 200), 30_000, 'the delivery after the restart');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(receiver.posts.map((p) => p.status)).toEqual([500, 500, 200]);
      expect(new Set(receiver.posts.map((p) => p.headers['sb-event-id'])).size).toBe(1);
      const [delivery] = (await http(sb.url, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).body.items;
      expect(delivery).toMatchObject({ leadId: posted.body.id, status: 'delivered' });
      expect(delivery.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
      // The event was planned once: a second start of the planner does not plan it again.
      expect((await http(sb.url, 'GET', `/v1/notifications?lead=${posted.body.id}`)).body.items).toHaveLength(1);
    } finally {
      await sb.destroy();
    }
  });
});
