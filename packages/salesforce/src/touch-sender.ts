import { type Bus, encodeJson, type LeadCommandReply, type LeadCommandRequest, leadCommandReplySchema, parseReply, type Subjects } from '@switchboard/bus';
import type { LeadId, Logger, TouchType } from '@switchboard/core';
import { SalesforceApiError } from './errors.ts';

/** What became of a touch. */
export type TouchOutcome = 'touched' | 'ignored';

/** Sends touches seen in Salesforce to the lead's actor. */
export interface TouchSender {
  /**
   * Sends one touch (the same lead command `POST /v1/leads/:id/touches` sends). Answers
   * `ignored` when the router refused it (the lead is closed, not assigned, unknown);
   * throws a transient `SalesforceApiError` when no router answered, so the caller tries again.
   */
  touch(leadId: LeadId, touch: TouchType, note: string): Promise<TouchOutcome>;
}

/** Creates the touch sender: a request on the lead's command subject. */
export function createTouchSender(bus: Bus, subjects: Subjects, logger: Logger): TouchSender {
  return {
    async touch(leadId, touch, note) {
      let reply: LeadCommandReply;
      try {
        const request: LeadCommandRequest = { type: 'touch', touch, note };
        const answer = await bus.request(subjects.leadCommand(leadId), encodeJson(request), { timeoutMs: 10_000 });
        reply = parseReply(leadCommandReplySchema, answer, `the touch of lead ${leadId}`);
      } catch (error) {
        throw new SalesforceApiError(`no router answered the touch of lead ${leadId}; it is sent again on the next poll`, 'NO_ROUTER', true, { cause: error });
      }
      if (reply.ok) return 'touched';
      if (reply.code === 'unavailable') throw new SalesforceApiError(`the router could not take the touch of lead ${leadId}: ${reply.message}`, 'ROUTER_UNAVAILABLE', true);
      logger.debug({ leadId, touch, reason: reply.message }, 'a touch from Salesforce was not applied');
      return 'ignored';
    },
  };
}
