import { createHash } from 'node:crypto';
import type { NotificationsConfig, NotifyEvent, Recipient, Rep, RepPreferences } from '@switchboard/core';
import { type LoggedEvent, NotificationChannel, type PlannedNotification } from '@switchboard/store';
import { DateTime } from 'luxon';
import type { MessagePayload } from './channel-senders.ts';
import { emailMessage } from './email-message.ts';
import { inWords, leadName, type MessageView } from './message-view.ts';
import { quietHoursEnd } from './quiet-hours.ts';
import { GIVE_UP_AFTER_MS } from './retry-schedule.ts';
import { slackMessage } from './slack-message.ts';

/** The lead an event is about, as messages show it. */
export interface LeadInfo {
  readonly id: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly company: string | null;
  readonly teamId: string | null;
}

/** What planning the messages of an event needs to know, read once per batch of events. */
export interface MessagePlanning {
  readonly config: NotificationsConfig;
  readonly repsById: ReadonlyMap<string, Rep>;
  /** Preferences by rep id (the configuration names reps by email or id). */
  readonly preferences: ReadonlyMap<string, RepPreferences>;
  readonly teamNames: ReadonlyMap<string, string>;
  readonly leads: ReadonlyMap<string, LeadInfo>;
  /** The console's address (`SWITCHBOARD_PUBLIC_URL`), for links to lead pages. */
  readonly publicUrl: string | null;
  /** The channels this deployment can send on: a channel that isn't set up is not planned. */
  readonly channels: { readonly slack: boolean; readonly email: boolean };
  readonly now: number;
}

/** A condition checked when an SLA warning is due: it is skipped if the lead no longer waits on this owner by this deadline. */
export interface StillDue {
  readonly leadId: string;
  readonly ownerId: string;
  readonly slaDeadlineAt: string;
}

/** What a Slack or email notification carries, with the check of an SLA warning. */
export interface PlannedMessage extends MessagePayload {
  readonly onlyIf?: StillDue;
  /**
   * Why it can't be sent, known when it was planned (no SMTP server for a meeting invite): it is
   * recorded as skipped with this reason rather than tried, so the delivery log says what was not sent and why.
   */
  readonly skip?: string;
}

type Data = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A UUID for an event derived from another (an SLA warning from its assignment), the same every time. */
export function derivedEventId(eventId: string, kind: string): string {
  const hex = createHash('sha1').update(`${eventId}:${kind}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The Slack messages and emails one lifecycle event makes under the configuration's
 * `notifications:` section: for each recipient its subscriptions name, on the rep's preferred
 * channel, held to the end of the rep's quiet hours (or sent by email at once, if the rep says
 * so). A `lead.assigned` with an SLA deadline also plans the `sla.warning`, due at the set
 * fraction of the response time and skipped then if the owner has answered.
 */
export function messagesFor(event: LoggedEvent, planning: MessagePlanning): PlannedNotification[] {
  const data = (event.data ?? {}) as Data;
  const lead = planning.leads.get(event.leadId);
  if (!lead) return [];
  const planned: PlannedNotification[] = [];
  const type = event.type as NotifyEvent;
  planned.push(...forEvent(event.id, type, event, data, lead, planning.now, planning));
  if (type === 'lead.assigned') {
    const deadline = text(data.slaDeadlineAt);
    const ownerId = text(data.repId);
    if (deadline && ownerId) {
      const start = Date.parse(event.occurredAt);
      const end = Date.parse(deadline);
      const warnAt = start + (end - start) * planning.config.slaWarning;
      if (end > planning.now && warnAt < end) {
        planned.push(
          ...forEvent(derivedEventId(event.id, 'sla.warning'), 'sla.warning', event, data, lead, Math.max(warnAt, planning.now), planning, { leadId: lead.id, ownerId, slaDeadlineAt: deadline }),
        );
      }
    }
  }
  return planned;
}

function forEvent(eventId: string, type: NotifyEvent, event: LoggedEvent, data: Data, lead: LeadInfo, dueAt: number, planning: MessagePlanning, onlyIf?: StillDue): PlannedNotification[] {
  const recipients = planning.config.on[type];
  if (!recipients || recipients.length === 0) return [];
  const { owner, manager, teamName } = parties(type, data, lead, planning);
  const out: PlannedNotification[] = [];
  const seen = new Set<string>();
  const add = (channel: 'slack' | 'email', destination: string, view: MessageView, notBefore: number) => {
    const key = `${channel}\u0000${destination}`;
    if (seen.has(key)) return;
    seen.add(key);
    const template = planning.config.templates[type];
    const payload: PlannedMessage = {
      ...(channel === 'slack' ? { slack: slackMessage(view, template) } : { email: emailMessage(destination, view, template) }),
      ...(onlyIf && { onlyIf }),
    };
    out.push({
      eventId,
      eventType: type,
      leadId: event.leadId,
      channel: channel === 'slack' ? NotificationChannel.slack : NotificationChannel.email,
      destination,
      webhookId: null,
      payload,
      giveUpAt: new Date(notBefore + GIVE_UP_AFTER_MS),
      // Always set, on the planner's clock (a test's manual clock included), not the database's.
      notBefore: new Date(notBefore),
    });
  };
  for (const recipient of recipients as Recipient[]) {
    if (recipient === 'team') {
      const entry = teamName ? planning.config.teams.find((t) => t.team.toLowerCase() === teamName.toLowerCase()) : undefined;
      if (!entry) continue;
      const view = viewOf(type, data, lead, owner, teamName, 'UTC', dueAt, planning);
      if (entry.slack && planning.channels.slack) add('slack', entry.slack, view, dueAt);
      if (entry.email && planning.channels.email) add('email', entry.email, view, dueAt);
      continue;
    }
    const rep = recipient === 'owner' ? owner : manager;
    if (!rep || !rep.active) continue;
    const route = personalRoute(rep, planning.preferences.get(rep.id), dueAt, planning);
    if (route) add(route.channel, route.destination, viewOf(type, data, lead, owner, teamName, rep.timezone, dueAt, planning), route.notBefore);
  }
  return out;
}

/** The rep the event is about, that rep's manager, and the lead's team (or queue). */
function parties(type: NotifyEvent, data: Data, lead: LeadInfo, planning: MessagePlanning) {
  const rep = (id: unknown) => (typeof id === 'string' ? planning.repsById.get(id) : undefined);
  const owner = rep(data.repId);
  // An escalation's owner is the manager now holding the lead; its manager is the last owner's.
  const managerOf = type === 'lead.escalated' ? rep(data.lastOwnerId) : owner;
  const managerCandidate = rep(managerOf?.managerId);
  const manager = managerCandidate && managerCandidate.id !== owner?.id ? managerCandidate : undefined;
  const teamId = text(data.teamId) ?? lead.teamId;
  const teamName = text(data.queue) ?? (teamId ? planning.teamNames.get(teamId) : undefined) ?? null;
  return { owner, manager, teamName };
}

/** Where and when a rep hears: the preferred channel, around quiet hours, on a channel this deployment has. */
export function personalRoute(rep: Rep, preferences: RepPreferences | undefined, dueAt: number, planning: Pick<MessagePlanning, 'channels'>): { channel: 'slack' | 'email'; destination: string; notBefore: number } | null {
  let channel = preferences?.channel ?? 'email';
  if (channel === 'slack' && (!preferences?.slack || !planning.channels.slack)) channel = 'email';
  if (channel === 'email' && !planning.channels.email) {
    if (preferences?.slack && planning.channels.slack) channel = 'slack';
    else return null;
  }
  let notBefore = dueAt;
  const quiet = preferences?.quietHours;
  const end = quiet ? quietHoursEnd(dueAt, quiet, rep.timezone) : null;
  if (quiet && end !== null) {
    // Email is read when the rep chooses to; a Slack ping is what quiet hours keep away.
    if (quiet.then === 'email' && planning.channels.email) channel = 'email';
    else notBefore = end;
  }
  return { channel, destination: channel === 'slack' ? preferences!.slack! : rep.email, notBefore };
}

function viewOf(type: NotifyEvent, data: Data, lead: LeadInfo, owner: Rep | undefined, teamName: string | null, timezone: string, dueAt: number, planning: MessagePlanning): MessageView {
  const deadlineIso = text(data.slaDeadlineAt) ?? text(data.deadlineAt);
  const deadline = deadlineIso ? `${DateTime.fromISO(deadlineIso).setZone(timezone).toFormat('ccc d LLL, HH:mm')} (${timezone})` : null;
  const waitedMs = typeof data.waitedMs === 'number' ? data.waitedMs : null;
  return {
    event: type,
    lead: {
      id: lead.id,
      name: leadName(lead),
      email: lead.email,
      company: lead.company,
      link: planning.publicUrl ? `${planning.publicUrl.replace(/\/+$/, '')}/leads/${lead.id}` : null,
    },
    owner: owner ? { name: owner.name, email: owner.email } : null,
    team: teamName,
    reason: text(data.summary) ?? text(data.reason),
    deadline,
    left: deadlineIso ? inWords(Date.parse(deadlineIso) - dueAt) : null,
    breaches: typeof data.breaches === 'number' ? data.breaches : null,
    waited: waitedMs === null ? null : inWords(waitedMs),
    reassigned: data.reassigned === true,
  };
}
