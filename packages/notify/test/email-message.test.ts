import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { createMailer } from '../src/channel-senders.ts';
import { emailMessage } from '../src/email-message.ts';
import type { MessageView } from '../src/message-view.ts';

interface Received {
  readonly from: string | undefined;
  readonly to: string[];
  readonly raw: string;
}

const view: MessageView = {
  event: 'sla.warning',
  lead: { id: '0b9e5c8e-8f4e-4d5e-9f59-3a9d2f6a7c01', name: 'Grace Hopper (Navy <R&D>)', email: 'grace@navy.example', company: 'Navy <R&D>', link: 'https://sb.example.com/leads/0b9e5c8e-8f4e-4d5e-9f59-3a9d2f6a7c01' },
  owner: { name: 'Ana Silva', email: 'ana@acme.io' },
  team: 'EMEA',
  reason: null,
  deadline: 'Fri 4 Dec, 16:30 CET',
  left: '12 min',
  breaches: null,
  waited: null,
  reassigned: false,
};

describe('email notifications', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk) => (raw += String(chunk)));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined, to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reach the SMTP server with the recipient, the subject, text and HTML bodies and the link', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Switchboard <switchboard@acme.io>' });
    try {
      const result = await mailer.send(emailMessage('ana@acme.io', view));
      expect(result).toMatchObject({ ok: true, error: null });
    } finally {
      mailer.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['ana@acme.io']);
    expect(received[0]!.from).toBe('switchboard@acme.io');
    const mail = await simpleParser(received[0]!.raw);
    expect(mail.subject).toBe('SLA running out: Grace Hopper (Navy <R&D>)');
    expect(mail.text).toContain('Respond to Grace Hopper (Navy <R&D>) (grace@navy.example) by Fri 4 Dec, 16:30 CET — 12 min left.');
    expect(mail.text).toContain('Open the lead: https://sb.example.com/leads/0b9e5c8e-8f4e-4d5e-9f59-3a9d2f6a7c01');
    // The HTML escapes the lead's name: nothing a lead writes becomes markup.
    expect(mail.html).toContain('<strong>Grace Hopper (Navy &lt;R&amp;D&gt;)</strong>');
    expect(mail.html).toContain('href="https://sb.example.com/leads/0b9e5c8e-8f4e-4d5e-9f59-3a9d2f6a7c01"');
  });

  it('answers a failed attempt, not an exception, when the server can’t be reached', async () => {
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'switchboard@acme.io' });
    try {
      const result = await mailer.send(emailMessage('ana@acme.io', view));
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^the SMTP server refused or could not be reached: .*ECONNREFUSED/);
    } finally {
      mailer.close();
    }
  });
});
