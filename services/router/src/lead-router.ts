import type { TouchType, LeadFacts, LeadId, Logger, PolicyTeam, RepId, TeamId } from '@switchboard/core';
import type { LeadCommandReply } from '@switchboard/bus';
import {
  type BookingFacts,
  type LeadContext,
  LeadDraft,
  type LeadEvent,
  type LeadLogEntry,
  type LeadSnapshot,
  type LeadSnapshotUpgrade,
  leadSnapshotForStore,
  leadStateFromStore,
  LeadTag,
  newLeadSnapshot,
  type OfferAnswer,
} from '@switchboard/machines';
import { type LeadEventInput, type LeadRepository, type RepLiveState, type RoutingWriter, UNPUBLISHED_EVENT_TYPES } from '@switchboard/store';
import { v7 as uuidv7 } from 'uuid';
import { Attr, contextOfTraceparent, context as traceContext, inSpan, linksToOtherTrace, type Span, SpanName, traceparentOf } from '@switchboard/telemetry';
import type { ActorInspector } from './actor-inspector.ts';
import type { DeadlineTimers } from './deadline-timers.ts';
import type { RouterMetrics } from './router-metrics.ts';
import { commandAttributes, decisionAttributes } from './routing-span.ts';
import type { LifecyclePublisher } from './lifecycle-publisher.ts';
import type { PolicyState } from './policy-state.ts';
import type { RepActors, RepEntry } from './rep-actors.ts';
import { type RoutingOutcome, routeLead } from './route-lead.ts';
import type { TeamDirectory } from './team-directory.ts';
import { endReason } from './assignment-end.ts';
import { ActorHost, type Commit } from './actor-host.ts';
import { TeamActors } from './team-actors.ts';
import { LeadCommands, slaDeadline } from './lead-commands.ts';
import type { WaitingPlace } from './waiting-line.ts';
import { applyTimerChanges, type TimerChange, timerChange, timerWrites } from './timer-change.ts';

/** A lead handed to the router. */
export interface AdmittedLead {
  readonly id: LeadId;
  /** Team id or name asked for at intake. */
  readonly requestedTeam: string | null;
  readonly externalId: string | null;
  /** The lead row's version (0 for a lead just stored). */
  readonly version: number;
  readonly traceId: string | null;
  /** The `traceparent` stored with the lead (a waiting lead restored at start), if any. */
  readonly traceparent?: string | null;
  /** What brought it here, for the event log. */
  readonly cause: string;
  /** Higher first in the waiting line. @default 0 */
  readonly priority?: number;
  /** When the lead was received (epoch ms). */
  readonly receivedAt: number;
  /** What the routing policy decides on. */
  readonly facts: LeadFacts;
  /**
   * Stored a while ago (a restart's or a sweep's list, a redelivered intake message): another
   * path may have routed it since. Its row is read again in the lead's mailbox before it is
   * routed, so that no rep accepts an offer of a lead that already has an owner (the step would
   * be refused as stale, but the rep's load counts the offer until it is withdrawn). @default false
   */
  readonly recheck?: boolean;
}

/** What became of an admitted lead. */
export type AdmitResult = 'assigned' | 'waiting' | 'already-routing' | 'stale';

/** Something that happens to an existing lead. */
export type LeadCommand =
  | { readonly type: 'touch'; readonly touch: TouchType; readonly note?: string }
  | { readonly type: 'close'; readonly outcome: string }
  | { readonly type: 'reject'; readonly repId?: RepId; readonly reason: string }
  | { readonly type: 'reroute'; readonly reason: string }
  | { readonly type: 'sla-expired'; readonly deadlineAt: number }
  | { readonly type: 'book'; readonly booking: BookingFacts }
  | { readonly type: 'unbook'; readonly booking: Pick<BookingFacts, 'bookingId' | 'repId' | 'start'> };

/** The answer to a command: the wire contract's reply (an `invalid` command never gets this far). */
export type CommandResult = Exclude<LeadCommandReply, { readonly code: 'invalid' }>;

/**
 * A lead actor as the host keeps it: the machine's snapshot (changed only by adopting a committed
 * step) with what the router knows besides.
 */
interface HeldLead {
  readonly id: LeadId;
  readonly requestedTeam: string | null;
  readonly externalId: string | null;
  /** The trace id its events are logged with. */
  readonly traceId: string | null;
  /** The stored `traceparent` of its first routing step: later steps continue that trace. */
  readonly traceparent: string | null;
  readonly facts: LeadFacts;
  readonly snapshot: LeadSnapshot;
  /** The lead row's version, which the next write expects. */
  version: number;
  /**
   * What a waiting lead waits for, from its last decision: the teams and reps whose freeing
   * up may let it through. Undefined when not known (restored from the store): try it on
   * every pass. Empty for a lead parked in a queue: only a new configuration moves it.
   */
  waitsFor?: { readonly teams: ReadonlySet<TeamId>; readonly reps: ReadonlySet<RepId> } | undefined;
  /** When the policy wants to decide again for this waiting lead (a wait for an account owner ends). */
  decideAgainAt?: number | null | undefined;
  /** The `waitingSince` of the spell of waiting whose "time unassigned" alert was raised. */
  alertedFor?: number | null | undefined;
}

const isWaiting = (held: HeldLead) => held.snapshot.value === 'waiting';

/** The lifecycle events a lead's machine emitted in a step, as rows of its event log (`cause` unless the machine named one). */
const logRowsOf = (log: ReadonlyArray<LeadLogEntry>, cause: string, traceId: string | null, at: Date): LeadEventInput[] =>
  log.map((entry) => ({ id: uuidv7(), type: entry.type, from: entry.from, to: entry.to, cause: entry.cause ?? cause, data: entry.logData ?? entry.data, traceId, at }));

/** An admitted lead as the host keeps it, in the state given. */
const heldOf = (lead: AdmittedLead, snapshot: LeadSnapshot): HeldLead => ({
  id: lead.id,
  requestedTeam: lead.requestedTeam,
  externalId: lead.externalId,
  traceId: lead.traceId,
  traceparent: lead.traceparent ?? null,
  facts: lead.facts,
  snapshot,
  version: lead.version,
});

/** Reps that freed capacity, and their teams: the waiting leads to try again. */
export interface Freed {
  readonly teams: ReadonlySet<string>;
  readonly reps: ReadonlySet<string>;
}

export interface LeadRouterOptions {
  readonly reps: RepActors;
  readonly teams: TeamDirectory;
  readonly policy: PolicyState;
  readonly leads: LeadRepository;
  readonly writer: RoutingWriter;
  readonly timers: () => DeadlineTimers | undefined;
  readonly publisher: LifecyclePublisher;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The highest assignment sequence already used (from the store). */
  readonly lastAssignmentSeq: number;
  /** Tells the router that reps freed capacity (after the write that freed it). */
  readonly onCapacityFreed: (repIds: ReadonlyArray<RepId>) => void;
  /** Sends an offer to a rep's actor over the bus. */
  readonly offer: (repId: RepId, offer: { leadId: LeadId; at: number; seq: number; allowBusy?: boolean }) => Promise<OfferAnswer>;
  /** Counts routing latency, assignments and breaches. @default none */
  readonly metrics?: RouterMetrics;
  /** Streams the XState inspection events of watched leads. @default none */
  readonly inspector?: ActorInspector;
}

/** The span of each command's step (a child of the lead's stored trace context). */
const COMMAND_SPANS = {
  touch: SpanName.touch,
  close: SpanName.close,
  reject: SpanName.reject,
  reroute: SpanName.reroute,
  'sla-expired': SpanName.slaExpired,
  book: SpanName.booking,
  unbook: SpanName.booking,
} as const satisfies Record<LeadCommand['type'], SpanName>;


/**
 * The lead actors, in an `ActorHost`: each lead's events are handled one at a time, as XState's
 * pure transition worked out on a draft, persisted with everything that goes with the step (the
 * assignment, the log, rep loads, timers), and adopted only once that committed. Leads waiting
 * for a rep stay in memory, in the waiting line; every other lead is passivated between events:
 * a row, loaded from its snapshot when an event (a touch, a timer) arrives for it.
 */
export class LeadRouter {
  readonly #o: LeadRouterOptions;
  readonly #host: ActorHost<LeadId, HeldLead>;
  #seq: number;
  readonly #pendingOffers = new Map<RepId, { count: number; seq: number; seqs: Set<number> }>();
  readonly #teams = new TeamActors();
  readonly #commands: LeadCommands;

  #reserve = (repId: RepId, seq: number): (() => void) => {
    const pending = this.#pendingOffers.get(repId) ?? { count: 0, seq, seqs: new Set<number>() };
    pending.count += 1;
    pending.seq = Math.max(pending.seq, seq);
    pending.seqs.add(seq);
    this.#pendingOffers.set(repId, pending);
    return () => {
      pending.count -= 1;
      pending.seqs.delete(seq);
      if (pending.count === 0 && this.#pendingOffers.get(repId) === pending) this.#pendingOffers.delete(repId);
    };
  };

  constructor(options: LeadRouterOptions) {
    this.#o = options;
    this.#seq = options.lastAssignmentSeq;
    this.#commands = new LeadCommands(options);
    this.#host = new ActorHost<LeadId, HeldLead>({
      load: (id) => this.#load(id),
      resident: isWaiting,
      // A waiting lead is in its team's line.
      changed: (id, held) => {
        if (!held || !isWaiting(held)) return this.#teams.place(id, undefined);
        const { priority, receivedAt, waitingSince, teamId } = held.snapshot.context;
        this.#teams.place(id, { id, priority, receivedAt, waitingSince, teamId });
      },
    });
  }

  /** What a snapshot from before the escalation target was kept in the context (machine version 1) lacks. */
  readonly #snapshotUpgrade: LeadSnapshotUpgrade = {
    escalationOf: (context) => ({
      escalateTo: this.#commands.slaTeamOf(context.teamId)?.sla?.escalateTo ?? 'manager',
      ownerManagerId: context.ownerId ? (this.#o.reps.get(context.ownerId)?.profile.managerId ?? null) : null,
    }),
  };

  /** The live state of a lead this router holds in memory (being routed or waiting), or undefined if it is a row. */
  liveSnapshot(id: LeadId): { readonly value: unknown; readonly context: unknown; readonly status: string } | undefined {
    const held = this.#host.peek(id);
    if (!held) return undefined;
    const { value, context, status } = held.snapshot;
    return { value, context, status };
  }

  /** Leads in memory: with a step under way, and waiting. */
  get counts(): { readonly routing: number; readonly waiting: number } {
    return { routing: this.#host.busy, waiting: this.#teams.waiting };
  }

  /** The waiting line's length, and since when (epoch ms) its longest-waiting lead has waited. */
  waitingStats(): { readonly count: number; readonly oldestSince: number | null } {
    return { count: this.#teams.waiting, oldestSince: this.#teams.oldestSince() };
  }

  /** True if the lead is being routed or waiting in this router. */
  holds(id: LeadId): boolean {
    return this.#host.isBusy(id) || this.#teams.lineOf(id) !== undefined;
  }

  /**
   * Routes a new lead. Resolves once the outcome (assigned or waiting) is committed;
   * rejects if it could not be persisted, leaving nothing changed (the caller retries).
   */
  admit(lead: AdmittedLead): Promise<AdmitResult> {
    if (this.holds(lead.id)) return Promise.resolve('already-routing');
    const received = () => heldOf(lead, newLeadSnapshot({ leadId: lead.id, priority: lead.priority ?? 0, receivedAt: lead.receivedAt }));
    // The first decision continues the trace the lead arrived with (the intake message's).
    return inSpan(SpanName.route, {}, traceContext.active(), (span) =>
      this.#host.send(
        lead.id,
        async (held, commit): Promise<AdmitResult> => {
          if (!held || held.snapshot.value !== 'new') return 'already-routing';
          if (lead.recheck && (await this.#o.leads.getState(lead.id))?.version !== held.version) return 'already-routing';
          const next = await this.#step(held, [{ type: 'ROUTE' }], lead.cause, span, commit);
          if (!next) return 'stale';
          const outcome = next.snapshot.value === 'assigned' ? 'assigned' : 'waiting';
          this.#o.metrics?.routed((this.#o.clock() - lead.receivedAt) / 1000, outcome);
          return outcome;
        },
        received,
      ),
    );
  }

  /** Restores a lead that was waiting when the process stopped. */
  restoreWaiting(lead: AdmittedLead, snapshot: unknown): void {
    this.#host.restore(lead.id, heldOf(lead, leadStateFromStore(snapshot, this.#snapshotUpgrade)));
  }

  /** Applies a command to a lead (touch, close, reject, SLA expiry), loading it if passivated. */
  command(leadId: LeadId, command: LeadCommand): Promise<CommandResult> {
    // What asked (an HTTP request's trace, say): linked from the step, which joins the lead's own trace.
    const requester = traceContext.active();
    return this.#host.send(leadId, async (held, commit): Promise<CommandResult> => {
      if (!held) return { ok: false, code: 'not_found', message: `lead "${leadId}" does not exist` };
      const { snapshot } = held;
      const { context } = snapshot;
      const state = String(snapshot.value);
      const now = this.#o.clock();
      const event = this.#commands.eventFor(command, snapshot, now);
      if ('error' in event) return { ok: false, code: 'conflict', message: event.error };
      if (!snapshot.can(event)) {
        if (command.type === 'sla-expired') return { ok: true, state, ownerId: context.ownerId, changed: false };
        return { ok: false, code: 'conflict', message: `lead "${leadId}" is ${state}: it can't take a ${command.type} now` };
      }
      if (command.type === 'reject') {
        const entry = this.#o.reps.get(command.repId ?? (context.ownerId as RepId));
        entry?.actor.send({ type: 'REJECTED', leadId, at: now });
      }
      const next = await inSpan(
        COMMAND_SPANS[command.type],
        { links: linksToOtherTrace(requester, held.traceparent) },
        contextOfTraceparent(held.traceparent),
        (span) => {
          if (span.isRecording()) span.setAttributes(commandAttributes(command, now));
          return this.#step(held, [event], `command:${command.type}`, span, commit);
        },
      );
      if (!next) return { ok: false, code: 'conflict', message: `lead "${leadId}" changed meanwhile; try again` };
      return { ok: true, state: String(next.snapshot.value), ownerId: next.snapshot.context.ownerId, changed: true };
    });
  }

  /**
   * Offers waiting leads again, each team's line in its order (highest priority first, then
   * oldest): those waiting for the freed reps or their teams, or all of them (after a new
   * configuration, or at start). Called when a rep frees up, a team changes or the configuration
   * changes. Each team's pass runs after its earlier ones; teams don't wait for each other.
   */
  retryWaiting(freed?: Freed): Promise<void> {
    return Promise.all(this.#teams.teamsWithLines().map((teamId) => this.#teams.pass(teamId, (line) => this.#retryPass(line, freed)))).then(() => {});
  }

  /** Decides again for one waiting lead (its wait for an account owner ran out). */
  retryOne(leadId: LeadId): Promise<void> {
    const teamId = this.#teams.lineOf(leadId);
    if (teamId === undefined) return Promise.resolve();
    return this.#teams.pass(teamId, async (line) => {
      const held = this.#host.peek(leadId);
      if (!held || !isWaiting(held)) return;
      // Its wait is over: decide again, whatever it was waiting for.
      held.waitsFor = undefined;
      await this.#retryPass(line.filter((place) => place.id === leadId));
    });
  }

  async #retryPass(line: ReadonlyArray<WaitingPlace>, freed?: Freed): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const { id } of line) {
      const held = this.#host.peek(id);
      if (!held || !isWaiting(held) || (freed !== undefined && !waitsForAny(held, freed))) continue;
      // A parked lead (it waits for nothing in particular) moves only on a full pass.
      const parked = held.waitsFor !== undefined && held.waitsFor.teams.size === 0 && held.waitsFor.reps.size === 0;
      if (held.waitsFor && !(parked ? freed === undefined : this.#couldTakeAny(held.waitsFor))) continue;
      // Each lead's step runs the same way up to its team's decision mailbox, so leads reach it in line order.
      writes.push(
        this.#host
          .send(id, async (current, commit) => {
            // A command queued ahead of the retry (a close, an alert) may have moved it on.
            if (!current || !isWaiting(current)) return;
            await inSpan(SpanName.retry, {}, contextOfTraceparent(current.traceparent), (span) => this.#step(current, [{ type: 'RETRY' }], 'retry', span, commit));
          })
          .catch((error: unknown) => this.#o.logger.error({ err: error, leadId: id }, 'retrying a waiting lead failed; it stays waiting')),
      );
    }
    await Promise.all(writes);
  }

  /** Cheap pre-check: is any rep the lead waits for able to take a lead right now? */
  #couldTakeAny(waitsFor: NonNullable<HeldLead['waitsFor']>): boolean {
    const available = (repId: RepId): boolean => {
      const entry = this.#o.reps.get(repId);
      return entry !== undefined && this.#o.reps.stateOf(entry) === 'available';
    };
    for (const repId of waitsFor.reps) if (available(repId)) return true;
    for (const teamId of waitsFor.teams) {
      if (this.#o.policy.policy.teamsById.get(teamId)?.members.some(available)) return true;
    }
    return false;
  }

  async #load(leadId: LeadId): Promise<HeldLead | undefined> {
    const stored = await this.#o.leads.getForActor(leadId);
    if (!stored?.snapshot) return undefined;
    return {
      id: leadId,
      requestedTeam: stored.requestedTeam,
      externalId: stored.externalId,
      traceId: stored.traceId,
      traceparent: stored.traceparent,
      facts: stored.facts,
      snapshot: leadStateFromStore(stored.snapshot, this.#snapshotUpgrade),
      version: stored.version,
    };
  }

  /** The team the lead named at intake, if it names one that exists: it overrides the rules. */
  async #requestedTeam(held: HeldLead): Promise<PolicyTeam | null> {
    if (!held.requestedTeam) return null;
    const team = await this.#o.teams.find(held.requestedTeam);
    return team ? (this.#o.policy.policy.teamsById.get(team.id) ?? team) : null;
  }

  /**
   * One step of a lead: `events` applied to a draft of its state, routed if that leaves it in
   * `routing`, then committed — the lead row, assignment changes, the log the machine emitted,
   * rep loads and timers in one statement — and adopted. Resolves with the lead as adopted, or
   * undefined when the row had moved on (stale). Nothing of a step that does not commit is kept
   * by the lead; the reps it touched are read again from the store.
   */
  async #step(held: HeldLead, events: ReadonlyArray<LeadEvent>, cause: string, step: Span, commit: Commit<HeldLead>): Promise<HeldLead | undefined> {
    const before = held.snapshot;
    const draft = new LeadDraft(before);
    const now = this.#o.clock();
    // A lead's first traced step becomes its trace: stored with this step's write.
    let newTrace: { readonly traceparent: string; readonly traceId: string } | undefined;
    if (step.isRecording()) {
      step.setAttributes({ [Attr.leadId]: held.id, [Attr.cause]: cause, [Attr.leadFromState]: String(before.value) });
      const traceparent = held.traceparent === null ? traceparentOf(traceContext.active()) : null;
      if (traceparent) newTrace = { traceparent, traceId: step.spanContext().traceId };
    }
    const traceId = newTrace?.traceId ?? held.traceId;
    const touchedReps = new Map<RepId, RepEntry>();
    for (const event of events) draft.send(event);

    // Ownership ended (breach, rejection, close, re-route): the owner gets the slot back.
    const previousOwner = before.context.ownerId;
    const releases = previousOwner !== null && before.hasTag(LeadTag.holding) && !draft.getSnapshot().hasTag(LeadTag.holding);
    if (releases) {
      const entry = this.#o.reps.get(previousOwner);
      if (entry) {
        entry.actor.send({ type: 'RELEASE', leadId: held.id, at: now });
        touchedReps.set(previousOwner, entry);
      }
    }

    let outcome: RoutingOutcome | undefined;
    if (draft.getSnapshot().value === 'routing') {
      const requestedTeam = await this.#requestedTeam(held);
      const context = draft.getSnapshot().context;
      const excluded = new Map<RepId, 'breached' | 'rejected'>();
      for (const repId of context.breachedBy) excluded.set(repId, 'breached');
      for (const repId of context.rejectedBy) excluded.set(repId, 'rejected');
      const decide = (span: Span): Promise<RoutingOutcome> =>
        routeLead(draft, {
          offer: this.#o.offer,
          pending: this.#pendingOffers,
          reserve: this.#reserve,
          teams: this.#teams,
          lead: held.facts,
          externalId: held.externalId,
          policy: this.#o.policy,
          requestedTeam,
          reps: this.#o.reps,
          excluded,
          deadlineFor: (rep, t) => slaDeadline(t?.sla ?? null, 'response', rep, now),
          nextSeq: () => ++this.#seq,
          now,
        }).then((routed) => {
          if (span.isRecording()) span.setAttributes({ [Attr.leadId]: held.id, ...decisionAttributes(routed) });
          return routed;
        });
      // A new or retried lead's step is its routing; a breach or rejection routes within its step.
      const isRouting = events[0]?.type === 'ROUTE' || events[0]?.type === 'RETRY';
      outcome = isRouting ? await decide(step) : await inSpan(SpanName.route, {}, undefined, decide);
      if (outcome.type === 'assigned') touchedReps.set(outcome.rep.profile.id, outcome.rep);
    }
    const after = draft.getSnapshot();
    const afterState = String(after.value);
    const ctx = after.context;
    const waitsFor = outcome?.type === 'waiting' ? { teams: new Set(outcome.wait.retryTeams), reps: new Set(outcome.wait.retryReps) } : undefined;

    // A retry that ends where it started records nothing: the lead keeps its state and row.
    if (cause === 'retry' && afterState === 'waiting' && ctx.waitingReason === before.context.waitingReason) {
      held.waitsFor = waitsFor;
      return held;
    }

    const timerChanges: Array<TimerChange | null> = [
      timerChange({ actorKind: 'lead', actorId: held.id, kind: 'sla' }, before.context.slaDeadlineAt, ctx.slaDeadlineAt),
      this.#unassignedAlertChange(held.id, String(before.value), afterState, ctx),
      timerChange({ actorKind: 'lead', actorId: held.id, kind: 'decide' }, before.value === 'waiting' ? (held.decideAgainAt ?? null) : null, outcome?.type === 'waiting' ? outcome.wait.decideAgainAt : null),
    ];
    const reps: RepLiveState[] = [...touchedReps.values()].map((entry) => this.#o.reps.liveState(entry, `lead ${held.id}: ${cause}`));
    // A rep capped by an hour/day/week window frees up by itself when the window rolls
    // over: keep its durable timer at its next change.
    for (const entry of touchedReps.values()) timerChanges.push(this.#o.reps.timerChange(entry));
    const at = new Date(now);
    const rows = logRowsOf(draft.log, cause, traceId, at);
    const next: HeldLead = {
      ...held,
      snapshot: after,
      traceId,
      traceparent: newTrace?.traceparent ?? held.traceparent,
      waitsFor,
      decideAgainAt: outcome?.type === 'waiting' ? outcome.wait.decideAgainAt : afterState === 'waiting' ? held.decideAgainAt : null,
    };
    let committed: boolean;
    try {
      committed = await commit(next, () =>
        inSpan(SpanName.persist, {}, undefined, async (span) => {
          const written = await this.#o.writer.write({
            lead: {
              leadId: held.id,
              expectedVersion: held.version,
              state: afterState as never,
              ownerId: ctx.ownerId,
              teamId: ctx.teamId,
              waitingReason: ctx.waitingReason,
              snapshot: leadSnapshotForStore(after),
              events: rows,
              priority: ctx.priority,
              ...(ctx.slaDeadlineAt !== before.context.slaDeadlineAt && { slaDeadlineAt: ctx.slaDeadlineAt }),
              breaches: ctx.breaches,
              ...(ctx.outcome !== null && { outcome: ctx.outcome }),
              ...(outcome?.type === 'assigned' && {
                assignment: { repId: outcome.rep.profile.id, teamId: outcome.team?.id ?? null, decision: outcome.decision, at },
              }),
              ...(previousOwner !== null && previousOwner !== ctx.ownerId && { endAssignment: endReason(events) }),
              ...(newTrace && { trace: newTrace }),
            },
            reps,
            ...timerWrites(timerChanges),
            // Weighted credits go with the assignment that moved them: a successor of a killed router starts where this one stored.
            ...(outcome?.type === 'assigned' && outcome.team?.strategy === 'weighted_round_robin' && { ledgers: [{ teamId: outcome.team.id, credits: this.#o.policy.ledgerOf(outcome.team.id) }] }),
          });
          if (span.isRecording()) span.setAttribute(Attr.committed, written.committed);
          if (written.committed) next.version = written.version ?? held.version + 1;
          else this.#o.logger.warn({ leadId: held.id }, 'lead moved on elsewhere (stale version); dropping this step');
          return written.committed;
        }),
      );
    } catch (error) {
      await this.#withdraw(held.id, now, outcome, releases ? previousOwner : null, touchedReps);
      throw error;
    }
    if (!committed) {
      await this.#withdraw(held.id, now, outcome, releases ? previousOwner : null, touchedReps);
      return undefined;
    }
    if (step.isRecording()) step.setAttribute(Attr.leadState, afterState);
    if (outcome?.type === 'assigned') this.#o.metrics?.assigned(outcome.rep.profile.id, outcome.team?.id ?? null);
    if (events[0]?.type === 'SLA_EXPIRED' && ctx.breaches > before.context.breaches) this.#o.metrics?.breached(before.context.teamId);
    this.#o.inspector?.stepped('lead', held.id, events, after);
    applyTimerChanges(this.#o.timers(), timerChanges);
    this.#announce(rows);
    if (releases && previousOwner) this.#o.onCapacityFreed([previousOwner]);
    return next;
  }

  /** A waiting lead gets a "time unassigned" timer if its team asks for one; leaving waiting clears it. */
  #unassignedAlertChange(leadId: LeadId, before: string, after: string, ctx: LeadContext): TimerChange | null {
    const key = { actorKind: 'lead' as const, actorId: leadId, kind: 'unassigned' };
    if (before === 'waiting' && after !== 'waiting') return { clear: key };
    if (before === 'waiting' || after !== 'waiting') return null;
    const alertAfter = this.#commands.slaTeamOf(ctx.teamId)?.sla?.unassignedAlert;
    if (alertAfter === undefined) return null;
    return { set: { ...key, dueAt: (ctx.waitingSince ?? this.#o.clock()) + alertAfter } };
  }

  /** The "time unassigned" alert of a lead that is still waiting: logged and published. */
  alertUnassigned(leadId: LeadId): Promise<void> {
    return this.#host.send(leadId, async (held, commit) => {
      if (!held || !isWaiting(held)) return;
      const ctx = held.snapshot.context;
      // Once per spell of waiting: a timer poll that read the row before this alert deleted it
      // may arm the same timer again.
      if (held.alertedFor !== undefined && held.alertedFor === ctx.waitingSince) return;
      const now = this.#o.clock();
      const draft = new LeadDraft(held.snapshot);
      draft.send({ type: 'UNASSIGNED_ALERT', at: now });
      const rows = logRowsOf(draft.log, 'timer', held.traceId, new Date(now));
      const next: HeldLead = { ...held, snapshot: draft.getSnapshot(), alertedFor: ctx.waitingSince };
      const committed = await commit(next, async () => {
        const result = await this.#o.writer.write({
          lead: {
            leadId,
            expectedVersion: held.version,
            state: 'waiting',
            ownerId: null,
            teamId: ctx.teamId,
            waitingReason: ctx.waitingReason,
            snapshot: leadSnapshotForStore(next.snapshot),
            events: rows,
          },
          clearTimers: [{ actorKind: 'lead', actorId: leadId, kind: 'unassigned' }],
        });
        if (result.committed) next.version = result.version ?? held.version + 1;
        return result.committed;
      });
      if (committed) this.#announce(rows);
    });
  }

  /** Wakes the event relay for the committed rows it will publish (not the log-only ones). */
  #announce(rows: ReadonlyArray<LeadEventInput>): void {
    for (const row of rows) if (!UNPUBLISHED_EVENT_TYPES.includes(row.type)) this.#o.publisher.publish(row);
  }

  /**
   * Tells the reps and the team a step that did not commit touched that it did not happen — the
   * offer its rep accepted was withdrawn (and the team's strategy state moved back), the release
   * of its previous owner too — and stores the reps as they are now. Messages to the reps' own
   * mailboxes, not a re-read of their loads from the store: a re-read raced the commits of other
   * leads' accepted offers, and a step that failed while nothing else touched the rep left its
   * stored load counting the phantom for good. (The lead itself adopted nothing.)
   */
  async #withdraw(leadId: LeadId, at: number, outcome: RoutingOutcome | undefined, releasedOwner: RepId | null, reps: ReadonlyMap<RepId, RepEntry>): Promise<void> {
    if (outcome?.type === 'assigned') {
      outcome.rep.actor.send({ type: 'OFFER_WITHDRAWN', leadId, at });
      // The team's weighted credits and load counts as if the offer had never been made.
      outcome.withdraw();
    }
    if (releasedOwner !== null) this.#o.reps.get(releasedOwner)?.actor.send({ type: 'RELEASE_WITHDRAWN', leadId });
    if (reps.size === 0) return;
    const entries = [...reps.values()];
    // The step's timer changes were not stored either: work them out again from the reps as they are now.
    for (const entry of entries) this.#o.reps.forgetTimer(entry);
    const changes = entries.map((entry) => this.#o.reps.timerChange(entry));
    try {
      await this.#o.writer.write({ reps: entries.map((entry) => this.#o.reps.liveState(entry, `lead ${leadId}: step withdrawn`)), ...timerWrites(changes) });
      applyTimerChanges(this.#o.timers(), changes);
    } catch (error) {
      for (const entry of entries) this.#o.reps.forgetTimer(entry);
      // The next step that touches these reps stores them, and a start recounts every load.
      this.#o.logger.warn({ err: error, leadId, reps: [...reps.keys()] }, 'could not store the reps of a withdrawn step; their next step stores them');
    }
  }
}

function waitsForAny(held: HeldLead, freed: Freed): boolean {
  if (held.waitsFor === undefined) return true;
  for (const repId of held.waitsFor.reps) if (freed.reps.has(repId)) return true;
  for (const teamId of held.waitsFor.teams) if (freed.teams.has(teamId)) return true;
  return false;
}
