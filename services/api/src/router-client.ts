import {
  type Bus,
  encodeJson,
  type InspectReply,
  inspectReplySchema,
  type InspectRequest,
  type LeadCommandReply,
  leadCommandReplySchema,
  type LeadCommandRequest,
  parseReply,
  type Subjects,
  type SyncReply,
  syncReplySchema,
} from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import { messagingSystemOf, recordFailure, startSendSpan } from '@switchboard/telemetry';

export type { InspectReply, LeadCommandReply, SyncReply };

/**
 * Tells the router that a rep or team changed in the database. The router owns the
 * rep actors; the API owns the profile rows. Without a running router the change is
 * still stored, and a router picks it up when it starts.
 */
export class RouterClient {
  readonly #bus: Bus;
  readonly #subjects: Subjects;
  readonly #logger: Logger;

  constructor(bus: Bus, subjects: Subjects, logger: Logger) {
    this.#bus = bus;
    this.#subjects = subjects;
    this.#logger = logger;
  }

  /** Asks the router to reload a rep; answers undefined if no router answered. */
  async syncRep(repId: string): Promise<SyncReply | undefined> {
    return this.#request(this.#subjects.repCommand(repId), { type: 'rep.sync' });
  }

  /** Asks the router to reload a team. */
  async syncTeam(teamId: string): Promise<SyncReply | undefined> {
    return this.#request(this.#subjects.teamCommand(teamId), { type: 'team.sync' });
  }

  /** Tells the router that the routing configuration or the accounts changed. */
  async syncPolicy(): Promise<SyncReply | undefined> {
    return this.#request(this.#subjects.policyCommand, { type: 'policy.sync' }, 10_000);
  }

  /**
   * Sends a command to a lead's actor (touch, close, reject) and answers what the router
   * said; undefined when no router answered.
   */
  async leadCommand(leadId: string, command: LeadCommandRequest): Promise<LeadCommandReply | undefined> {
    const subject = this.#subjects.leadCommand(leadId);
    // The router's step joins the lead's own trace and links back to this request's.
    const send = startSendSpan({ system: messagingSystemOf(this.#bus.kind), subject, template: this.#subjects.allLeadCommands });
    try {
      const reply = await this.#bus.request(subject, encodeJson(command), { timeoutMs: 10_000, ...(send.headers && { headers: send.headers }) });
      return parseReply(leadCommandReplySchema, reply, `a command to lead ${leadId}`);
    } catch (error) {
      recordFailure(send.span, error);
      this.#logger.warn({ err: error, leadId }, 'no router answered a lead command');
      return undefined;
    } finally {
      send.span.end();
    }
  }

  /**
   * Asks a router for an actor's live state; with `watchSeconds`, also to stream its XState
   * inspection events that long. Undefined when no router answered.
   */
  async inspect(kind: 'lead' | 'rep', id: string, watchSeconds?: number): Promise<InspectReply | undefined> {
    try {
      const body: InspectRequest = { kind, id, ...(watchSeconds !== undefined && { watchSeconds }) };
      const reply = await this.#bus.request(this.#subjects.inspect, encodeJson(body), { timeoutMs: 2000 });
      return parseReply(inspectReplySchema, reply, `inspecting ${kind} ${id}`);
    } catch (error) {
      this.#logger.debug({ err: error, kind, id }, 'no router answered an inspect request; showing the stored state');
      return undefined;
    }
  }

  async #request(subject: string, body: { readonly type: 'rep.sync' | 'team.sync' | 'policy.sync' }, timeoutMs = 5000): Promise<SyncReply | undefined> {
    try {
      const reply = await this.#bus.request(subject, encodeJson(body), { timeoutMs });
      return parseReply(syncReplySchema, reply, body.type);
    } catch (error) {
      this.#logger.warn({ err: error, subject }, 'no router answered; the change is stored and applies when a router starts');
      return undefined;
    }
  }
}
