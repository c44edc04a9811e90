import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtpServer } from '@switchboard/testing';
import { createMailer } from '../src/channel-senders.ts';
import { emailMessage } from '../src/email-message.ts';
import type { MessageView } from '../src/message-view.ts';

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
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  it('reach the SMTP server with the recipient, the subject, text and HTML bodies and the link', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'Switchboard <switchboard@acme.io>' });
    try {
      const result = await mailer.send(emailMessage('ana@acme.io', view));
      expect(result).toMatchObject({ ok: true, error: null });
    } finally {
      mailer.close();
    }
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['ana@acme.io']);
    expect(mail.from).toBe('switchboard@acme.io');
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
