import { notificationsConfigSchema } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { digestEmail, digestSlackMessage, type DigestView } from '../src/digest-message.ts';

const view = (over: Partial<DigestView> = {}): DigestView => ({
  rep: { name: 'Ana Silva', email: 'ana@acme.io' },
  date: 'Fri 4 Dec',
  open: [
    { id: 'l1', name: 'Grace <b>Hopper</b> & Co', email: 'grace@navy.example', state: 'assigned', deadline: 'Fri 4 Dec, 11:50 (America/New_York)', link: 'https://sb.example.com/leads/l1' },
    { id: 'l2', name: 'Alan', email: 'alan@navy.example', state: 'touched', deadline: null, link: 'https://sb.example.com/leads/l2' },
  ],
  openCount: 2,
  hasOpen: true,
  lost: [{ id: 'l3', name: 'Ada', email: 'ada@navy.example', what: 'SLA breached, Thu 3 Dec, 16:00', link: 'https://sb.example.com/leads/l3' }],
  lostCount: 1,
  hasLost: true,
  since: 'Thu 3 Dec, 08:00',
  link: 'https://sb.example.com/leads',
  ...over,
});

describe('the daily digest message', () => {
  it('lists open leads with their deadlines and lost ones in Block Kit, values escaped for mrkdwn, with a button to the console', () => {
    const payload = digestSlackMessage(view());
    expect(payload.text).toBe('Your leads today (Fri 4 Dec): 2 open, 1 lost');
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
    const section = payload.blocks[1] as { text: { type: string; text: string } };
    expect(section.text.type).toBe('mrkdwn');
    expect(section.text.text.split('\n')).toEqual([
      'Hello Ana Silva, here are your leads.',
      '',
      '*Open leads (2)*',
      '• *Grace &lt;b&gt;Hopper&lt;/b&gt; &amp; Co* (grace@navy.example), assigned: respond by Fri 4 Dec, 11:50 (America/New_York) https://sb.example.com/leads/l1',
      '• *Alan* (alan@navy.example), touched https://sb.example.com/leads/l2',
      '',
      '*No longer yours since Thu 3 Dec, 08:00*',
      '• *Ada* (ada@navy.example): SLA breached, Thu 3 Dec, 16:00 https://sb.example.com/leads/l3',
      '',
    ]);
    expect(payload.blocks[2]).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the console' }, url: 'https://sb.example.com/leads', action_id: 'open-console' }] });
  });

  it('says so when there is nothing open, and leaves the button out without a public URL', () => {
    const payload = digestSlackMessage(view({ open: [], openCount: 0, hasOpen: false, lost: [], lostCount: 0, hasLost: false, link: null }));
    expect(payload.text).toBe('Your leads today (Fri 4 Dec): 0 open');
    expect((payload.blocks[1] as { text: { text: string } }).text.text).toBe('Hello Ana Silva, here are your leads.\n\nYou have no open leads.\n');
    expect(payload.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('emails text and HTML, the HTML escaped, the console linked', () => {
    const mail = digestEmail('ana@acme.io', view());
    expect(mail).toMatchObject({ to: 'ana@acme.io', subject: 'Your leads today (Fri 4 Dec): 2 open, 1 lost' });
    expect(mail.text).toContain('• Grace <b>Hopper</b> & Co (grace@navy.example), assigned: respond by Fri 4 Dec, 11:50 (America/New_York) https://sb.example.com/leads/l1');
    expect(mail.text).toContain('Open the console: https://sb.example.com/leads\n');
    expect(mail.html).toContain('<strong>Grace &lt;b&gt;Hopper&lt;/b&gt; &amp; Co</strong>');
    expect(mail.html).not.toContain('<b>Hopper');
    expect(mail.html).toContain('href="https://sb.example.com/leads"');
  });

  it('takes a custom digest template from the configuration, checked like the others', () => {
    const config = notificationsConfigSchema.parse({ templates: { digest: { title: '{{openCount}} leads waiting, {{rep.name}}', text: '{{#open}}{{name}};{{/open}}' } } });
    const payload = digestSlackMessage(view(), config.templates.digest);
    expect(payload.text).toBe('2 leads waiting, Ana Silva');
    expect((payload.blocks[1] as { text: { text: string } }).text.text).toBe('Grace &lt;b&gt;Hopper&lt;/b&gt; &amp; Co;Alan;');
    const refused = notificationsConfigSchema.safeParse({ templates: { digest: { text: '{{{rep.name}}}' } } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['templates.digest.text', 'values are always escaped: write {{name}}, not {{{name}}} or {{& name}}']]);
  });
});
