import type { Logger } from '@switchboard/core';
import {
  createConfigVersionRepository,
  createEventLogRelayRepository,
  createNotificationRepository,
  createRepRepository,
  createTeamRepository,
  type Database,
  type LoggedEvent,
  NotificationChannel,
  type PlannedNotification,
  type Webhook,
} from '@switchboard/store';
import type { Kysely } from 'kysely';
import { bookingInvitesFor, type InvitePlanning, readInviteFacts } from './booking-invites.ts';
import { plannedDigests } from './digest-planner.ts';
import { subscribesTo } from './event-subscription.ts';
import { type LeadInfo, type MessagePlanning, messagesFor } from './notification-rules.ts';
import { GIVE_UP_AFTER_MS } from './retry-schedule.ts';

/** The event log's cursor the planner keeps. */
export const PLANNER_CURSOR = 'notifications';

/** Options of the notification planner. */
export interface NotificationPlannerOptions {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Called after notifications were planned: the worker can send them at once. */
  readonly onPlanned?: () => void;
  /** How often the log is read. @default 250 */
  readonly pollMs?: number;
  /** Most events planned in one transaction. @default 500 */
  readonly batchSize?: number;
  /** @default the system clock */
  readonly now?: () => number;
  /**
   * Slack and email, as the routing configuration's `notifications:` section says, and the
   * meeting invites of bookings: the console's address for links, and the channels this
   * deployment can send on. Left out: webhooks only.
   */
  readonly messages?: { readonly publicUrl: string | null; readonly channels: MessagePlanning['channels'] };
  /** How often, on `now`'s clock, the reps' daily digests are checked. @default 30000 */
  readonly digestCheckMs?: number;
}

/** Plans notifications from the event log until stopped. */
export interface NotificationPlanner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The notifications one event makes: one per active webhook subscribed to its type. */
export function notificationsFor(event: LoggedEvent, webhooks: ReadonlyArray<Webhook>, now: number): PlannedNotification[] {
  return webhooks
    .filter((webhook) => webhook.active && subscribesTo(webhook.events, event.type))
    .map((webhook) => ({
      eventId: event.id,
      eventType: event.type,
      leadId: event.leadId,
      channel: NotificationChannel.webhook,
      destination: webhook.id,
      webhookId: webhook.id,
      // The body is the event as the event stream carries it.
      payload: event,
      giveUpAt: new Date(now + GIVE_UP_AFTER_MS),
      notBefore: new Date(now),
    }));
}

/**
 * Reads the lead event log (the transactional outbox the event relay publishes from) with a
 * cursor of its own, and turns each event into the notifications it makes. The notifications
 * and the cursor are written in one transaction: a crash plans an event again or not at all,
 * never half, and never twice (each is unique per event and destination). Runs once in a
 * deployment, beside the event relay.
 */
export function createNotificationPlanner(options: NotificationPlannerOptions): NotificationPlanner {
  const { db, logger } = options;
  const pollMs = options.pollMs ?? 250;
  const batchSize = options.batchSize ?? 500;
  const now = options.now ?? Date.now;
  const log = createEventLogRelayRepository(db);
  const notifications = createNotificationRepository(db);
  let stopping = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const digestCheckMs = options.digestCheckMs ?? 30_000;
  let digestsCheckedAt = Number.NEGATIVE_INFINITY;

  // Digests are due by the clock, not by events: checked every digestCheckMs of the planner's
  // clock (a test's manual clock included). Each is unique per rep and local date, so a check
  // that repeats one (a restart, another process) writes nothing.
  const digestRound = async () => {
    const at = now();
    if (!options.messages || at - digestsCheckedAt < digestCheckMs) return;
    digestsCheckedAt = at;
    const { length: made } = await notifications.plan(await plannedDigests(db, options.messages, at));
    if (made > 0) options.onPlanned?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const round = async (): Promise<number> => {
    const cursor = await log.cursor(PLANNER_CURSOR);
    const events = await log.readAfter(cursor, batchSize);
    if (events.length === 0) return 0;
    const webhooks = (await notifications.listWebhooks()).filter((webhook) => webhook.active);
    const at = now();
    const logged = events.map(({ event }) => event);
    const planning = options.messages && (await messagePlanning(db, logged, options.messages, at));
    const invites = options.messages && (await invitePlanning(db, logged, options.messages, at));
    const planned = events.flatMap(({ event }) => [
      ...notificationsFor(event, webhooks, at),
      // Before the configured messages: an invite and a message to one address for one event would be one notification, and the invite matters more.
      ...(invites ? invitesOf(event, invites) : []),
      ...(planning ? messagesFor(event, planning) : []),
    ]);
    const last = events.at(-1)!.cursor;
    const made = await db.transaction().execute(async (trx) => {
      const { length: count } = await createNotificationRepository(trx).plan(planned);
      await createEventLogRelayRepository(trx).saveCursor(PLANNER_CURSOR, last);
      return count;
    });
    if (made > 0) options.onPlanned?.();
    return events.length;
  };

  const rounds = async () => {
    while (!stopping) {
      let read = 0;
      try {
        read = await round();
      } catch (error) {
        logger.warn({ err: error }, 'planning notifications failed; trying again');
      }
      try {
        await digestRound();
      } catch (error) {
        logger.warn({ err: error }, 'planning daily digests failed; trying again');
      }
      if (read < batchSize && !stopping) await sleep(pollMs);
    }
  };

  const invitesOf = (event: LoggedEvent, invites: InvitePlanning) => {
    try {
      return bookingInvitesFor(event, invites);
    } catch (error) {
      // An invite that can't be written (an address iCalendar can't carry) must not hold up every later event.
      logger.warn({ err: error, event: event.id, lead: event.leadId }, 'the meeting invites of a booking could not be written; none is sent for it');
      return [];
    }
  };

  return {
    async start() {
      // The first start sets the cursor at the log's head: notifications begin with events from now.
      await log.cursor(PLANNER_CURSOR);
      loop ??= rounds();
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}

/**
 * What planning Slack and email for a batch of events needs: the current configuration's
 * `notifications:` section, the reps, the teams' names and the events' leads. Undefined when
 * the configuration has no such section (nothing to plan).
 */
async function messagePlanning(db: Kysely<Database>, events: ReadonlyArray<LoggedEvent>, messages: NonNullable<NotificationPlannerOptions['messages']>, now: number): Promise<MessagePlanning | undefined> {
  const config = (await createConfigVersionRepository(db).current())?.document.notifications;
  if (!config || (!messages.channels.slack && !messages.channels.email)) return undefined;
  const leadIds = [...new Set(events.map((event) => event.leadId))];
  const [reps, teams, leadRows] = await Promise.all([
    createRepRepository(db).listAll(),
    createTeamRepository(db).list(),
    db.selectFrom('leads').select(['id', 'email', 'first_name', 'last_name', 'company', 'team_id']).where('id', 'in', leadIds).execute(),
  ]);
  const repsById = new Map(reps.map((rep) => [rep.id as string, rep]));
  const repOf = (ref: string) => repsById.get(ref) ?? reps.find((rep) => rep.email.toLowerCase() === ref.toLowerCase());
  const preferences = new Map(config.reps.flatMap((entry) => {
    const rep = repOf(entry.rep);
    return rep ? [[rep.id as string, entry] as const] : [];
  }));
  const leads = new Map<string, LeadInfo>(
    leadRows.map((row) => [row.id, { id: row.id, email: row.email, firstName: row.first_name, lastName: row.last_name, company: row.company, teamId: row.team_id }]),
  );
  return { config, repsById, preferences, teamNames: new Map(teams.map((team) => [team.id as string, team.name])), leads, publicUrl: messages.publicUrl, channels: messages.channels, now };
}

/** What planning the meeting invites of a batch needs; undefined when the batch has no booking event. */
async function invitePlanning(db: Kysely<Database>, events: ReadonlyArray<LoggedEvent>, messages: NonNullable<NotificationPlannerOptions['messages']>, now: number): Promise<InvitePlanning | undefined> {
  const facts = await readInviteFacts(db, events);
  return facts && { facts, publicUrl: messages.publicUrl, email: messages.channels.email, now };
}
