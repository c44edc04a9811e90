import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postJson, slackSender } from '../src/channel-senders.ts';
import type { MessageView } from '../src/message-view.ts';
import { slackMessage } from '../src/slack-message.ts';

/**
 * Block Kit as Slack documents it (api.slack.com/reference/block-kit): at most 50 blocks; text
 * objects are plain_text or mrkdwn; a header's text is plain_text of at most 150 characters; a
 * section's text at most 3000 and its fields at most 10 of 2000 each; a context's elements at
 * most 10; an action's buttons at most 25, each with plain_text of at most 75 and a URL of at
 * most 3000.
 */
const text = (max: number) => z.object({ type: z.enum(['plain_text', 'mrkdwn']), text: z.string().min(1).max(max) }).strict();
const plain = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max) }).strict();
const block = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), text: plain(150) }).strict(),
  z.object({ type: z.literal('section'), text: text(3000), fields: z.array(text(2000)).max(10).optional() }).strict(),
  z.object({ type: z.literal('context'), elements: z.array(text(3000)).min(1).max(10) }).strict(),
  z
    .object({
      type: z.literal('actions'),
      elements: z.array(z.object({ type: z.literal('button'), text: plain(75), url: z.url().max(3000), action_id: z.string().max(255) }).strict()).min(1).max(25),
    })
    .strict(),
]);
const blockKitMessage = z.object({ text: z.string().min(1).max(3000), blocks: z.array(block).min(1).max(50) }).strict();

const view = (over: Partial<MessageView> = {}): MessageView => ({
  event: 'lead.assigned',
  lead: { id: '6f1c0f4e-2b7a-4c1e-9d2a-0c6a4f7b1e11', name: 'Grace Hopper (Navy & Co <R&D>)', email: 'grace@navy.example', company: 'Navy & Co <R&D>', link: 'https://sb.example.com/leads/6f1c0f4e-2b7a-4c1e-9d2a-0c6a4f7b1e11' },
  owner: { name: 'Ana Silva', email: 'ana@acme.io' },
  team: 'EMEA',
  reason: 'Rule "Enterprise EMEA" matched; round robin in EMEA chose Ana Silva.',
  deadline: 'Fri 4 Dec, 16:30 UTC',
  left: null,
  breaches: null,
  waited: null,
  reassigned: false,
  ...over,
});

describe('Slack messages', () => {
  it('are Block Kit: a header, the lead and why it went there, the deadline, and a button to the lead page', () => {
    const message = slackMessage(view());
    expect(blockKitMessage.safeParse(message).error?.issues ?? []).toEqual([]);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
    const [header, section, actions] = message.blocks as [any, any, any];
    expect(header.text.text).toBe('New lead for you: Grace Hopper (Navy & Co <R&D>)');
    // mrkdwn escapes &, < and > (Slack's rule); the header is plain text and needs none.
    expect(section.text.text).toContain('*Grace Hopper (Navy &amp; Co &lt;R&amp;D&gt;)* (grace@navy.example) is yours in EMEA.');
    expect(section.text.text).toContain('*Why you:* Rule "Enterprise EMEA" matched; round robin in EMEA chose Ana Silva.');
    expect(section.text.text).toContain('*Respond by:* Fri 4 Dec, 16:30 UTC');
    expect(section.fields).toContainEqual({ type: 'mrkdwn', text: '*SLA deadline*\nFri 4 Dec, 16:30 UTC' });
    expect(actions.elements[0].url).toBe('https://sb.example.com/leads/6f1c0f4e-2b7a-4c1e-9d2a-0c6a4f7b1e11');
  });

  it('stay within Block Kit’s limits whatever the lead says, and leave the button out without a public URL', () => {
    const long = 'x'.repeat(5000);
    const message = slackMessage(view({ lead: { ...view().lead, name: long, company: long, link: null }, reason: long }));
    expect(blockKitMessage.safeParse(message).error?.issues ?? []).toEqual([]);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('use a custom template, escaping what it shows', () => {
    const message = slackMessage(view(), { title: 'Yours: {{lead.company}}', text: 'Call {{lead.name}} before {{deadline}}' });
    expect((message.blocks[0] as any).text.text).toBe('Yours: Navy & Co <R&D>');
    expect((message.blocks[1] as any).text.text).toBe('Call Grace Hopper (Navy &amp; Co &lt;R&amp;D&gt;) before Fri 4 Dec, 16:30 UTC');
  });

  it('are posted as JSON to the incoming webhook, and a refusal is a failed attempt', async () => {
    const received: Array<{ type: string | undefined; body: unknown }> = [];
    let answer = 200;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        received.push({ type: request.headers['content-type'], body: JSON.parse(body) });
        response.writeHead(answer).end(answer === 200 ? 'ok' : 'invalid_token');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/services/T1/B1/xyz`;
    try {
      const message = slackMessage(view());
      const send = slackSender();
      const notification = { destination: url, payload: { slack: message } } as Parameters<typeof send>[0];
      expect(await send(notification, 1)).toMatchObject({ ok: true, statusCode: 200, error: null });
      expect(received).toEqual([{ type: 'application/json', body: message }]);
      expect(blockKitMessage.safeParse(received[0]!.body).success).toBe(true);
      answer = 403;
      expect(await postJson(url, message)).toMatchObject({ ok: false, statusCode: 403, error: 'answered 403: invalid_token' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
