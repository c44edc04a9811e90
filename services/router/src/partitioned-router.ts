import type { LeadId, Logger, RepId } from '@switchboard/core';
import {
  actorIdOf,
  type Bus,
  type BusEvent,
  type BusSubscription,
  encodeJson,
  inspectRequestSchema,
  NoResponderError,
  type Subjects,
  type SyncReply,
} from '@switchboard/bus';
import {
  createAccountRepository,
  createConfigVersionRepository,
  createEventLogRelayRepository,
  createLeadIntakeWriter,
  createLeadRepository,
  createRepRepository,
  createTeamRepository,
  createTeamShareLedgerRepository,
  type Database,
  type PartitionLease,
  type RouterCluster,
} from '@switchboard/store';
import type { Meter } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import { createEventRelay } from './event-relay.ts';
import { createIntakeHandler } from './intake-handler.ts';
import type { DeadLetterOrigin } from './lead-dead-letter.ts';
import type { AdmittedLead } from './lead-router.ts';
import { LifecyclePublisher } from './lifecycle-publisher.ts';
import { buildPartitionMap, LOOSE_PARTITION, type PartitionMap, spreadPartitions } from './partition-map.ts';
import { PolicyState } from './policy-state.ts';
import { RepActors } from './rep-actors.ts';
import { createRouter, type Router } from './router.ts';
import { partitionSubjects, replyOrThrow } from './router-partition.ts';
import { type Scheduler, systemScheduler } from './scheduler.ts';
import { TeamDirectory } from './team-directory.ts';

/** Options of a partitioned router. */
export interface PartitionedRouterOptions {
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  /** This process's membership of the cluster (see `joinRouterCluster`). */
  readonly cluster: RouterCluster;
  /** @default the system clock */
  readonly scheduler?: Scheduler;
  /** Where each partition's router records its metrics, its gauges labelled `partition`. @default none */
  readonly meter?: Meter;
  /** How often the topology and the members are checked, and partitions taken or let go. @default 1000 */
  readonly tickMs?: number;
  /**
   * Runs while this process holds the `loose` partition, so once in the deployment (the
   * notifier and the Salesforce connector). The event relay always runs so.
   */
  readonly singleton?: { start(): Promise<void>; stop(): Promise<void> };
  /** Passed to each partition's router. */
  readonly timerHorizonMs?: number;
  readonly sweepIntervalMs?: number;
}

/** A router process of a partitioned deployment; see `startPartitionedRouter`. */
export interface PartitionedRouter {
  /** The keys of the partitions this process routes now. */
  held(): ReadonlyArray<string>;
  /** Whether it holds every partition that falls to it under the current map and members. */
  settled(): boolean;
  /** The topology version of the partition map in use, or null before the first. */
  readonly version: number | null;
  /** Every partition of the map in use. */
  partitionCount(): number;
  /** Lets every partition go (each router drains, then its lease is released) and stops serving. */
  stop(): Promise<void>;
}

/**
 * How long a lead handed to its partition may take to be routed. A router that died holding the
 * request never answers: its message is redelivered after this, and its lead found stored.
 */
const ADMIT_TIMEOUT_MS = 10_000;
/** How long a forwarded request waits for a partition that has no router right now (it is moving). */
const NO_OWNER_PATIENCE_MS = 3000;
const NO_OWNER_RETRY_MS = 100;
/**
 * When a router leaves, the intake messages it had pulled but not settled come back only after
 * the ack wait (30 s). Each partition looks for the leads they carry, still new, a few times
 * over the next seconds (a leaving router may take a few seconds to stop): a rolling restart
 * left leads 10–14 s undecided before.
 */
const AFTER_LEAVE_SWEEPS_MS: ReadonlyArray<number> = [3_000, 8_000, 15_000];
const AFTER_LEAVE_MIN_AGE_MS = 3_000;
/**
 * How long a stopping router lets the intake messages it is handing on finish before it gives up
 * on them (they are sent again, and the others' sweeps find what is left). Most finish in
 * milliseconds; one waiting on a partition that is moving could hold the stop for seconds, and
 * with 5 s a SIGTERM's hand-off once took 6 s in CI.
 */
const STOP_GRACE_MS = 1_000;

interface HostedPartition {
  readonly lease: PartitionLease;
  readonly router: Router;
}

/**
 * Starts one router process of a partitioned deployment. Every `tickMs` it reads the topology
 * version and the live members, spreads the partitions of the current map over the members
 * (`spreadPartitions`), lets go of those no longer its own and takes those that are (each
 * under its lease, hosted by a router of its own, `createRouter` with `partition`).
 *
 * It also serves the deployment's shared subjects for whichever partition they concern:
 * intake (validated and stored here, then handed to the lead's partition), rep and lead
 * commands, inspection, and the team and configuration changes that move partitions.
 */
export async function startPartitionedRouter(options: PartitionedRouterOptions): Promise<PartitionedRouter> {
  const { db, bus, subjects, logger, cluster } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = () => scheduler.now();
  const leads = createLeadRepository(db);
  const repRepository = createRepRepository(db);
  const teams = new TeamDirectory(createTeamRepository(db));
  let repDirectory: ReadonlyArray<{ readonly id: RepId; readonly email: string }> = [];
  // The process's view of the configuration, for finding partitions (its routers keep their own).
  const policy = new PolicyState({
    configs: createConfigVersionRepository(db),
    accounts: createAccountRepository(db),
    ledgers: createTeamShareLedgerRepository(db),
    leads,
    teams,
    reps: new RepActors(),
    clock,
    repDirectory: () => repDirectory,
  });
  const relay = createEventRelay({ log: createEventLogRelayRepository(db), bus, subjects, logger });
  const publisher = new LifecyclePublisher(relay);
  const me = String(cluster.memberId);

  let current: { version: number; map: PartitionMap } | undefined;
  const hosted = new Map<string, HostedPartition>();
  let singletonRunning = false;
  /** The partitions that fell to this process at the last tick. */
  let mine = new Set<string>();
  let stopped = false;
  /** The members at the last tick, to notice one leaving. */
  let lastMembers = new Set<string>();
  const sweepTimers = new Set<NodeJS.Timeout>();
  const sweepAfterLeave = (): void => {
    for (const delay of AFTER_LEAVE_SWEEPS_MS) {
      const timer = setTimeout(() => {
        sweepTimers.delete(timer);
        for (const partition of hosted.values()) void partition.router.sweepStranded(AFTER_LEAVE_MIN_AGE_MS);
      }, delay);
      timer.unref();
      sweepTimers.add(timer);
    }
  };
  /** Aborts forwarded requests on stop: their messages are redelivered rather than waited for. */
  const stopping = new AbortController();
  const whenStopping = new Promise<never>((_, reject) =>
    stopping.signal.addEventListener('abort', () => reject(new Error('this router is stopping: the request is left to be sent again')), { once: true }),
  );
  whenStopping.catch(() => {});

  /** The partition map of the topology as it is now (its version read first: a later change makes it stale, never wrong). */
  const buildMap = async (): Promise<{ version: number; map: PartitionMap }> => {
    const version = await cluster.topologyVersion();
    await teams.load();
    repDirectory = await repRepository.listAll();
    await policy.reload();
    return { version, map: buildPartitionMap(policy.policy, repDirectory.map((rep) => rep.id), policy.accountOwners) };
  };

  const letGo = async (key: string, why: string): Promise<void> => {
    const partition = hosted.get(key);
    if (!partition) return;
    hosted.delete(key);
    if (key === LOOSE_PARTITION) await stopSingletons();
    await partition.router.stop().catch((error: unknown) => logger.error({ err: error, partition: key }, 'stopping a partition’s router failed'));
    await cluster.release(partition.lease).catch((error: unknown) => logger.warn({ err: error, partition: key }, 'releasing a partition lease failed; it goes with the connection'));
    logger.info({ partition: key, version: partition.lease.version }, `let go of partition ${key}: ${why}`);
  };

  const startSingletons = async (): Promise<void> => {
    if (singletonRunning) return;
    singletonRunning = true;
    await relay.start();
    await options.singleton?.start();
  };
  const stopSingletons = async (): Promise<void> => {
    if (!singletonRunning) return;
    singletonRunning = false;
    await options.singleton?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the deployment singletons (notifications, the Salesforce connector) failed'));
    await relay.stop();
  };

  const host = async (version: number, map: PartitionMap, key: string, allKeys: ReadonlyArray<string>): Promise<'taken' | 'stale' | 'wait'> => {
    const taken = await cluster.take(version, key, allKeys);
    if (taken === 'stale-map') return 'stale';
    if (typeof taken === 'string') return 'wait';
    const router = createRouter({
      db,
      bus,
      subjects,
      logger,
      scheduler,
      ...(options.meter && { meter: options.meter }),
      ...(options.timerHorizonMs !== undefined && { timerHorizonMs: options.timerHorizonMs }),
      ...(options.sweepIntervalMs !== undefined && { sweepIntervalMs: options.sweepIntervalMs }),
      partition: { key, version, map, lease: taken, subjects: partitionSubjects(subjects, version, key), relay },
      onFenced: () => {
        logger.error({ partition: key, epoch: taken.epoch }, `a routing write of partition ${key} was fenced: another router holds it now; this one lets it go`);
        // In turn with the ticks, which take and let go of partitions one at a time.
        ticking = ticking.then(() => letGo(key, 'fenced')).catch((error: unknown) => logger.error({ err: error, partition: key }, 'letting go of a fenced partition failed'));
      },
    });
    try {
      await router.start();
    } catch (error) {
      await router.stop().catch(() => {});
      await cluster.release(taken).catch(() => {});
      throw error;
    }
    hosted.set(key, { lease: taken, router });
    if (key === LOOSE_PARTITION) await startSingletons();
    logger.info({ partition: key, version, epoch: taken.epoch }, `routing partition ${key}`);
    return 'taken';
  };

  const tickOnce = async (): Promise<void> => {
    if (stopped) return;
    const version = await cluster.topologyVersion();
    if (!current || current.version !== version) {
      mine = new Set();
      if (hosted.size > 0) logger.info({ from: current?.version, to: version }, 'the routing topology changed: letting go of every partition to take those of the new map');
      for (const key of [...hosted.keys()]) await letGo(key, 'the topology changed');
      current = await buildMap();
    }
    const { map } = current;
    const keys = map.partitions.map((p) => p.key);
    const members = (await cluster.members()).map(String);
    const left = [...lastMembers].filter((member) => !members.includes(member));
    lastMembers = new Set(members);
    if (left.length > 0) {
      logger.info({ left }, 'a router left: looking for the leads it had not handed on');
      sweepAfterLeave();
    }
    mine = new Set(spreadPartitions(keys, members).get(me) ?? []);
    for (const key of [...hosted.keys()]) if (!mine.has(key)) await letGo(key, 'another router takes it (the routers changed)');
    for (const key of mine) {
      if (hosted.has(key) || stopped) continue;
      const outcome = await host(current.version, map, key, keys);
      if (outcome === 'stale') {
        current = undefined;
        mine = new Set();
        return;
      }
    }
  };

  let ticking: Promise<void> = Promise.resolve();
  const tick = (): Promise<void> => {
    const run = ticking.then(tickOnce).catch((error: unknown) => logger.error({ err: error }, 'taking or letting go of partitions failed; trying again'));
    ticking = run;
    return run;
  };

  /**
   * Sends a request to the router of a partition, finding the partition again while it has
   * none (it is moving between routers, or the topology just changed).
   */
  const forward = async (subjectOf: (version: number, map: PartitionMap) => Promise<string> | string, data: Uint8Array, what: string, request?: BusEvent, timeoutMs = 30_000): Promise<BusEvent> => {
    const giveUpAt = Date.now() + NO_OWNER_PATIENCE_MS;
    for (;;) {
      if (!current) await tick();
      const now = current;
      if (!now) throw new Error(`no partition map yet: ${what} is retried`);
      const subject = await subjectOf(now.version, now.map);
      try {
        const reply = await Promise.race([bus.request(subject, data, { timeoutMs, ...(request && { headers: request.headers }) }), whenStopping]);
        return replyOrThrow(reply, what);
      } catch (error) {
        if (!(error instanceof NoResponderError) || Date.now() > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, NO_OWNER_RETRY_MS));
        // The map may be stale (a topology change not seen yet): look again.
        if (current === now && (await cluster.topologyVersion()) !== now.version) void tick();
      }
    }
  };

  const admit = async (lead: AdmittedLead, origin: Omit<DeadLetterOrigin, 'cause'>): Promise<void> => {
    await forward(
      (version, map) => partitionSubjects(subjects, version, map.partitionOfLead({ ownerId: null, requestedTeam: lead.requestedTeam, facts: lead.facts }, (f) => policy.accountFor(f)).key).admit,
      encodeJson({ lead, origin }),
      `routing lead ${lead.id}`,
      undefined,
      ADMIT_TIMEOUT_MS,
    );
  };
  const onIntake = createIntakeHandler({ bus, subjects, logger, clock, leads, teams, policy, intakeWriter: createLeadIntakeWriter(db), publisher, admit });

  /** The partition of a stored lead; an unknown lead goes to the loose one, whose router answers that it does not exist. */
  const partitionOfStoredLead = async (leadId: LeadId, map: PartitionMap): Promise<string> => {
    const place = (await leads.placesOf([leadId]))[0];
    return place ? map.partitionOfLead(place, (f) => policy.accountFor(f)).key : LOOSE_PARTITION;
  };

  const passOn = (what: string) => (reply: Promise<BusEvent>) => reply.then((event) => event.data).catch((error: unknown) => encodeJson({ ok: false, error: `${what}: ${(error as Error).message}` } satisfies SyncReply));

  /** A team or the configuration changed: check the topology now, so the change routes the next lead. */
  const takeTopologyChange = async (): Promise<Uint8Array> => {
    await tick();
    return encodeJson({ ok: true } satisfies SyncReply);
  };

  await tick();
  const intake = await bus.consume(subjects.streams.intake, { durable: subjects.consumers.router, maxInFlight: 2000, ackWaitMs: 30_000 }, async (message) => {
    try {
      await onIntake(message);
    } catch (error) {
      logger.warn({ err: error, seq: message.seq }, 'an intake message could not be handed to its partition; it will be redelivered');
      message.nak(1000);
    }
  });
  const serving: BusSubscription[] = [
    await bus.serve(subjects.allRepCommands, { queue: subjects.consumers.router }, (request) => {
      const repId = actorIdOf<RepId>(request.subject);
      return passOn(`rep ${repId}`)(forward((version, map) => partitionSubjects(subjects, version, map.partitionOfRep(repId).key).rep(repId), request.data, `a command to rep ${repId}`, request, 5000));
    }),
    await bus.serve(subjects.allLeadCommands, { queue: subjects.consumers.router }, async (request) => {
      const leadId = actorIdOf<LeadId>(request.subject);
      const reply = await forward(async (version, map) => partitionSubjects(subjects, version, await partitionOfStoredLead(leadId, map)).leadCommand(leadId), request.data, `a command to lead ${leadId}`, request);
      return reply.data;
    }),
    await bus.serve(subjects.inspect, { queue: subjects.consumers.router }, async (request) => {
      const parsed = inspectRequestSchema.safeParse(request.json());
      if (!parsed.success) return encodeJson({ ok: false, error: `bad inspect request: ${parsed.error.message}` });
      const { kind, id } = parsed.data;
      const reply = await forward(
        async (version, map) => partitionSubjects(subjects, version, kind === 'rep' ? map.partitionOfRep(id as RepId).key : await partitionOfStoredLead(id as LeadId, map)).inspect,
        request.data,
        `inspecting ${kind} ${id}`,
        request,
        5000,
      );
      return reply.data;
    }),
    // Teams and configurations move partitions: they take effect through the topology version.
    await bus.serve(subjects.allTeamCommands, { queue: subjects.consumers.router }, takeTopologyChange),
    await bus.serve(subjects.policyCommand, { queue: subjects.consumers.router }, takeTopologyChange),
  ];
  const timer = setInterval(() => void tick(), options.tickMs ?? 1000);
  timer.unref();

  return {
    held: () => [...hosted.keys()],
    settled: () => current !== undefined && [...mine].every((key) => hosted.has(key)),
    get version() {
      return current?.version ?? null;
    },
    partitionCount: () => current?.map.partitions.length ?? 0,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const sweep of sweepTimers) clearTimeout(sweep);
      // Intake first, while every partition still routes: the leads it is handing on are routed,
      // and it takes no more (each taken and then refused went back with a delay). What is not
      // handed on within the grace is left to be sent again.
      const grace = setTimeout(() => stopping.abort(), STOP_GRACE_MS);
      await intake.stop();
      clearTimeout(grace);
      stopping.abort();
      await ticking;
      // Out of the members first, so that the others take each partition as soon as it is let go.
      await cluster.resign().catch((error: unknown) => logger.warn({ err: error }, 'resigning from the router cluster failed'));
      // The shared subjects next: what they hand on finishes while the partitions still route.
      for (const subscription of serving.splice(0).reverse()) await subscription.stop();
      for (const key of [...hosted.keys()]) await letGo(key, 'this router is stopping');
      await stopSingletons();
    },
  };
}
