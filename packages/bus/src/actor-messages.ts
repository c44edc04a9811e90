import { type LeadId, type RepId, type TeamId, touchTypeSchema } from '@switchboard/core';
import { z } from 'zod';
import type { BusEvent } from './bus.ts';

// The wire contract between the API (and the Salesforce connector) and the router: every
// request sent to an actor's subject and every reply, as zod schemas that both sides use. A
// change here changes both ends; neither keeps a copy of its own.

const id = z.string().min(1);

/** `sb.rep.<id>`: offer a lead to the rep's actor, which accepts or declines in its own mailbox. */
export const repOfferSchema = z.object({
  type: z.literal('rep.offer'),
  leadId: id,
  at: z.number(),
  seq: z.number(),
  /** The team lets a rep in a meeting take the lead (`busy: allow`). */
  allowBusy: z.boolean().optional(),
});
/** `sb.rep.<id>`: the rep's row changed; the router reloads its actor. */
export const repSyncSchema = z.object({ type: z.literal('rep.sync') });
/** Anything sent to a rep's subject. */
export const repRequestSchema = z.discriminatedUnion('type', [repOfferSchema, repSyncSchema]);
export type RepRequest = z.output<typeof repRequestSchema>;

/** The rep's answer to an offer. */
export const offerAnswerSchema = z.union([
  z.object({ leadId: id, accepted: z.literal(true) }),
  z.object({ leadId: id, accepted: z.literal(false), reason: z.enum(['away', 'offline', 'busy', 'capped', 'inactive']) }),
]);

/** `sb.team.<id>`: the team changed; `sb.policy`: the configuration or the accounts changed. */
export const teamSyncSchema = z.object({ type: z.literal('team.sync') });
export const policySyncSchema = z.object({ type: z.literal('policy.sync') });

/** The router's reply to a sync (rep, team, policy): the rep's live state when there is one. */
export const syncReplySchema = z.union([
  z.object({ ok: z.literal(true), state: z.string().optional(), activeLeads: z.number().optional() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type SyncReply = z.output<typeof syncReplySchema>;

/** `sb.leadcmd.<id>`: something that happens to a lead, from a person or the CRM. */
export const leadCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('touch'), touch: touchTypeSchema, note: z.string().optional() }),
  z.object({ type: z.literal('close'), outcome: z.string().min(1) }),
  z.object({ type: z.literal('reject'), repId: z.string().optional(), reason: z.string().min(1) }),
  z.object({
    type: z.literal('book'),
    booking: z.object({ bookingId: id, repId: id, start: z.string(), end: z.string(), timeZone: z.string(), replaces: z.string().nullable() }),
  }),
  z.object({ type: z.literal('unbook'), booking: z.object({ bookingId: id, repId: id, start: z.string() }) }),
]);
export type LeadCommandRequest = z.output<typeof leadCommandSchema>;

/** A booking as the lead commands carry it: what the API and the booking announcer both send. */
export interface AnnouncedBooking {
  readonly id: string;
  readonly repId: string;
  readonly start: Date;
  readonly end: Date;
  readonly timeZone: string;
  readonly replaces: string | null;
}

/** The lead command that tells a lead of its booking (`booked`) or of its cancellation. */
export function bookingCommand(booking: AnnouncedBooking, tell: 'booked' | 'cancelled'): LeadCommandRequest {
  const start = booking.start.toISOString();
  return tell === 'booked'
    ? {
        type: 'book',
        booking: { bookingId: booking.id, repId: booking.repId, start, end: booking.end.toISOString(), timeZone: booking.timeZone, replaces: booking.replaces },
      }
    : { type: 'unbook', booking: { bookingId: booking.id, repId: booking.repId, start } };
}

/** The router's reply to a lead command. */
export const leadCommandReplySchema = z.union([
  z.object({ ok: z.literal(true), state: z.string(), ownerId: z.string().nullable(), changed: z.boolean() }),
  z.object({ ok: z.literal(false), code: z.enum(['not_found', 'conflict', 'invalid', 'unavailable']), message: z.string() }),
]);
export type LeadCommandReply = z.output<typeof leadCommandReplySchema>;

/** `sb.inspect`: one actor's live state, and optionally its XState inspection events for a while. */
export const inspectRequestSchema = z.object({ kind: z.enum(['lead', 'rep']), id, watchSeconds: z.number().min(0).optional() });
export type InspectRequest = z.output<typeof inspectRequestSchema>;

/** The router's reply to an inspect request: the live actor, or `live: false` when it holds none in memory. */
export const inspectReplySchema = z.union([
  z.object({ ok: z.literal(true), live: z.literal(true), value: z.unknown(), context: z.unknown(), status: z.string() }),
  z.object({ ok: z.literal(true), live: z.literal(false) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type InspectReply = z.output<typeof inspectReplySchema>;

/** The id at the end of an actor's subject (`sb.rep.<id>` → `<id>`). */
export function actorIdOf<T extends RepId | LeadId | TeamId>(subject: string): T {
  return subject.slice(subject.lastIndexOf('.') + 1) as T;
}

/**
 * Reads a reply with its schema: a reply that does not match (a router of another version)
 * is an error that says which, not a wrong value.
 */
export function parseReply<S extends z.ZodType>(schema: S, reply: BusEvent, what: string): z.output<S> {
  const parsed = schema.safeParse(reply.json());
  if (!parsed.success) {
    throw new Error(`the router's reply to ${what} does not match the wire contract (is it another version?): ${parsed.error.message}`);
  }
  return parsed.data;
}
