import type { Bus, Subjects } from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import {
  createAccountRepository,
  createEventLogRelayRepository,
  createLeadIntakeWriter,
  createRepRepository,
  createSalesforceBookingEventRepository,
  createSalesforceRepository,
  type Database,
  type LeadIntakeWriter,
} from '@switchboard/store';
import type { Kysely } from 'kysely';
import { type AccountSyncReport, createAccountSync } from './account-sync.ts';
import { type ActivityPollReport, createActivityTouches } from './activity-touches.ts';
import { type ApiLimits, createApiLimits, LimitLevel } from './api-limits.ts';
import { type BookingSyncReport, createBookingEventSync } from './booking-event-sync.ts';
import { createLeadIngest, type LeadPollReport } from './lead-ingest.ts';
import { createOwnerWriteback, type OwnerWritebackDeps } from './owner-writeback.ts';
import { connectSalesforce, type SalesforceClient } from './salesforce-client.ts';
import type { SalesforceConfig } from './salesforce-config.ts';
import { createTouchSender } from './touch-sender.ts';
import { createUserDirectory } from './user-directory.ts';

/** What `startSalesforceConnector` needs. */
export interface SalesforceConnectorOptions {
  readonly config: SalesforceConfig;
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  /** @default Date.now */
  readonly clock?: () => number;
  /** Write-back tuning (tests shorten the waits). */
  readonly writeback?: Pick<OwnerWritebackDeps, 'batchMs' | 'maxAttempts' | 'retryBaseMs'>;
  /** How often booked meetings are looked for in the event log, in milliseconds. @default 1000 */
  readonly bookingPollMs?: number;
}

/** What one poll round did; `skipped` names calls left out to save API requests. */
export interface SalesforcePollReport {
  readonly leads: LeadPollReport;
  readonly activities: ActivityPollReport;
  readonly accounts: AccountSyncReport | undefined;
  readonly skipped: ReadonlyArray<string>;
}

/** The running connector. */
export interface SalesforceConnector {
  /** The org's API usage and how hard the connector uses the API. */
  readonly limits: ApiLimits;
  /** Runs one poll round now (leads, then tasks and events, then accounts when due) and answers what it did. */
  pollOnce(options?: { readonly accounts?: boolean }): Promise<SalesforcePollReport>;
  /** Writes the meetings booked, moved and cancelled since the last round as Events now, and answers what it did. */
  syncBookings(): Promise<BookingSyncReport>;
  /** Stops polling and the write-back, and waits for work in flight. */
  stop(): Promise<void>;
}

/**
 * Starts the Salesforce connector: signs in, starts the owner write-back (a durable
 * consumer of `lead.assigned`) and polls every `pollSeconds` (slower as the daily API
 * limit nears). A failed sign-in or poll is logged and tried again on the next round;
 * the connector never stops Switchboard.
 */
export async function startSalesforceConnector(options: SalesforceConnectorOptions): Promise<SalesforceConnector> {
  const { config, db, bus, subjects, logger } = options;
  const clock = options.clock ?? Date.now;
  const log = {
    debug: (o: object, m?: string) => logger.debug({ component: 'salesforce', ...o }, m),
    info: (o: object, m?: string) => logger.info({ component: 'salesforce', ...o }, m),
    warn: (o: object, m?: string) => logger.warn({ component: 'salesforce', ...o }, m),
    error: (o: object, m?: string) => logger.error({ component: 'salesforce', ...o }, m),
  } satisfies Logger;
  const limits = createApiLimits({
    slowDownAt: config.slowDownAt,
    essentialOnlyAt: config.essentialOnlyAt,
    onChange: (level, usage) => {
      const share = `${((usage.used / usage.limit) * 100).toFixed(1)}%`;
      if (level === LimitLevel.normal) log.info({ usage, share }, 'Salesforce API usage is back to normal: polling at the configured pace');
      else if (level === LimitLevel.slow) log.warn({ usage, share }, `Salesforce API usage is at ${share} of the daily limit: polling ${limits.pollFactor}× less often`);
      else log.warn({ usage, share }, `Salesforce API usage is at ${share} of the daily limit: only lead ingest, touches and owner write-back run; account sync is skipped`);
    },
  });
  const repository = createSalesforceRepository(db);
  const reps = createRepRepository(db);
  const writer: LeadIntakeWriter = createLeadIntakeWriter(db);
  const touches = createTouchSender(bus, subjects, log);
  let client: SalesforceClient | undefined;
  const requireClient = () => {
    if (!client) throw new Error('not connected to Salesforce');
    return client;
  };
  const users = createUserDirectory(requireClient, log, { clock });
  // The first start's time (truncated to the second, like Salesforce's timestamps): leads already in the org are not routed.
  const firstStart = new Date(Math.floor(clock() / 1000) * 1000 - 1000);
  const since = () => config.ingestSince ?? firstStart;
  // The start of the second `pollLagSeconds` ago: a second is read once it is complete. One
  // cutoff per round, so a Task is never read in a second whose Lead was not read yet.
  const currentCutoff = () => new Date(Math.floor((clock() - config.pollLagSeconds * 1000) / 1000) * 1000);
  let roundCutoff = currentCutoff();
  const cutoff = () => roundCutoff;
  const ingest = createLeadIngest({
    client: requireClient,
    repository,
    writer,
    bus,
    subjects,
    touches,
    logger: log,
    clock,
    fieldMap: config.fieldMap,
    initialStatus: config.initialStatus,
    since,
    cutoff,
    lookbackMs: config.lookbackSeconds * 1000,
  });
  const bookingEvents = createSalesforceBookingEventRepository(db);
  // The Events of bookings are the connector's own writes, and the booking already touched the lead.
  const activities = createActivityTouches({ client: requireClient, repository, touches, logger: log, since, cutoff, ownEvents: (ids) => bookingEvents.ownEvents(ids) });
  const accounts = createAccountSync({ client: requireClient, repository, accounts: createAccountRepository(db), reps, users, bus, subjects, logger: log, cutoff });
  const writeback = createOwnerWriteback({
    client: () => client,
    repository,
    reps,
    users,
    bus,
    subjects,
    logger: log,
    source: config.fieldMap.source,
    ...options.writeback,
  });

  const bookings = createBookingEventSync({
    client: () => client,
    log: createEventLogRelayRepository(db),
    repository,
    events: bookingEvents,
    reps,
    users,
    logger: log,
    source: config.fieldMap.source,
  });
  const bookingPollMs = options.bookingPollMs ?? 1000;

  let lastAccountSync = Number.NEGATIVE_INFINITY;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let bookingTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const connect = async (): Promise<boolean> => {
    if (client) return true;
    try {
      client = await connectSalesforce(config, limits, log);
      return true;
    } catch (error) {
      log.error({ err: error }, 'signing in to Salesforce failed; trying again on the next round');
      return false;
    }
  };

  const pollOnce = async (round: { readonly accounts?: boolean } = {}): Promise<SalesforcePollReport> => {
    const skipped: string[] = [];
    if (!(await connect())) throw new Error('not connected to Salesforce');
    roundCutoff = currentCutoff();
    const leadReport = await ingest.poll();
    const activityReport = await activities.poll();
    let accountReport: AccountSyncReport | undefined;
    const due = round.accounts ?? clock() - lastAccountSync >= config.accountSyncSeconds * 1000;
    if (due) {
      if (limits.level === LimitLevel.essentialOnly) {
        skipped.push('account sync');
        log.warn({ usage: limits.usage }, 'skipped the Salesforce account sync: the org is above 95% of its daily API limit');
      } else {
        accountReport = await accounts.sync();
        lastAccountSync = clock();
      }
    }
    return { leads: leadReport, activities: activityReport, accounts: accountReport, skipped };
  };

  // Rounds never overlap: a manual pollOnce waits for the loop's round and the other way round.
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = running.then(task);
    running = next.catch(() => undefined);
    return next;
  };

  const loop = () => {
    if (stopped) return;
    const round = serial(() => pollOnce()).catch((error: unknown) => log.error({ err: error }, 'a Salesforce poll failed; trying again on the next round'));
    void round.then(() => {
      if (stopped) return;
      const delay = config.pollSeconds * 1000 * limits.pollFactor;
      if (limits.pollFactor > 1) log.info({ delayMs: delay, usage: limits.usage }, 'Salesforce polling slowed down to save API requests');
      timer = setTimeout(loop, delay);
    });
  };

  // Bookings go through the same queue as polls: the Event poll never reads an Event of a booking
  // before the sync has noted it as its own.
  const bookingLoop = () => {
    if (stopped) return;
    void serial(() => bookings.sync())
      .catch((error: unknown) => log.warn({ err: error }, 'writing booked meetings to Salesforce failed; trying again'))
      .then(() => {
        if (!stopped) bookingTimer = setTimeout(bookingLoop, bookingPollMs);
      });
  };

  // The first start fixes where polling begins, so a restart before the first lead misses nothing.
  for (const object of ['Lead', 'Task', 'Event']) {
    if (!(await repository.watermark(object))) await repository.setWatermark(object, { at: since(), id: '' });
  }
  await bookings.start();
  await connect();
  await writeback.start();
  log.info({ config }, 'Salesforce connector started');
  loop();
  bookingLoop();

  return {
    limits,
    pollOnce: (round) => serial(() => pollOnce(round)),
    syncBookings: () => serial(() => bookings.sync()),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (bookingTimer) clearTimeout(bookingTimer);
      await writeback.stop();
      await running;
      await writer.drain();
    },
  };
}
