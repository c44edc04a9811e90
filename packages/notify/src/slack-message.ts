import type { MessageTemplate } from '@switchboard/core';
import { renderMessage } from './message-templates.ts';
import type { MessageView } from './message-view.ts';

/** A Block Kit text object. */
export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText & { type: 'plain_text' } }
  | { readonly type: 'section'; readonly text: SlackText; readonly fields?: ReadonlyArray<SlackText> }
  | { readonly type: 'context'; readonly elements: ReadonlyArray<SlackText> }
  | { readonly type: 'actions'; readonly elements: ReadonlyArray<{ type: 'button'; text: SlackText & { type: 'plain_text' }; url: string; action_id: string }> };

/** What is posted to a Slack incoming webhook: `text` is the notification's fallback (and what a phone shows). */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: ReadonlyArray<SlackBlock>;
}

/** Block Kit's limits: a header's text 150 characters, a section's 3000, a field's 2000. */
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A Slack message in Block Kit: a header (the title), a section with the message (why the lead
 * went where it did, the deadline), the lead's details as fields, and a button to the console's
 * lead page when the public URL is known.
 */
export function slackMessage(view: MessageView, template?: MessageTemplate): SlackPayload {
  const { title, text } = renderMessage(view, template, 'slack');
  const escape = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const fields: SlackText[] = [{ type: 'mrkdwn', text: `*Lead*\n${escape(clip(view.lead.email, 1900))}` }];
  if (view.lead.company) fields.push({ type: 'mrkdwn', text: `*Company*\n${escape(clip(view.lead.company, 1900))}` });
  if (view.owner) fields.push({ type: 'mrkdwn', text: `*Owner*\n${escape(clip(view.owner.name, 1900))}` });
  if (view.deadline) fields.push({ type: 'mrkdwn', text: `*SLA deadline*\n${escape(view.deadline)}` });
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) }, fields },
  ];
  if (view.lead.link) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the lead' }, url: view.lead.link, action_id: 'open-lead' }] });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Switchboard · ${view.event} · lead ${view.lead.id}` }] });
  return { text: clip(title, 3000), blocks };
}
