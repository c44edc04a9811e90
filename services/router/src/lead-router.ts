import type { LeadAssignedEvent, LeadId, LeadWaitingEvent, Logger, Team } from '@switchboard/core';
import { leadMachine } from '@switchboard/machines';
import type { LeadEventInput, RoutingWriter } from '@switchboard/store';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, createActor } from 'xstate';
import type { LifecyclePublisher } from './lifecycle-publisher.ts';
import type { RepActors } from './rep-actors.ts';
import { type RoutingOutcome, routeLead } from './route-lead.ts';
import type { TeamDirectory } from './team-directory.ts';

/** A lead handed to the router. */
export interface AdmittedLead {
  readonly id: LeadId;
  /** Team id or name asked for at intake. */
  readonly requestedTeam: string | null;
  readonly externalId: string | null;
  /** The lead row's version (0 for a lead just stored). */
  readonly version: number;
  readonly traceId: string | null;
  /** What brought it here, for the event log. */
  readonly cause: string;
}

/** What became of an admitted lead. */
export type AdmitResult = 'assigned' | 'waiting' | 'already-routing' | 'stale';

interface HeldLead {
  readonly lead: AdmittedLead;
  readonly actor: Actor<typeof leadMachine>;
  version: number;
}

export interface LeadRouterOptions {
  readonly reps: RepActors;
  readonly teams: TeamDirectory;
  readonly writer: RoutingWriter;
  readonly publisher: LifecyclePublisher;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The highest assignment sequence already used (from the store). */
  readonly lastAssignmentSeq: number;
}

/**
 * Drives lead actors through routing and persists every outcome before it is
 * acknowledged. Leads being routed and leads waiting live in memory; an assigned lead
 * is passivated (its actor stopped; it is a row until something happens to it).
 */
export class LeadRouter {
  readonly #o: LeadRouterOptions;
  readonly #routing = new Map<LeadId, HeldLead>();
  /** Waiting leads, oldest first (Map keeps insertion order). */
  readonly #waiting = new Map<LeadId, HeldLead>();
  #seq: number;
  #retries: Promise<void> = Promise.resolve();

  constructor(options: LeadRouterOptions) {
    this.#o = options;
    this.#seq = options.lastAssignmentSeq;
  }

  /** Leads in memory: being routed, and waiting. */
  get counts(): { readonly routing: number; readonly waiting: number } {
    return { routing: this.#routing.size, waiting: this.#waiting.size };
  }

  /** True if the lead is being routed or waiting in this router. */
  holds(id: LeadId): boolean {
    return this.#routing.has(id) || this.#waiting.has(id);
  }

  /**
   * Routes a new lead. Resolves once the outcome (assigned or waiting) is committed;
   * rejects if it could not be persisted, leaving nothing changed (the caller retries).
   */
  async admit(lead: AdmittedLead): Promise<AdmitResult> {
    if (this.holds(lead.id)) return 'already-routing';
    const actor = createActor(leadMachine, { input: { leadId: lead.id } }).start();
    const held: HeldLead = { lead, actor, version: lead.version };
    this.#routing.set(lead.id, held);
    try {
      const { team, source } = await this.#resolveTeam(lead);
      actor.send({ type: 'ROUTE' });
      return await this.#route(held, team, source, 'new', lead.cause);
    } finally {
      this.#routing.delete(lead.id);
    }
  }

  /** Restores a lead that was waiting when the process stopped. */
  restoreWaiting(lead: AdmittedLead, snapshot: unknown): void {
    const actor = createActor(leadMachine, {
      input: { leadId: lead.id },
      snapshot: snapshot as never,
    }).start();
    this.#waiting.set(lead.id, { lead, actor, version: lead.version });
  }

  /**
   * Offers waiting leads again, oldest first: those of `teamIds`, or all of them.
   * Called when a rep frees up or a team changes.
   */
  retryWaiting(teamIds?: ReadonlySet<string>): Promise<void> {
    // One pass at a time, so that waiting leads are offered strictly oldest first and
    // a lead is never taken up by two passes.
    const pass = this.#retries.then(() => this.#retryPass(teamIds));
    this.#retries = pass.catch(() => {});
    return pass;
  }

  async #retryPass(teamIds?: ReadonlySet<string>): Promise<void> {
    const due = [...this.#waiting.values()].filter((held) => {
      const teamId = held.actor.getSnapshot().context.teamId;
      return teamIds === undefined || teamId === null || teamIds.has(teamId);
    });
    const writes: Promise<unknown>[] = [];
    for (const held of due) {
      if (this.#waiting.get(held.lead.id) !== held) continue;
      this.#waiting.delete(held.lead.id);
      this.#routing.set(held.lead.id, held);
      const previousReason = held.actor.getSnapshot().context.waitingReason;
      let team: Team | null;
      let source: 'lead' | 'default';
      try {
        ({ team, source } = await this.#resolveTeam(held.lead));
      } catch (error) {
        this.#logger.error({ err: error, leadId: held.lead.id }, 'could not resolve the team of a waiting lead');
        this.#routing.delete(held.lead.id);
        this.#waiting.set(held.lead.id, held);
        continue;
      }
      const restore = held.actor.getPersistedSnapshot();
      held.actor.send({ type: 'RETRY' });
      writes.push(
        this.#route(held, team, source, 'waiting', 'retry', { previousReason, restore })
          .catch((error: unknown) => {
            this.#logger.error({ err: error, leadId: held.lead.id }, 'retrying a waiting lead failed; it stays waiting');
          })
          .finally(() => this.#routing.delete(held.lead.id)),
      );
    }
    await Promise.all(writes);
  }

  get #logger(): Logger {
    return this.#o.logger;
  }

  async #resolveTeam(lead: AdmittedLead): Promise<{ team: Team | null; source: 'lead' | 'default' }> {
    if (lead.requestedTeam) return { team: (await this.#o.teams.find(lead.requestedTeam)) ?? null, source: 'lead' };
    return { team: (await this.#o.teams.findDefault()) ?? null, source: 'default' };
  }

  async #route(
    held: HeldLead,
    team: Team | null,
    source: 'lead' | 'default',
    from: 'new' | 'waiting',
    cause: string,
    retry?: { previousReason: string | null; restore: unknown },
  ): Promise<AdmitResult> {
    const now = this.#o.clock();
    const outcome = routeLead(held.actor, {
      team,
      teamSource: source,
      reps: this.#o.reps,
      nextSeq: () => ++this.#seq,
      now,
    });
    if (retry && outcome.type === 'waiting' && outcome.reason === retry.previousReason) {
      // Still nobody: nothing new to record. Back to the queue, same place in line.
      this.#waiting.set(held.lead.id, held);
      return 'waiting';
    }
    const snapshot = held.actor.getSnapshot();
    const events = this.#transitionEvents(held, from, outcome, now, cause);
    let result;
    try {
      result = await this.#o.writer.write({
        lead: {
          leadId: held.lead.id,
          expectedVersion: held.version,
          state: snapshot.value as 'assigned' | 'waiting',
          ownerId: snapshot.context.ownerId,
          teamId: snapshot.context.teamId,
          waitingReason: snapshot.context.waitingReason,
          snapshot: held.actor.getPersistedSnapshot(),
          events: events.log,
          ...(outcome.type === 'assigned' && {
            assignment: { repId: outcome.rep.profile.id, teamId: outcome.team.id, decision: outcome.decision, at: new Date(now) },
          }),
        },
        reps: outcome.type === 'assigned' ? [this.#o.reps.liveState(outcome.rep)] : [],
      });
    } catch (error) {
      this.#undo(held, outcome, retry?.restore);
      throw error;
    }
    if (!result.committed) {
      this.#logger.warn({ leadId: held.lead.id }, 'lead was already routed elsewhere (stale version); dropping this attempt');
      this.#undo(held, outcome, undefined);
      return 'stale';
    }
    held.version = result.version ?? held.version + 1;
    if (events.published) this.#o.publisher.publish(events.published);
    if (outcome.type === 'assigned') {
      held.actor.stop();
      return 'assigned';
    }
    this.#waiting.set(held.lead.id, held);
    return 'waiting';
  }

  /** A routing outcome that could not be committed must leave nothing behind. */
  #undo(held: HeldLead, outcome: RoutingOutcome, restore: unknown): void {
    if (outcome.type === 'assigned') {
      outcome.rep.actor.send({ type: 'RELEASE', leadId: held.lead.id });
      void this.#o.writer.write({ reps: [this.#o.reps.liveState(outcome.rep)] }).catch(() => {});
    }
    held.actor.stop();
    if (restore !== undefined) {
      // A waiting lead goes back to waiting, exactly as it was.
      const actor = createActor(leadMachine, { input: { leadId: held.lead.id }, snapshot: restore as never }).start();
      this.#waiting.set(held.lead.id, { ...held, actor });
    }
  }

  #transitionEvents(
    held: HeldLead,
    from: 'new' | 'waiting',
    outcome: RoutingOutcome,
    now: number,
    cause: string,
  ): { log: LeadEventInput[]; published: LeadAssignedEvent | LeadWaitingEvent | null } {
    const at = new Date(now);
    const traceId = held.lead.traceId;
    const routing: LeadEventInput = {
      id: uuidv7(),
      type: 'lead.routing',
      from,
      to: 'routing',
      cause,
      data: { teamId: outcome.team?.id ?? null },
      traceId,
      at,
    };
    if (outcome.type === 'assigned') {
      const event: LeadAssignedEvent = {
        id: uuidv7(),
        type: 'lead.assigned',
        version: 1,
        occurredAt: at.toISOString(),
        leadId: held.lead.id,
        data: {
          repId: outcome.rep.profile.id,
          repEmail: outcome.rep.profile.email,
          teamId: outcome.team.id,
          externalId: held.lead.externalId,
          summary: outcome.decision.summary,
        },
      };
      return {
        log: [
          routing,
          { id: event.id, type: event.type, from: 'routing', to: 'assigned', cause: 'offer-accepted', data: event.data, traceId, at },
        ],
        published: event,
      };
    }
    const event: LeadWaitingEvent = {
      id: uuidv7(),
      type: 'lead.waiting',
      version: 1,
      occurredAt: at.toISOString(),
      leadId: held.lead.id,
      data: { teamId: outcome.team?.id ?? null, reason: outcome.reason },
    };
    return {
      log: [
        routing,
        // The log keeps the whole decision (who was considered and why not); the published event stays small.
        { id: event.id, type: event.type, from: 'routing', to: 'waiting', cause: 'no-candidate', data: { ...event.data, decision: outcome.decision }, traceId, at },
      ],
      published: event,
    };
  }
}
