import { DIGEST, type NotificationsConfig, type Rep } from '@switchboard/core';
import { createConfigVersionRepository, createRepRepository, type Database, NotificationChannel, type PlannedNotification } from '@switchboard/store';
import { type Kysely, sql } from 'kysely';
import { DateTime } from 'luxon';
import { digestsDue, type DueDigest } from './digest-due.ts';
import { type DigestLead, digestPayload, type DigestView } from './digest-message.ts';
import { leadName } from './message-view.ts';
import type { MessagePlanning } from './notification-rules.ts';
import { personalRoute } from './notification-rules.ts';
import { GIVE_UP_AFTER_MS } from './retry-schedule.ts';

/** How far back a digest lists the leads a rep lost: the day before it. */
const LOST_WINDOW_MS = 24 * 60 * 60_000;

/** The events that take a lead away from its owner, and the field naming that owner. */
const LOST_EVENTS: Readonly<Record<string, { field: string; what: string }>> = {
  'lead.breached': { field: 'repId', what: 'SLA breached' },
  'lead.rejected': { field: 'repId', what: 'given back' },
  'lead.rerouted': { field: 'repId', what: 'routed again' },
  'lead.escalated': { field: 'lastOwnerId', what: 'escalated' },
};

/**
 * The digests due at `now` that are not planned yet, as notifications: each rep's open leads
 * (assigned or touched) with their SLA deadlines, and the leads it lost in the 24 h before the
 * digest's time, on the rep's channel around its quiet hours. Each is unique per rep and local
 * date (its event id), so planning one twice — a second round, a restart, another process —
 * writes nothing.
 */
export async function plannedDigests(db: Kysely<Database>, messages: { readonly publicUrl: string | null; readonly channels: MessagePlanning['channels'] }, now: number): Promise<PlannedNotification[]> {
  const config = (await createConfigVersionRepository(db).current())?.document.notifications;
  if (!config || (!messages.channels.slack && !messages.channels.email)) return [];
  if (!config.digest && !config.reps.some((entry) => entry.digest)) return [];
  const reps = await createRepRepository(db).listAll();
  const preferences = preferencesByRep(config, reps);
  const candidates = digestsDue(reps, config, (rep) => preferences.get(rep.id), now);
  if (candidates.length === 0) return [];
  const planned = new Set(
    (await db.selectFrom('notifications').select('event_id').where('event_id', 'in', candidates.map((d) => d.eventId)).execute()).map((row) => row.event_id),
  );
  const due = candidates.filter((d) => !planned.has(d.eventId));
  if (due.length === 0) return [];
  const repIds = due.map((d) => d.rep.id as string);
  const since = new Date(Math.min(...due.map((d) => d.dueAt)) - LOST_WINDOW_MS);
  const [open, lost] = await Promise.all([
    db
      .selectFrom('leads')
      .select(['id', 'email', 'first_name', 'last_name', 'company', 'state', 'owner_id', 'sla_deadline_at'])
      .where('owner_id', 'in', repIds)
      .where('state', 'in', ['assigned', 'touched'])
      .orderBy('sla_deadline_at', (ob) => ob.asc().nullsLast())
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('lead_events')
      .innerJoin('leads', 'leads.id', 'lead_events.lead_id')
      .select(['leads.id', 'leads.email', 'leads.first_name', 'leads.last_name', 'leads.company', 'leads.owner_id', 'lead_events.type', 'lead_events.occurred_at', sql<string | null>`coalesce(lead_events.data->>'lastOwnerId', lead_events.data->>'repId')`.as('lost_by')])
      .where('lead_events.type', 'in', Object.keys(LOST_EVENTS))
      .where('lead_events.occurred_at', '>', since)
      .where(sql<boolean>`(case when lead_events.type = 'lead.escalated' then lead_events.data->>'lastOwnerId' else lead_events.data->>'repId' end) in (${sql.join(repIds)})`)
      .orderBy('lead_events.occurred_at')
      .execute(),
  ]);
  const link = (id: string) => (messages.publicUrl ? `${base(messages.publicUrl)}/leads/${id}` : null);
  return due.flatMap((digest) => {
    const { rep } = digest;
    const zone = rep.timezone;
    const when = (at: Date) => DateTime.fromJSDate(at).setZone(zone).toFormat('ccc d LLL, HH:mm');
    const mine = open.filter((lead) => lead.owner_id === rep.id);
    const openIds = new Set(mine.map((lead) => lead.id));
    const seen = new Set<string>();
    const gone = lost.filter((row) => {
      const inWindow = row.occurred_at.getTime() > digest.dueAt - LOST_WINDOW_MS && row.occurred_at.getTime() <= digest.dueAt;
      if (row.lost_by !== rep.id || !inWindow || openIds.has(row.id) || seen.has(row.id)) return false;
      seen.add(row.id);
      return true;
    });
    const openLeads: DigestLead[] = mine.map((lead) => ({
      id: lead.id,
      name: leadName({ email: lead.email, firstName: lead.first_name, lastName: lead.last_name, company: lead.company }),
      email: lead.email,
      state: lead.state,
      deadline: lead.sla_deadline_at ? `${when(lead.sla_deadline_at)} (${zone})` : null,
      link: link(lead.id),
    }));
    const lostLeads: DigestLead[] = gone.map((row) => ({
      id: row.id,
      name: leadName({ email: row.email, firstName: row.first_name, lastName: row.last_name, company: row.company }),
      email: row.email,
      what: `${LOST_EVENTS[row.type]!.what}, ${when(row.occurred_at)}`,
      link: link(row.id),
    }));
    const view: DigestView = {
      rep: { name: rep.name, email: rep.email },
      date: DateTime.fromISO(digest.localDate, { zone }).toFormat('ccc d LLL'),
      open: openLeads,
      openCount: openLeads.length,
      hasOpen: openLeads.length > 0,
      lost: lostLeads,
      lostCount: lostLeads.length,
      hasLost: lostLeads.length > 0,
      since: when(new Date(digest.dueAt - LOST_WINDOW_MS)),
      link: messages.publicUrl ? `${base(messages.publicUrl)}/leads` : null,
    };
    return toNotification(digest, view, config, preferences.get(rep.id), messages.channels, now);
  });
}

const base = (url: string) => url.replace(/\/+$/, '');

function toNotification(digest: DueDigest, view: DigestView, config: NotificationsConfig, preferences: NotificationsConfig['reps'][number] | undefined, channels: MessagePlanning['channels'], now: number): PlannedNotification[] {
  const route = personalRoute(digest.rep, preferences, now, { channels });
  if (!route) return [];
  return [
    {
      eventId: digest.eventId,
      eventType: DIGEST,
      leadId: null,
      channel: route.channel === 'slack' ? NotificationChannel.slack : NotificationChannel.email,
      destination: route.destination,
      webhookId: null,
      payload: digestPayload(route.channel, route.destination, view, config.templates[DIGEST]),
      giveUpAt: new Date(route.notBefore + GIVE_UP_AFTER_MS),
      notBefore: new Date(route.notBefore),
    },
  ];
}

/** The configuration names reps by email or id. */
function preferencesByRep(config: NotificationsConfig, reps: ReadonlyArray<Rep>): Map<string, NotificationsConfig['reps'][number]> {
  const byId = new Map(reps.map((rep) => [rep.id as string, rep]));
  const out = new Map<string, NotificationsConfig['reps'][number]>();
  for (const entry of config.reps) {
    const rep = byId.get(entry.rep) ?? reps.find((r) => r.email.toLowerCase() === entry.rep.toLowerCase());
    if (rep) out.set(rep.id, entry);
  }
  return out;
}
