import type { MessageTemplate } from '@switchboard/core';
import { renderMessage } from './message-templates.ts';
import type { MessageView } from './message-view.ts';

/**
 * A meeting invite an email carries (iMIP, RFC 6047): sent as a `text/calendar; method=…`
 * alternative, which mail clients show with Accept and Decline, and as an .ics attachment for
 * those that only offer to open a file.
 */
export interface CalendarPart {
  readonly method: 'REQUEST' | 'CANCEL';
  /** The iCalendar text (`bookingInvite` of `@switchboard/calendar`). */
  readonly ics: string;
  /** @default 'invite.ics' */
  readonly filename?: string;
}

/** An email as planned: sent as it is, so the delivery log holds what went out. */
export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** A meeting invite or cancellation, if the email is one. */
  readonly calendar?: CalendarPart;
}

/** Slack-style *bold* in a text body reads as bold in HTML too. */
const bold = (html: string) => html.replaceAll(/\*([^*\n]+)\*/g, '<strong>$1</strong>');

/**
 * An email with a text and an HTML body: the same words, the lead's page linked at the end.
 * The HTML is rendered with HTML escaping, so a lead's name can't inject markup.
 */
export function emailMessage(to: string, view: MessageView, template?: MessageTemplate): EmailMessage {
  const plain = renderMessage(view, template, 'none');
  const html = renderMessage(view, template, 'html');
  const escape = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
  const link = view.lead.link;
  const text = `${plain.text.replaceAll('*', '')}\n\n${link ? `Open the lead: ${link}\n` : ''}— Switchboard (${view.event})\n`;
  const body = html.text
    .split('\n')
    .map((line) => `<p style="margin:0 0 8px">${bold(line)}</p>`)
    .join('\n');
  const button = link ? `<p style="margin:16px 0"><a href="${escape(link)}" style="background:#2563eb;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">Open the lead</a></p>` : '';
  return {
    to,
    subject: plain.title,
    text,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;color:#111">\n<h2 style="font-size:16px">${escape(plain.title)}</h2>\n${body}\n${button}\n<p style="color:#666;font-size:12px">Switchboard · ${escape(view.event)}</p></body></html>`,
  };
}
