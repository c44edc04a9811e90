import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import {
  IntakeHeader,
  type LeadId,
  type LeadIntake,
  type Logger,
  newId,
  type Team,
  ValidationError,
} from '@switchboard/core';
import type { LeadIntakeWriter, TeamRepository } from '@switchboard/store';
import { Attr, inSpan, messagingSystemOf, recordFailure, type Span, SpanName, startSendSpan, traceIdOf, traceparentOf } from '@switchboard/telemetry';

/** The answer to an intake. */
export interface IntakeAnswer {
  readonly id: LeadId;
  readonly duplicate: boolean;
  /** True when the lead was merged into an open lead with the same email (`dedupe.byEmail`). */
  readonly merged: boolean;
}

/**
 * Accepts leads from the HTTP API: validates the team, commits the lead with its
 * `lead.received` event (group commit; the answer waits for it), then publishes it on the
 * intake subject for the router. The publish does not hold up the answer: if it fails, the
 * lead is already safe in PostgreSQL and the router's sweep routes it. The event is
 * published by the router's event relay, from the event log, so it survives a bus outage.
 */
export class LeadIntakeService {
  readonly #writer: LeadIntakeWriter;
  readonly #bus: Bus;
  readonly #subjects: Subjects;
  readonly #teams: TeamRepository;
  readonly #logger: Logger;
  // Teams are never deleted, so a team once found stays valid; misses are not cached.
  readonly #knownTeams = new Map<string, Team>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #clock: () => number;
  readonly #eventsCommitted: () => void;

  constructor(deps: {
    writer: LeadIntakeWriter;
    bus: Bus;
    subjects: Subjects;
    teams: TeamRepository;
    logger: Logger;
    clock: () => number;
    /** Says that lifecycle events were committed (wakes the event relay of a router in this process). @default nothing */
    eventsCommitted?: () => void;
  }) {
    this.#clock = deps.clock;
    this.#eventsCommitted = deps.eventsCommitted ?? (() => {});
    this.#writer = deps.writer;
    this.#bus = deps.bus;
    this.#subjects = deps.subjects;
    this.#teams = deps.teams;
    this.#logger = deps.logger;
  }

  /**
   * Accepts one lead inside a `lead.intake` span (a child of the HTTP request's span), whose
   * trace the lead keeps. `traceparent` is the caller's, used when tracing is off.
   */
  accept(intake: LeadIntake, traceparent?: string): Promise<IntakeAnswer> {
    return inSpan(SpanName.intake, {}, undefined, (span) => this.#accept(intake, traceparent, span));
  }

  async #accept(intake: LeadIntake, traceparent: string | undefined, span: Span): Promise<IntakeAnswer> {
    if (intake.team !== undefined) await this.#requireTeam(intake.team);
    const id = newId<LeadId>();
    if (span.isRecording()) span.setAttribute(Attr.leadId, id);
    const receivedAt = new Date(this.#clock());
    const traceId = traceIdOf(traceparentOf() ?? traceparent);
    const result = await this.#writer.write({ id, intake, receivedAt, via: 'api', traceId });
    if (result.duplicate && result.merged) {
      this.#eventsCommitted();
      return { id: result.id, duplicate: true, merged: true };
    }
    if (result.duplicate) return { id: result.id, duplicate: true, merged: false };
    const headers: Record<string, string> = { [IntakeHeader.leadId]: id, [IntakeHeader.receivedAt]: receivedAt.toISOString() };
    // Tracing off: the caller's trace id still travels with the lead.
    if (traceparent && !span.isRecording()) headers[IntakeHeader.traceparent] = traceparent;
    const system = messagingSystemOf(this.#bus.kind);
    const send = startSendSpan({ system, subject: this.#subjects.leadIntake }, headers);
    const published = this.#bus.publish(this.#subjects.leadIntake, encodeJson(intake), { msgId: id, headers: send.headers ?? headers });
    this.#track(
      published.then(
        () => send.span.end(),
        (error: unknown) => {
          recordFailure(send.span, error);
          send.span.end();
          throw error;
        },
      ),
      id,
      'intake',
    );
    // lead.received is committed with the lead; the router's event relay publishes it.
    this.#eventsCommitted();
    return { id, duplicate: false, merged: false };
  }

  /** Resolves when every publish started so far has settled. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  #track(publish: Promise<unknown>, leadId: string, what: string): void {
    const task = publish
      .catch((error: unknown) => {
        this.#logger.warn({ err: error, leadId }, `publishing ${what} failed; the lead is stored and the router's sweep will route it`);
      })
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  async #requireTeam(ref: string): Promise<void> {
    if (this.#knownTeams.has(ref.toLowerCase())) return;
    const team = await this.#teams.find(ref);
    if (!team) {
      throw new ValidationError([
        { path: 'team', message: `team "${ref}" does not exist; use a team id or name from GET /v1/teams, or leave team out for the default team` },
      ]);
    }
    this.#knownTeams.set(ref.toLowerCase(), team);
  }
}
