import Mustache from 'mustache';
import { z } from 'zod';

/**
 * The `notifications:` section of the routing configuration: where Slack messages and emails
 * go (a team's Slack channel and address, a rep's own Slack webhook), each rep's preferences
 * (channel, quiet hours), who hears of which event, and optional message templates. Webhooks
 * are set apart, through the API: they are integrations, not people.
 */

/** What can notify: the lifecycle events people care about, and `sla.warning`, planned from `lead.assigned`. */
export const NotifyEvent = {
  leadAssigned: 'lead.assigned',
  slaWarning: 'sla.warning',
  leadBreached: 'lead.breached',
  leadRerouted: 'lead.rerouted',
  leadEscalated: 'lead.escalated',
  leadWaiting: 'lead.waiting',
  leadUnassignedAlert: 'lead.unassigned_alert',
} as const;
export type NotifyEvent = (typeof NotifyEvent)[keyof typeof NotifyEvent];
export const NOTIFY_EVENTS = Object.values(NotifyEvent) as [NotifyEvent, ...NotifyEvent[]];

/** The daily digest's notification type: not an event anyone subscribes to, but it has a template. */
export const DIGEST = 'digest' as const;
/** What a template can be set for: each event, and the digest. */
export type TemplateKind = NotifyEvent | typeof DIGEST;
const TEMPLATE_KINDS = [...NOTIFY_EVENTS, DIGEST] as [TemplateKind, ...TemplateKind[]];

/**
 * Who hears of an event: `owner` is the rep the event is about (the new owner of an assigned
 * lead, the owner who let the SLA run out, the manager now holding an escalated lead);
 * `manager` is that rep's manager (`managerId`; for an escalation, the last owner's);
 * `team` is the channel of the lead's team (or of the queue it waits in).
 */
export const Recipient = { owner: 'owner', manager: 'manager', team: 'team' } as const;
export type Recipient = (typeof Recipient)[keyof typeof Recipient];
const RECIPIENTS = Object.values(Recipient) as [Recipient, ...Recipient[]];

/** A person's channels: Slack (an incoming webhook) or email. */
export const PersonalChannel = { slack: 'slack', email: 'email' } as const;
export type PersonalChannel = (typeof PersonalChannel)[keyof typeof PersonalChannel];

/** Who hears of what when the section leaves `on` out: what the issue asks of a sales floor. */
export const DEFAULT_SUBSCRIPTIONS: Readonly<Partial<Record<NotifyEvent, Recipient[]>>> = {
  'lead.assigned': ['owner'],
  'sla.warning': ['owner'],
  'lead.breached': ['owner', 'manager'],
  'lead.rerouted': ['owner', 'manager'],
  'lead.escalated': ['owner', 'manager', 'team'],
  'lead.unassigned_alert': ['team'],
};

const timeOfDay = z
  .string({ error: 'expected a time of day such as "22:00"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time of day as HH:MM, such as "22:00"' });

const slackUrl = z
  .url({ protocol: /^https?$/, error: 'expected a Slack incoming-webhook URL, such as https://hooks.slack.com/services/T000/B000/XXXX' })
  .max(2000);

const email = z.email({ error: 'must be an email address such as sales@example.com' }).max(320);

/** A template may show values, always escaped: no raw `{{{…}}}`/`{{&…}}` and no partials. */
const template = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      const problem = templateProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** Why a template can't be used, or undefined. */
export function templateProblem(text: string): string | undefined {
  let tokens: unknown[];
  try {
    tokens = Mustache.parse(text) as unknown[];
  } catch (error) {
    return `not a valid Mustache template: ${error instanceof Error ? error.message : String(error)}`;
  }
  const kinds = new Set<string>();
  const walk = (list: unknown[]) => {
    for (const token of list) {
      const [kind, , , , children] = token as [string, string, number, number, unknown[] | undefined];
      kinds.add(kind);
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(tokens);
  if (kinds.has('&')) return 'values are always escaped: write {{name}}, not {{{name}}} or {{& name}}';
  if (kinds.has('>')) return 'partials ({{> name}}) are not available in notification templates';
  return undefined;
}

/** A team's (or a queue's) channels. */
export const teamChannelsSchema = z
  .strictObject({
    team: z.string().trim().min(1, { error: 'must not be empty' }).max(200).describe('A team of `teams`, or the name of a queue leads wait in.'),
    slack: slackUrl.optional().describe('The team channel’s incoming-webhook URL.'),
    email: email.optional().describe('The team’s address (a list or a shared inbox).'),
  })
  .refine((entry) => entry.slack !== undefined || entry.email !== undefined, { error: 'give slack, email or both' });

/** A daily digest: when, on the rep's own clock. */
const digestSchema = z
  .strictObject({ at: timeOfDay.describe('The time of day, in the rep’s time zone, such as "08:00".') })
  .describe('Each rep’s daily digest: open leads with their SLA deadlines, and leads lost since the last one.');
export type DigestSetting = z.output<typeof digestSchema>;

/** A rep's channel and quiet hours. */
export const repPreferencesSchema = z.strictObject({
  rep: z.string({ error: 'expected a rep’s email or id' }).trim().min(1, { error: 'must not be empty' }).max(320),
  channel: z.enum(Object.values(PersonalChannel) as [PersonalChannel, ...PersonalChannel[]]).default('email').describe('How the rep hears: email (the rep’s address), or slack (needs `slack`).'),
  slack: slackUrl.optional().describe('The rep’s own incoming-webhook URL (a Slack DM app).'),
  quietHours: z
    .strictObject({
      from: timeOfDay,
      to: timeOfDay,
      then: z.enum(['wait', 'email']).default('wait').describe('wait: send when the quiet hours end; email: send by email at once instead of Slack.'),
    })
    .refine((q) => q.from !== q.to, { error: 'from and to are the same time; leave quietHours out for none' })
    .optional()
    .describe('In the rep’s time zone; may span midnight ("22:00" to "07:00").'),
  digest: z
    .union([z.literal(false), digestSchema], { error: 'expected digest: { at: "08:00" } for a daily digest, or digest: false for none' })
    .optional()
    .describe('This rep’s daily digest, over `notifications.digest`; false for none.'),
});
export type RepPreferences = z.output<typeof repPreferencesSchema>;

const messageTemplate = z.strictObject({
  title: template(150).optional().describe('The Slack header and the email subject.'),
  text: template(2500).optional().describe('The body: Slack mrkdwn, and the email’s text (and, escaped, its HTML).'),
});
export type MessageTemplate = z.output<typeof messageTemplate>;

export const notificationsConfigSchema = z.strictObject({
  slaWarning: z
    .number({ error: 'expected a fraction of the response time, such as 0.8' })
    .gt(0, { error: 'must be above 0' })
    .lt(1, { error: 'must be below 1 (the deadline itself is a breach)' })
    .default(0.8)
    .describe('Warn the owner when this fraction of the response time has gone by.'),
  teams: z.array(teamChannelsSchema).max(1_000).default([]),
  reps: z.array(repPreferencesSchema).max(10_000).default([]),
  on: z
    .partialRecord(z.enum(NOTIFY_EVENTS, { error: `unknown event; use one of ${NOTIFY_EVENTS.join(', ')}` }), z.array(z.enum(RECIPIENTS, { error: `unknown recipient; use ${RECIPIENTS.join(', ')}` })).max(3))
    .default(DEFAULT_SUBSCRIPTIONS as Partial<Record<NotifyEvent, Recipient[]>>)
    .describe('Who hears of each event; events left out notify nobody.'),
  digest: digestSchema.optional().describe('A daily digest for every active rep (a rep may set its own in `reps`, or digest: false). Off when left out.'),
  templates: z.partialRecord(z.enum(TEMPLATE_KINDS, { error: `unknown event; use one of ${TEMPLATE_KINDS.join(', ')}` }), messageTemplate).default({}),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
