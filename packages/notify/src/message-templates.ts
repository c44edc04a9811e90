import type { MessageTemplate, NotifyEvent } from '@switchboard/core';
import Mustache from 'mustache';
import type { MessageView } from './message-view.ts';

/**
 * The default messages, written as Mustache templates themselves so that a custom template is
 * the same kind of thing: `title` is the Slack header and the email subject, `text` the body
 * (Slack mrkdwn: *bold*; an email shows it as it is).
 */
export const DEFAULT_TEMPLATES: Readonly<Record<NotifyEvent, Required<MessageTemplate>>> = {
  'lead.assigned': {
    title: '{{#reassigned}}Lead reassigned to you{{/reassigned}}{{^reassigned}}New lead for you{{/reassigned}}: {{lead.name}}',
    text: '*{{lead.name}}* ({{lead.email}}) is yours{{#team}} in {{team}}{{/team}}.\n*Why you:* {{reason}}{{#deadline}}\n*Respond by:* {{deadline}}{{/deadline}}',
  },
  'sla.warning': {
    title: 'SLA running out: {{lead.name}}',
    text: 'Respond to *{{lead.name}}* ({{lead.email}}) by *{{deadline}}* — {{left}} left. After that the lead is taken back and routed again.',
  },
  'lead.breached': {
    title: 'SLA breached: {{lead.name}}',
    text: '{{#owner}}*{{owner.name}}* did not respond{{/owner}}{{^owner}}Nobody responded{{/owner}} to *{{lead.name}}* ({{lead.email}}){{#deadline}} by {{deadline}}{{/deadline}}. The lead is taken back and routed again (breach {{breaches}}).',
  },
  'lead.rerouted': {
    title: 'Lead rerouted: {{lead.name}}',
    text: '*{{lead.name}}* ({{lead.email}}) left {{#owner}}*{{owner.name}}*{{/owner}}{{^owner}}its owner{{/owner}} and is routed again.{{#reason}}\n*Why:* {{reason}}{{/reason}}',
  },
  'lead.escalated': {
    title: 'Lead escalated: {{lead.name}}',
    text: 'After {{breaches}} missed SLA deadlines, *{{lead.name}}* ({{lead.email}}) went to {{#owner}}*{{owner.name}}*{{/owner}}{{^owner}}the escalation queue{{/owner}}.{{#reason}}\n*Why:* {{reason}}{{/reason}}',
  },
  'lead.waiting': {
    title: 'Lead waiting: {{lead.name}}',
    text: '*{{lead.name}}* ({{lead.email}}) waits{{#team}} in {{team}}{{/team}}: nobody can take it now.{{#reason}}\n*Why:* {{reason}}{{/reason}}',
  },
  'lead.unassigned_alert': {
    title: 'Lead unassigned for {{waited}}: {{lead.name}}',
    text: '*{{lead.name}}* ({{lead.email}}) has waited {{waited}} for a rep{{#team}} in {{team}}{{/team}}.{{#reason}}\n*Why:* {{reason}}{{/reason}}',
  },
};

/** How values are escaped where the text goes: Slack mrkdwn, HTML, or plain text (a subject, a text body). */
export type Escaping = 'slack' | 'html' | 'none';

const escapers: Record<Escaping, (value: string) => string> = {
  // Slack's own rule: only &, < and > are control characters in mrkdwn.
  slack: (value) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'),
  html: (value) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;'),
  none: (value) => value,
};

/**
 * The daily digest's default message: the rep's open leads, each with its deadline and link,
 * then the leads that left the rep since the last digest. One line per lead, so Slack and the
 * email (a paragraph per line) read alike.
 */
export const DEFAULT_DIGEST_TEMPLATE: Required<MessageTemplate> = {
  title: 'Your leads today ({{date}}): {{openCount}} open{{#lostCount}}, {{lostCount}} lost{{/lostCount}}',
  text:
    'Hello {{rep.name}}, here are your leads.\n\n' +
    '{{#hasOpen}}*Open leads ({{openCount}})*\n{{/hasOpen}}{{^hasOpen}}You have no open leads.\n{{/hasOpen}}' +
    '{{#open}}• *{{name}}* ({{email}}), {{state}}{{#deadline}}: respond by {{deadline}}{{/deadline}}{{#link}} {{link}}{{/link}}\n{{/open}}' +
    '{{#hasLost}}\n\n*No longer yours since {{since}}*\n{{#lost}}• *{{name}}* ({{email}}): {{what}}{{#link}} {{link}}{{/link}}\n{{/lost}}{{/hasLost}}',
};

/** The title and text of a message: the custom template's where set, else the default's. */
export function renderMessage(view: MessageView, custom: MessageTemplate | undefined, escaping: Escaping): { title: string; text: string } {
  return renderTemplate(DEFAULT_TEMPLATES[view.event], custom, view, escaping);
}

/** A template pair rendered over any view (an event's, the digest's), values escaped for where the text goes. */
export function renderTemplate(defaults: Required<MessageTemplate>, custom: MessageTemplate | undefined, view: object, escaping: Escaping): { title: string; text: string } {
  const escape = escapers[escaping];
  const render = (template: string) => Mustache.render(template, view, undefined, { escape: (value: unknown) => escape(String(value)) });
  return {
    // A title is plain text everywhere (a Slack header, a subject).
    title: Mustache.render(custom?.title ?? defaults.title, view, undefined, { escape: String }).replaceAll(/\s+/g, ' ').trim(),
    text: render(custom?.text ?? defaults.text),
  };
}
