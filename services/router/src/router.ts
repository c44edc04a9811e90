import { IntakeHeader, type LeadId, type Logger, type RepId, type Team, type TeamId } from '@switchboard/core';
import type { Meter } from '@opentelemetry/api';
import { Attr, inProcessSpan, MetricAttr, messagingSystemOf, recordFailure, startSendSpan } from '@switchboard/telemetry';
import {
  actorIdOf,
  type Bus,
  type BusSubscription,
  encodeJson,
  type InspectReply,
  inspectRequestSchema,
  type LeadCommandReply,
  leadCommandSchema,
  offerAnswerSchema,
  parseReply,
  type RepRequest,
  repRequestSchema,
  type Subjects,
  type SyncReply,
} from '@switchboard/bus';
import {
  createAccountRepository,
  createConfigVersionRepository,
  createEventLogRelayRepository,
  createTeamShareLedgerRepository,
  createLeadIntakeWriter,
  createLeadRepository,
  createRepRepository,
  createRoutingWriter,
  createTeamRepository,
  type Database,
  type LeadIntakeWriter,
  type LeadRepository,
  type RepRepository,
  type RoutingWriter,
  isDataError,
  type OpenLead,
} from '@switchboard/store';
import type { Kysely } from 'kysely';
import { DeadlineTimers, type DueTimer } from './deadline-timers.ts';
import { createIntakeHandler } from './intake-handler.ts';
import { createLeadDeadLetter, type DeadLetterOrigin } from './lead-dead-letter.ts';
import { reconcileRepLoads } from './reconcile-rep-loads.ts';
import { type AdmittedLead, type LeadCommand, LeadRouter } from './lead-router.ts';
import type { OfferAnswer } from '@switchboard/machines';
import { type Scheduler, systemScheduler } from './scheduler.ts';
import { applyTimerChanges, timerWrites } from './timer-change.ts';
import type { RepEntry } from './rep-actors.ts';
import { LifecyclePublisher } from './lifecycle-publisher.ts';
import { createEventRelay } from './event-relay.ts';
import { RepActors } from './rep-actors.ts';
import { ActorInspector } from './actor-inspector.ts';
import { TeamDirectory } from './team-directory.ts';
import { PolicyState } from './policy-state.ts';
import { RouterMetrics } from './router-metrics.ts';
import { HostedScope, type RouterPartition } from './router-partition.ts';

/** How many stored-but-unrouted leads a starting router routes at once. */
const RESTORE_CONCURRENCY = 256;

/** Options of a router. */
export interface RouterOptions {
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  /** Time and timers. @default the system clock */
  readonly scheduler?: Scheduler;
  /** Durable timers due within this are held in memory. @default 60000 */
  readonly timerHorizonMs?: number;
  /** How many intake messages are processed at once. @default 2000 */
  readonly maxInFlight?: number;
  /** How often leads stranded in `new` (stored, but their intake message lost) are picked up. @default 15000 */
  readonly sweepIntervalMs?: number;
  /** Where the router's metrics are recorded (see `@switchboard/telemetry`'s `MetricName`). @default none */
  readonly meter?: Meter;
  /**
   * The router lock's fencing epoch: every routing write is made under it, and PostgreSQL refuses
   * the writes of an epoch that is no longer current. @default unfenced (tests, one process)
   */
  readonly epoch?: () => number | Promise<number>;
  /**
   * A write was refused for a stale epoch: another router took over. The router has stopped
   * writing; the process should stop routing (the caller decides how). @default log only
   */
  readonly onFenced?: () => void;
  /**
   * Makes this router the router of one partition (see `partition-map.ts`): it hosts only that
   * partition's reps and leads, serves the partition's subjects, and writes under the
   * partition's lease. Intake, team and policy commands are then the process's to dispatch.
   * @default the one router of everything
   */
  readonly partition?: RouterPartition;
}

/** What a router reports about itself. */
export interface RouterStats {
  readonly reps: number;
  readonly leadsRouting: number;
  readonly leadsWaiting: number;
  /** Durable timers due within the horizon, held in memory. */
  readonly timersInMemory: number;
}

/** The router: hosts the rep and lead actors, consumes intake, routes, persists. */
export interface Router {
  start(): Promise<void>;
  /** Stops consuming, finishes what is in flight, and stops the actors. */
  stop(): Promise<void>;
  stats(): RouterStats;
  /**
   * Lifecycle events were committed by another part of this process (the API's intake): the
   * event relay publishes them now rather than at its next poll.
   */
  eventsCommitted(): void;
  /** The durable timers (for the benchmark's lag figures). */
  timers(): DeadlineTimers | undefined;
  /**
   * Routes the stored leads still new after `minAgeMs` that nobody routes (their intake
   * message was lost with a router that stopped or died); it also runs on its own every
   * `sweepIntervalMs`, for leads at least 10 s old.
   */
  sweepStranded(minAgeMs: number): Promise<void>;
}

/**
 * Creates a router. `start()` restores the actors from the store, picks up leads
 * that were open when the last process stopped, then consumes the intake stream and
 * serves rep and team commands.
 */
export function createRouter(options: RouterOptions): Router {
  const { db, bus, subjects, logger, partition } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = () => scheduler.now();
  const repRepository: RepRepository = createRepRepository(db);
  const leads: LeadRepository = createLeadRepository(db);
  const teams = new TeamDirectory(createTeamRepository(db));
  // The caller that holds the lock says what it does about it (and logs it); alone, the router logs it.
  const onFenced = options.onFenced ?? (() => logger.error({}, 'a routing write was refused: another router holds the router lock now (a newer epoch)'));
  const fence = partition ? { epoch: () => partition.lease.epoch, lease: partition.lease.name } : options.epoch ? { epoch: options.epoch } : {};
  const writer: RoutingWriter = fencedWriter(createRoutingWriter(db, fence), onFenced);
  const intakeWriter: LeadIntakeWriter = createLeadIntakeWriter(db);
  // A partition's router shares its process's relay, which the process starts and stops.
  const eventRelay = partition?.relay ?? createEventRelay({ log: createEventLogRelayRepository(db), bus, subjects, logger });
  const publisher = new LifecyclePublisher(eventRelay);
  const inspector = new ActorInspector(bus, subjects, clock);
  const reps = new RepActors(inspector);
  /** Every rep, hosted here or not: a partition's router resolves the configuration against all of them. */
  let repDirectory: ReadonlyArray<{ readonly id: RepId; readonly email: string }> = [];
  const policy = new PolicyState({
    ...(partition && { repDirectory: () => repDirectory }),
    configs: createConfigVersionRepository(db),
    accounts: createAccountRepository(db),
    ledgers: createTeamShareLedgerRepository(db),
    leads,
    teams,
    reps,
    clock,
  });
  /** What this router hosts: every rep and lead, unless it is a partition's router. */
  const scope = new HostedScope(partition, (facts) => policy.accountFor(facts));
  const repSubject = (repId: string): string => (partition ? partition.subjects.rep(repId) : subjects.repCommand(repId));
  /** Where this router's rep actors are reached: its partition's rep subjects, or every rep's. */
  const allRepSubjects = partition?.subjects.allReps ?? subjects.allRepCommands;
  let leadRouter: LeadRouter | undefined;
  let timers: DeadlineTimers | undefined;
  const subscriptions: BusSubscription[] = [];
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;
  let sweepAgain = false;
  /** The sweep under way, which a stop waits for: its offers need the rep actors still answering. */
  let sweepRun: Promise<void> = Promise.resolve();
  /** A partition's routing of the leads left behind, which runs after its start (a stop waits for it). */
  let restoring: Promise<void> = Promise.resolve();
  let stopping = false;
  let stopReconnectListener: (() => void) | undefined;

  const router = (): LeadRouter => {
    if (!leadRouter) throw new Error('the router is not started; call start() first');
    return leadRouter;
  };

  const messagingSystem = messagingSystemOf(bus.kind);
  const metrics =
    options.meter &&
    new RouterMetrics(options.meter, {
      waiting: () => leadRouter?.waitingStats() ?? { count: 0, oldestSince: null },
      leadsRouting: () => leadRouter?.counts.routing ?? 0,
      repStates: () => {
        const states = new Map<string, number>();
        for (const entry of reps.values()) {
          const state = reps.stateOf(entry);
          states.set(state, (states.get(state) ?? 0) + 1);
        }
        return states;
      },
      timersInMemory: () => timers?.size ?? 0,
      clock,
    }, partition ? { [MetricAttr.partition]: partition.key } : {});

  const deadLetterLead = createLeadDeadLetter({ bus, subjects, leads, publisher, logger, clock });

  /**
   * Routes a stored lead (from intake, the sweep or a restart). One whose routing outcome the
   * database refuses as data is dead-lettered rather than retried forever; an outage throws.
   */
  const admitStored = async (lead: AdmittedLead, origin: Omit<DeadLetterOrigin, 'cause'>): Promise<void> => {
    try {
      await router().admit(lead);
    } catch (error) {
      if (!isDataError(error)) throw error;
      await deadLetterLead(lead.id, error, { ...origin, cause: lead.cause });
    }
  };
  /**
   * Routes stored leads (left unrouted by a stopped router, or by a bus outage) many at a time,
   * oldest first. One at a time, a successor taking over mid-burst spent a write round trip on
   * each of the thousand or so leads the last router left behind (12.8 s to take over in the
   * chaos suite), routing nothing new meanwhile.
   */
  const admitAll = async (stored: ReadonlyArray<OpenLead>, cause: string, subject: string): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(RESTORE_CONCURRENCY, stored.length) }, async () => {
        // A stopping router leaves the rest: they stay stored as new, for whoever routes next.
        while (next < stored.length && !stopping) {
          const lead = stored[next++] as OpenLead;
          await admitStored(admittedOf(lead, cause), { subject, payload: JSON.stringify(lead.facts) });
        }
      }),
    );
  };
  const onIntake = createIntakeHandler({ bus, subjects, logger, clock, leads, teams, policy, intakeWriter, publisher, admit: admitStored });

  /** A stored open lead, as the router admits it again. */
  const admittedOf = (lead: OpenLead, cause: string): AdmittedLead => ({
    id: lead.id,
    receivedAt: lead.createdAt.getTime(),
    requestedTeam: lead.requestedTeam,
    externalId: lead.externalId,
    version: lead.version,
    traceId: lead.traceId,
    traceparent: lead.traceparent,
    cause,
    facts: lead.facts,
    // Read in a list a while ago (a thousand leads take a second or two): a redelivered intake
    // message may have routed it since.
    recheck: true,
  });


  /** Persists a rep's state and its next self-change (shift, out of office, cap window) as a durable timer. */
  const saveRep = async (entry: RepEntry, cause: string): Promise<void> => {
    const changes = [reps.timerChange(entry)];
    try {
      await writer.write({ reps: [reps.liveState(entry, cause)], ...timerWrites(changes) });
    } catch (error) {
      reps.forgetTimer(entry);
      throw error;
    }
    applyTimerChanges(timers, changes);
  };

  /**
   * A retry pass nobody waits for. A pass that fails (the database went away) leaves its
   * leads waiting, and the next freed rep, config change or sweep tries again: it must not
   * become an unhandled rejection, which would end the process.
   */
  const retryInBackground = (freed?: Parameters<LeadRouter['retryWaiting']>[0]): void => {
    router()
      .retryWaiting(freed)
      .catch((error: unknown) => logger.error({ err: error }, 'offering waiting leads again failed; they stay waiting and are tried again later'));
  };

  const capacityMayHaveFreed = (repIds: ReadonlyArray<RepId>): void => {
    const teamIds = new Set(repIds.flatMap((repId) => teams.teamsOf(repId).map((t) => t.id)));
    retryInBackground({ teams: teamIds, reps: new Set(repIds) });
  };

  /** Offers a lead to a rep's actor over the bus: the rep's host answers from the actor's mailbox. */
  const offerOverBus = async (repId: RepId, offer: { leadId: LeadId; at: number; seq: number; allowBusy?: boolean }): Promise<OfferAnswer> => {
    const subject = repSubject(repId);
    const send = startSendSpan({ system: messagingSystem, subject, template: allRepSubjects });
    try {
      const request: RepRequest = { type: 'rep.offer', ...offer };
      const reply = await bus.request(subject, encodeJson(request), { timeoutMs: 5000, ...(send.headers && { headers: send.headers }) });
      const answer = parseReply(offerAnswerSchema, reply, `an offer to rep ${repId}`) as OfferAnswer;
      if (send.span.isRecording()) send.span.setAttribute(Attr.offerAccepted, answer.accepted);
      return answer;
    } catch (error) {
      recordFailure(send.span, error);
      throw error;
    } finally {
      send.span.end();
    }
  };

  /** The rep's side of an offer: its actor accepts or declines, in order, one event at a time. */
  const onOffer = (repId: RepId, offer: { leadId: LeadId; at: number; seq: number; allowBusy?: boolean }): OfferAnswer => {
    const entry = reps.get(repId);
    if (!entry) return { leadId: offer.leadId, accepted: false, reason: 'inactive' };
    entry.actor.send({ type: 'OFFER', leadId: offer.leadId, at: offer.at, seq: offer.seq, ...(offer.allowBusy && { allowBusy: true }) });
    const answer = entry.actor.getSnapshot().context.lastOffer;
    return answer && answer.leadId === offer.leadId ? answer : { leadId: offer.leadId, accepted: false, reason: 'capped' };
  };

  const onRepCommand = async (subject: string): Promise<SyncReply> => {
    const repId = actorIdOf<RepId>(subject);
    const rep = await repRepository.get(repId);
    if (!rep) return { ok: false, error: `rep "${repId}" does not exist` };
    let entry = reps.get(repId);
    const wasActive = entry?.actor.getSnapshot().context.active ?? true;
    // The configuration names reps by email: only a new rep or a changed email changes the
    // compiled policy (a rep toggling away and back, the common change, does not).
    const renamed = entry?.profile.email !== rep.email;
    if (entry) reps.applyProfile(entry, rep, clock());
    else entry = reps.load(rep, { lastAssignmentSeq: null, snapshot: null }, clock());
    if (renamed) policy.recompile();
    await saveRep(entry, 'profile-changed');
    if (wasActive && !rep.active) {
      // No lead is ever left with an inactive owner.
      for (const leadId of await leads.listHeldBy(repId)) {
        await router().command(leadId, { type: 'reroute', reason: `owner ${rep.name} was deactivated` });
      }
    }
    const snapshot = entry.actor.getSnapshot();
    if (snapshot.value === 'available') capacityMayHaveFreed([repId]);
    return { ok: true, state: String(snapshot.value), activeLeads: snapshot.context.activeLeads };
  };

  const onRepTick = async (repId: RepId): Promise<void> => {
    const entry = reps.get(repId);
    if (!entry) return;
    const before = entry.actor.getSnapshot().value;
    entry.actor.send({ type: 'TICK', at: clock() });
    await saveRep(entry, 'schedule');
    if (before !== 'available' && entry.actor.getSnapshot().value === 'available') capacityMayHaveFreed([repId]);
  };

  const onDue = async (timer: DueTimer): Promise<void> => {
    if (timer.actorKind === 'lead' && timer.kind === 'sla') {
      await router().command(timer.actorId as LeadId, { type: 'sla-expired', deadlineAt: timer.dueAt });
    } else if (timer.actorKind === 'lead' && timer.kind === 'unassigned') {
      await router().alertUnassigned(timer.actorId as LeadId);
    } else if (timer.actorKind === 'lead' && timer.kind === 'decide') {
      await router().retryOne(timer.actorId as LeadId);
    } else if (timer.actorKind === 'rep' && timer.kind === 'availability') {
      await onRepTick(timer.actorId as RepId);
    }
  };

  const onLeadCommand = async (request: { subject: string; json<T>(): T }): Promise<Uint8Array> => {
    const leadId = actorIdOf<LeadId>(request.subject);
    const parsed = leadCommandSchema.safeParse(request.json());
    if (!parsed.success) return encodeJson({ ok: false, code: 'invalid', message: parsed.error.message } satisfies LeadCommandReply);
    return encodeJson((await router().command(leadId, parsed.data as LeadCommand)) satisfies LeadCommandReply);
  };

  /** Starts the actors of team members this router does not host yet (reps created since it started). */
  const loadMembersOf = async (changed: ReadonlyArray<Team>): Promise<void> => {
    for (const repId of changed.flatMap((team) => team.members)) {
      if (reps.get(repId)) continue;
      const rep = await repRepository.get(repId);
      if (rep) reps.load(rep, { lastAssignmentSeq: null, snapshot: null }, clock());
    }
  };

  const onTeamCommand = async (subject: string): Promise<SyncReply> => {
    const teamId = actorIdOf<TeamId>(subject);
    const team = await teams.refresh(teamId);
    if (!team) return { ok: false, error: `team "${teamId}" does not exist` };
    await loadMembersOf([team]);
    policy.recompile();
    // Teams change rarely, and a new team may be what a parked lead waited for: decide again for all.
    retryInBackground();
    return { ok: true };
  };

  /** The API applied a configuration or changed accounts: reload, and give every waiting lead a new decision. */
  const onPolicyCommand = async (): Promise<SyncReply> => {
    await teams.load();
    await loadMembersOf(teams.all());
    await policy.reload();
    retryInBackground();
    return { ok: true };
  };

  const serveCommand = (handler: (subject: string) => Promise<SyncReply>) => async (request: { subject: string }) => {
    try {
      return encodeJson(await handler(request.subject));
    } catch (error) {
      logger.error({ err: error, subject: request.subject }, 'command failed');
      return encodeJson({ ok: false, error: (error as Error).message } satisfies SyncReply);
    }
  };

  // The live state of one actor, and (with watchSeconds) its XState inspection events for a while.
  const onInspect = (body: unknown): InspectReply => {
    const parsed = inspectRequestSchema.safeParse(body);
    if (!parsed.success) return { ok: false, error: `bad inspect request: ${parsed.error.message}` };
    const { kind, id, watchSeconds } = parsed.data;
    let live: { value: unknown; context: unknown; status: string } | undefined;
    if (kind === 'rep') {
      const entry = reps.get(id as RepId);
      if (entry) {
        const { value, context, status } = entry.actor.getSnapshot();
        live = { value, context, status };
      }
    } else {
      live = leadRouter?.liveSnapshot(id as LeadId);
    }
    if (watchSeconds !== undefined && watchSeconds > 0) inspector.watch(kind, id, watchSeconds);
    return live ? { ok: true, live: true, ...live } : { ok: true, live: false };
  };

  // Leads committed by the API whose intake message never arrived (the bus was down
  // between commit and publish, or the in-process bus died with the process).
  // `minAgeMs` leaves alone a lead whose intake message may still be on its way; after the bus
  // came back, every lead stored while it was away is stranded, whatever its age.
  const sweepStranded = (minAgeMs = 10_000): Promise<void> => {
    if (stopping) return Promise.resolve();
    if (sweeping) {
      // A sweep that began before the bus came back may have missed the newest leads.
      if (minAgeMs === 0) sweepAgain = true;
      return sweepRun;
    }
    const run = sweepOnce(minAgeMs);
    sweepRun = run.catch(() => {});
    return run;
  };
  const sweepOnce = async (minAgeMs: number): Promise<void> => {
    sweeping = true;
    try {
      const stranded = await leads.listOpen({ states: ['new'], createdBefore: new Date(clock() - minAgeMs) });
      await admitAll(stranded.filter((lead) => !router().holds(lead.id) && scope.hostsLead(lead)), 'recovered', 'sweep');
    } catch (error) {
      logger.error({ err: error }, 'sweeping stranded leads failed; will try again');
    } finally {
      sweeping = false;
    }
    if (sweepAgain && !stopping) {
      sweepAgain = false;
      await sweepOnce(0);
    }
  };

  /** A partition's router serves its partition's subjects: leads handed to it, lead commands, inspection. */
  const servePartition = async (own: RouterPartition): Promise<BusSubscription[]> => [
    await bus.serve(own.subjects.admit, { queue: subjects.consumers.router }, async (request) => {
      const { lead, origin } = request.json<{ lead: AdmittedLead; origin: Omit<DeadLetterOrigin, 'cause'> }>();
      await inProcessSpan({ system: messagingSystem, subject: request.subject }, request.headers, () => admitStored(lead, origin));
      return encodeJson({ ok: true });
    }),
    await bus.serve(own.subjects.allLeadCommands, { queue: subjects.consumers.router }, (request) =>
      inProcessSpan({ system: messagingSystem, subject: request.subject, template: own.subjects.allLeadCommands }, request.headers, () => onLeadCommand(request)),
    ),
    await bus.serve(own.subjects.inspect, { queue: subjects.consumers.router }, (request) => encodeJson(onInspect(request.json()))),
  ];

  return {
    async start() {
      await bus.ensureStreams(subjects.streamSpecs);
      if (!partition) await eventRelay.start();
      await teams.load();
      let lastSeq = 0;
      const stored = await db.selectFrom('reps').select(['id', 'last_assignment_seq', 'snapshot']).execute();
      const storedById = new Map(stored.map((r) => [r.id, r]));
      const allReps = await repRepository.listAll();
      repDirectory = allReps;
      for (const rep of allReps) {
        if (!scope.hostsRep(rep.id)) continue;
        const row = storedById.get(rep.id);
        const seq = row?.last_assignment_seq ?? null;
        if (seq !== null && seq > lastSeq) lastSeq = seq;
        reps.load(rep, { lastAssignmentSeq: seq, snapshot: row?.snapshot ?? null }, clock());
      }
      await policy.load();
      leadRouter = new LeadRouter({
        reps,
        teams,
        policy,
        leads,
        writer,
        timers: () => timers,
        publisher,
        logger,
        clock,
        lastAssignmentSeq: lastSeq,
        onCapacityFreed: capacityMayHaveFreed,
        offer: offerOverBus,
        ...(metrics && { metrics }),
        inspector,
      });
      // A kill between a rep's accept and its lead's commit leaves the stored load wrong: recount it from the leads.
      for (const { entry, stored, actual } of await reconcileRepLoads(reps, leads, clock())) {
        logger.warn({ repId: entry.profile.id, stored, actual }, `rep ${entry.profile.name}: stored load did not match its leads; corrected from the leads it holds`);
        await saveRep(entry, 'reconciled');
      }
      timers = new DeadlineTimers({
        db,
        scheduler,
        logger,
        onDue,
        ...(options.timerHorizonMs !== undefined && { horizonMs: options.timerHorizonMs }),
        ...(partition && { own: (loaded: ReadonlyArray<DueTimer>) => scope.ownTimers(loaded, (ids) => leads.placesOf(ids)) }),
      });
      // Shifts may have begun or ended while no router ran: bring every rep up to now.
      for (const entry of reps.values()) {
        const before = entry.profile.state;
        entry.actor.send({ type: 'TICK', at: clock() });
        if (entry.actor.getSnapshot().value !== before || reps.nextChangeOf(entry) !== null) await saveRep(entry, 'restart');
      }

      // Rep actors answer offers from here on: restoring leads below already offers them.
      subscriptions.push(
        await bus.serve(allRepSubjects, { queue: subjects.consumers.router }, async (request) => {
          const parsed = repRequestSchema.safeParse(request.json());
          if (!parsed.success) return encodeJson({ ok: false, error: `bad rep request: ${parsed.error.message}` } satisfies SyncReply);
          const body = parsed.data;
          if (body.type === 'rep.offer') {
            const repId = actorIdOf<RepId>(request.subject);
            const offer = { leadId: body.leadId as LeadId, at: body.at, seq: body.seq, ...(body.allowBusy && { allowBusy: true }) };
            const destination = { system: messagingSystem, subject: request.subject, template: allRepSubjects };
            return inProcessSpan(destination, request.headers, (span) => {
              const answer = onOffer(repId, offer);
              if (span.isRecording()) {
                span.setAttributes({ [Attr.leadId]: offer.leadId, [Attr.repId]: repId, [Attr.offerAccepted]: answer.accepted });
                if (!answer.accepted && 'reason' in answer) span.setAttribute(Attr.offerReason, String(answer.reason));
              }
              return encodeJson(answer);
            });
          }
          return serveCommand(onRepCommand)(request);
        }),
      );

      // Pick up where the last process stopped: waiting leads wait again, and leads
      // that were stored but not routed are routed now.
      const open = await leads.listOpen();
      const stranded: typeof open = [];
      for (const lead of open) {
        if (!scope.hostsLead(lead)) continue;
        if (lead.state === 'waiting' && lead.snapshot) leadRouter.restoreWaiting(admittedOf(lead, 'restart'), lead.snapshot);
        else stranded.push(lead);
      }
      const restore = async () => {
        await admitAll(stranded, 'restart', 'restart');
        await leadRouter?.retryWaiting();
      };
      if (partition) {
        // A partition taken over from a router that died may have thousands of leads it left
        // unrouted; its new leads must not wait behind all of them (a takeover under load took
        // 28 s that way). It serves its subjects at once and routes the leads left behind
        // meanwhile, each checked against its stored row in its mailbox (`recheck`).
        subscriptions.push(...(await servePartition(partition)));
        restoring = restore().catch((error: unknown) => logger.error({ err: error, partition: partition.key }, 'routing the leads left behind failed; the sweep routes them'));
      } else {
        await restore();
      }
      // Overdue timers (deadlines that passed while no router ran) fire now.
      await timers.start();
      logger.info({ reps: reps.size, reopened: open.length, timers: timers.size }, 'router restored');

      if (!partition) subscriptions.push(
        await bus.consume(
          subjects.streams.intake,
          { durable: subjects.consumers.router, maxInFlight: options.maxInFlight ?? 2000, ackWaitMs: 30_000 },
          async (message) => {
            if (metrics) {
              const receivedAt = Date.parse(message.headers[IntakeHeader.receivedAt] ?? '');
              if (!Number.isNaN(receivedAt)) metrics.intakeLag((clock() - receivedAt) / 1000);
            }
            try {
              await inProcessSpan({ system: messagingSystem, subject: message.subject }, message.headers, () => onIntake(message));
            } catch (error) {
              logger.error({ err: error, seq: message.seq }, 'intake message failed; it will be redelivered');
              message.nak(1000);
            }
          },
        ),
        await bus.serve(subjects.allTeamCommands, { queue: subjects.consumers.router }, serveCommand(onTeamCommand)),
        await bus.serve(subjects.allLeadCommands, { queue: subjects.consumers.router }, (request) =>
          inProcessSpan({ system: messagingSystem, subject: request.subject, template: subjects.allLeadCommands }, request.headers, () => onLeadCommand(request)),
        ),
        await bus.serve(subjects.policyCommand, { queue: subjects.consumers.router }, serveCommand(onPolicyCommand)),
        await bus.serve(subjects.inspect, { queue: subjects.consumers.router }, (request) => encodeJson(onInspect(request.json()))),
      );
      sweepTimer = setInterval(() => void sweepStranded(), options.sweepIntervalMs ?? 15_000);
      sweepTimer.unref();
      // Leads accepted while the bus was away were stored but their intake messages were not
      // sent: route them as soon as it is back, not at the next sweep.
      stopReconnectListener = bus.onReconnect(() => {
        logger.info({ bus: bus.kind }, 'the bus is back: routing the leads stored while it was away');
        void sweepStranded(0);
        eventRelay.wake();
      });
    },

    async stop() {
      stopping = true;
      stopReconnectListener?.();
      if (sweepTimer) clearInterval(sweepTimer);
      await sweepRun;
      await restoring;
      // Last started, first stopped: the intake consumer finishes its in-flight leads while the
      // rep actors still answer their offers (stopping those first made each offer time out).
      for (const subscription of subscriptions.splice(0).reverse()) await subscription.stop();
      await timers?.stop();
      await writer.drain();
      await intakeWriter.drain();
      // Last: the events of everything above are committed by now.
      if (partition) eventRelay.wake();
      else await eventRelay.stop();
      metrics?.stop();
      reps.stopAll();
    },

    eventsCommitted: () => eventRelay.wake(),

    stats() {
      const counts = leadRouter?.counts ?? { routing: 0, waiting: 0 };
      return { reps: reps.size, leadsRouting: counts.routing, leadsWaiting: counts.waiting, timersInMemory: timers?.size ?? 0 };
    },

    timers: () => timers,

    sweepStranded: (minAgeMs) => sweepStranded(minAgeMs),
  };
}

/** Tells, once, that writes were refused for a stale epoch. */
function fencedWriter(writer: RoutingWriter, onFenced: () => void): RoutingWriter {
  let told = false;
  return {
    async write(write) {
      const result = await writer.write(write);
      if (!result.committed && result.reason === 'fenced' && !told) {
        told = true;
        onFenced();
      }
      return result;
    },
    drain: () => writer.drain(),
  };
}
