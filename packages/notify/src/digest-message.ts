import type { MessageTemplate } from '@switchboard/core';
import type { MessagePayload } from './channel-senders.ts';
import type { EmailMessage } from './email-message.ts';
import { DEFAULT_DIGEST_TEMPLATE, renderTemplate } from './message-templates.ts';
import type { SlackBlock, SlackPayload } from './slack-message.ts';

/** One lead line of a digest. */
export interface DigestLead {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** For an open lead: assigned or touched. */
  readonly state?: string;
  /** The SLA deadline in the rep's time zone, if any. */
  readonly deadline?: string | null;
  /** For a lost lead: what happened, in words ("SLA breached, Tue 3 Dec, 14:00"). */
  readonly what?: string;
  readonly link: string | null;
}

/** What a digest template can name. */
export interface DigestView {
  readonly rep: { readonly name: string; readonly email: string };
  /** The rep's local date, in words. */
  readonly date: string;
  readonly open: ReadonlyArray<DigestLead>;
  readonly openCount: number;
  readonly hasOpen: boolean;
  readonly lost: ReadonlyArray<DigestLead>;
  readonly lostCount: number;
  readonly hasLost: boolean;
  /** Since when lost leads are listed, in the rep's time zone. */
  readonly since: string;
  /** The console's lead list, or null when SWITCHBOARD_PUBLIC_URL is not set. */
  readonly link: string | null;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const escapeHtml = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const bold = (html: string) => html.replaceAll(/\*([^*\n]+)\*/g, '<strong>$1</strong>');

/** The digest in Block Kit: a header, the list, and a button to the console. */
export function digestSlackMessage(view: DigestView, template?: MessageTemplate): SlackPayload {
  const { title, text } = renderTemplate(DEFAULT_DIGEST_TEMPLATE, template, view, 'slack');
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } },
  ];
  if (view.link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the console' }, url: view.link, action_id: 'open-console' }] });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Switchboard · daily digest' }] });
  return { text: clip(title, 3000), blocks };
}

/** The digest as an email, text and HTML, the console linked at the end. */
export function digestEmail(to: string, view: DigestView, template?: MessageTemplate): EmailMessage {
  const plain = renderTemplate(DEFAULT_DIGEST_TEMPLATE, template, view, 'none');
  const html = renderTemplate(DEFAULT_DIGEST_TEMPLATE, template, view, 'html');
  const text = `${plain.text.replaceAll('*', '')}\n\n${view.link ? `Open the console: ${view.link}\n` : ''}— Switchboard (daily digest)\n`;
  const body = html.text
    .split('\n')
    .map((line) => `<p style="margin:0 0 8px">${bold(line)}</p>`)
    .join('\n');
  const button = view.link ? `<p style="margin:16px 0"><a href="${escapeHtml(view.link)}" style="background:#2563eb;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">Open the console</a></p>` : '';
  return {
    to,
    subject: plain.title,
    text,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;color:#111">\n<h2 style="font-size:16px">${escapeHtml(plain.title)}</h2>\n${body}\n${button}\n<p style="color:#666;font-size:12px">Switchboard · daily digest</p></body></html>`,
  };
}

/** The payload of a digest notification on its channel. */
export function digestPayload(channel: 'slack' | 'email', destination: string, view: DigestView, template?: MessageTemplate): MessagePayload {
  return channel === 'slack' ? { slack: digestSlackMessage(view, template) } : { email: digestEmail(destination, view, template) };
}
