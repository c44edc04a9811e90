import { CALCOM_LEAD_METADATA_KEY, isId, TouchType } from '@switchboard/core';
import { z } from 'zod';

/**
 * What Cal.com posts to a webhook's subscriber URL, as far as Switchboard reads it. Cal.com
 * builds the body as `JSON.stringify({ triggerEvent, createdAt, payload })` (calcom/cal.com,
 * packages/features/webhooks/lib/sendPayload.ts) where the payload of a booking trigger is
 * the booking's calendar event: `uid`, `title`, `startTime`, `endTime`, `organizer`,
 * `attendees`, `responses`, `metadata`, … (docs/developing/guides/automation/webhooks.mdx;
 * BookingPayloadBuilder.ts for version 2021-10-20). Fields not read here are allowed and kept
 * out of the way: Cal.com adds fields over time.
 */

/** The triggers Switchboard acts on; every other one (a PING from "Ping test", a reschedule, …) is acknowledged and ignored. */
export const CalcomTrigger = {
  bookingCreated: 'BOOKING_CREATED',
  bookingCancelled: 'BOOKING_CANCELLED',
} as const;
export type CalcomTrigger = (typeof CalcomTrigger)[keyof typeof CalcomTrigger];
const HANDLED = new Set<string>(Object.values(CalcomTrigger));

/** Whether Switchboard acts on a trigger event. */
export const isHandledTrigger = (trigger: string): trigger is CalcomTrigger => HANDLED.has(trigger);

/** The envelope every Cal.com webhook has. */
export const calcomEnvelopeSchema = z.looseObject({
  triggerEvent: z.string({ error: 'expected the trigger event, such as "BOOKING_CREATED" (a string)' }).min(1).max(100),
  createdAt: z.string().max(100).optional(),
  payload: z.unknown(),
});

const person = z.looseObject({
  email: z.string({ error: 'expected an email address (a string)' }).max(320),
  name: z.string().max(1000).nullish(),
  timeZone: z.string().max(100).nullish(),
});

/** A booking trigger's payload: what finds the lead and what the touch says. */
export const calcomBookingSchema = z.looseObject({
  uid: z.string({ error: 'expected the booking’s uid (a string)' }).min(1, { error: 'must not be empty' }).max(200),
  title: z.string({ error: 'expected the booking’s title (a string)' }).max(10_000),
  startTime: z.iso.datetime({ offset: true, error: 'expected the start as an ISO 8601 time, such as 2026-12-07T10:00:00Z' }),
  endTime: z.iso.datetime({ offset: true, error: 'expected the end as an ISO 8601 time, such as 2026-12-07T10:30:00Z' }).optional(),
  attendees: z.array(person, { error: 'expected the attendees (a list of { email, name, timeZone })' }).max(1_000),
  organizer: person.optional(),
  responses: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type CalcomBooking = z.output<typeof calcomBookingSchema>;

/** The keys a lead's id may come under, in order of preference. */
const LEAD_ID_KEYS = [CALCOM_LEAD_METADATA_KEY, 'leadId'];

/**
 * The Switchboard lead id a booking names, if any: in its metadata (what the routing-form
 * redirect passes as `metadata[switchboardLeadId]` on the booking link), else in a booking
 * question's answer. Cal.com sends answers as `{ label, value }`; a bare value is read too.
 */
export function leadIdNamedBy(booking: CalcomBooking): string | undefined {
  for (const key of LEAD_ID_KEYS) {
    const fromMetadata = booking.metadata?.[key];
    if (typeof fromMetadata === 'string' && isId(fromMetadata.trim())) return fromMetadata.trim();
  }
  for (const key of LEAD_ID_KEYS) {
    const answer = booking.responses?.[key];
    const value = typeof answer === 'object' && answer !== null ? (answer as { value?: unknown }).value : answer;
    if (typeof value === 'string' && isId(value.trim())) return value.trim();
  }
  return undefined;
}

/** The attendees' emails: the booker and any guests (the organizer is the rep, not the lead). */
export function attendeeEmails(booking: CalcomBooking): string[] {
  return booking.attendees.map((attendee) => attendee.email).filter((email) => email.trim() !== '');
}

/** `2026-12-07 10:00 UTC`: how the touch's note gives the meeting's start. */
function readableStart(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A title as a note shows it: one line, cut short (a touch's note holds 2,000 characters). */
function shortTitle(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim() || 'a meeting';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The touch a booking trigger records on its lead. */
export function touchFor(trigger: CalcomTrigger, booking: CalcomBooking): { readonly touch: TouchType; readonly note: string } {
  switch (trigger) {
    case CalcomTrigger.bookingCreated:
      return { touch: TouchType.meeting, note: `Cal.com: ${shortTitle(booking.title)} booked for ${readableStart(booking.startTime)}` };
    case CalcomTrigger.bookingCancelled:
      return { touch: TouchType.statusChange, note: `Cal.com: ${shortTitle(booking.title)} cancelled` };
  }
}
