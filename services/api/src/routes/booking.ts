import { durationSchema, formatSlotTime, NotFoundError, slotTimeZoneSchema } from '@switchboard/core';
import type { Booking } from '@switchboard/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import { BookingGoneError, type BookingOffer, type BookingService, parseStart, SlotTakenError } from '../booking-service.ts';
import { errorSchema, idParams, isoDate } from '../schemas.ts';

const tokenParams = z.object({ token: z.string().min(20).max(200).describe('The booking link’s token: the prospect’s credential.') });

const slotSchema = z.object({
  start: z.string().describe('ISO 8601 in the asked time zone, e.g. 2026-12-07T09:00:00-05:00.'),
  end: z.string(),
  repId: z.uuid().describe('Whom the meeting would be with.'),
});

export const bookingLinkSchema = z
  .object({
    url: z.string().describe('The hosted booking page to send the prospect.'),
    token: z.string().describe('The link’s credential (in the URL too); shown once.'),
    expiresAt: isoDate,
  })
  .meta({ id: 'BookingLink' });

const bookingSchema = z
  .object({ bookingId: z.uuid(), start: z.string(), end: z.string(), repId: z.uuid(), status: z.enum(['confirmed', 'cancelled']) })
  .meta({ id: 'Booking' });

const slotsAnswerSchema = z
  .object({
    slots: z.array(slotSchema),
    timeZone: z.string().describe('The zone the times are written in.'),
    durationMinutes: z.number(),
    mode: z.enum(['owner', 'team']),
    team: z.string().describe('The name of the team whose booking policy the link offers.'),
    hosts: z.array(z.object({ id: z.uuid(), name: z.string() })).describe('Whom the meeting may be with.'),
    booking: bookingSchema.nullable().describe('What this link has booked, if anything: booking again moves it.'),
    notice: z.string().nullable().describe('Why there are no slots yet, for the page.'),
    expiresAt: isoDate,
  })
  .meta({ id: 'BookingSlots' });

const conflictWithSlotsSchema = errorSchema.extend({ slots: z.array(slotSchema).describe('The slots still free.') });

/** The booking page's address for a token: under the public URL when set, else where the request came in. */
export function bookingPageUrl(request: FastifyRequest, publicUrl: string | null, token: string): string {
  const base = publicUrl ?? `${request.protocol}://${request.host}`;
  return `${base.replace(/\/$/, '')}/book/${token}`;
}

/** `POST /v1/leads/:id/booking-link`, and the prospect's `/v1/booking/:token` (slots, book, cancel). */
export function bookingRoutes(app: FastifyInstance, deps: { booking: BookingService; publicUrl: string | null }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  /** A link that no longer works answers 410, one that never did (or has nothing booked) 404; anything else goes to the error handler. */
  const orGone = async <T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BookingGoneError) return reply.code(410).send({ error: 'gone', message: error.message });
      if (error instanceof NotFoundError) return reply.code(404).send({ error: 'not_found', message: error.message });
      throw error;
    }
  };

  api.post(
    '/v1/leads/:id/booking-link',
    {
      schema: {
        ...access('operator', 'own-lead'),
        tags: ['booking'],
        summary: 'Make a booking link for a lead',
        description:
          'A link to the hosted booking page, where the prospect books a meeting with the lead’s owner (or the team, by its booking policy). 409 when the lead is closed or its team offers no booking.',
        params: idParams('lead'),
        body: z.strictObject({ expiresIn: durationSchema.optional().describe('How long the link works (ISO 8601 or 14d). @default 14 days') }).optional(),
        response: { 201: bookingLinkSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { token, link } = await deps.booking.createLink(request.params.id, {
        ...(request.body?.expiresIn !== undefined && { lifetimeMs: request.body.expiresIn }),
        createdBy: request.principal?.name ?? 'unknown',
      });
      return reply.code(201).send({ url: bookingPageUrl(request, deps.publicUrl, token), token, expiresAt: link.expiresAt });
    },
  );

  api.get(
    '/v1/booking/:token/slots',
    {
      schema: {
        ...access('public'),
        tags: ['booking'],
        summary: 'The free slots a booking link offers',
        description:
          'No key: the token is the credential. Slots are the owner’s (or, in team mode, the team’s) working hours minus their calendars’ busy time, bookings and buffers, from `minNotice` on, within the window. 410 when the link expired or the lead is closed.',
        params: tokenParams,
        querystring: z.object({ tz: slotTimeZoneSchema.optional().describe('IANA time zone to write the times in. @default UTC') }),
        response: { 200: slotsAnswerSchema, 400: errorSchema, 404: errorSchema, 410: errorSchema },
      },
    },
    async (request, reply) => {
      const zone = request.query.tz ?? 'UTC';
      return orGone(reply, async () => reply.send(presentOffer(await deps.booking.offer(request.params.token), zone)));
    },
  );

  api.post(
    '/v1/booking/:token',
    {
      schema: {
        ...access('public'),
        tags: ['booking'],
        summary: 'Book a slot (or move the booking there)',
        description:
          'Takes the slot atomically: two prospects can’t book one slot; the second gets 409 with the slots still free. The lead is touched (a meeting: its response SLA stops) and `lead.booked` is published; the rep and the prospect get an invite by email. Booking again through the same link moves the meeting.',
        params: tokenParams,
        body: z.strictObject({
          start: z.string().max(40).describe('The slot’s start, as the slots list gave it.'),
          timeZone: slotTimeZoneSchema.optional().describe('The prospect’s time zone, for the invite and the answer. @default UTC'),
        }),
        response: { 201: bookingSchema, 400: errorSchema, 404: errorSchema, 409: conflictWithSlotsSchema.or(errorSchema), 410: errorSchema },
      },
    },
    async (request, reply) => {
      const zone = request.body.timeZone ?? 'UTC';
      return orGone(reply, async () => {
        try {
          const booking = await deps.booking.book(request.params.token, parseStart(request.body.start), zone);
          return reply.code(201).send(present(booking, zone));
        } catch (error) {
          if (!(error instanceof SlotTakenError)) throw error;
          return reply.code(409).send({ error: 'conflict', message: error.message, slots: error.slots.map((s) => slotOf(s, zone)) });
        }
      });
    },
  );

  api.delete(
    '/v1/booking/:token',
    {
      schema: {
        ...access('public'),
        tags: ['booking'],
        summary: 'Cancel the booking',
        description: 'The meeting is cancelled (the rep and the prospect get a cancellation); the link stays valid to book again.',
        params: tokenParams,
        response: { 200: bookingSchema, 404: errorSchema, 410: errorSchema },
      },
    },
    async (request, reply) => {
      return orGone(reply, async () => reply.send(present(await deps.booking.cancel(request.params.token), 'UTC')));
    },
  );
}

const slotOf = (slot: { start: number; end: number; repId: string }, zone: string) => ({
  start: formatSlotTime(slot.start, zone),
  end: formatSlotTime(slot.end, zone),
  repId: slot.repId,
});

/** A booking as the answers give it, its times in `zone`. */
const present = (booking: Booking, zone: string) => ({
  bookingId: booking.id,
  ...slotOf({ start: booking.start.getTime(), end: booking.end.getTime(), repId: booking.repId }, zone),
  status: booking.status,
});

function presentOffer(offer: BookingOffer, zone: string) {
  return {
    slots: offer.slots.map((slot) => slotOf(slot, zone)),
    timeZone: zone,
    durationMinutes: Math.round(offer.policy.duration / 60_000),
    mode: offer.policy.mode,
    team: offer.team.name,
    hosts: offer.hosts.map((rep) => ({ id: rep.id, name: rep.name })),
    booking: offer.booking ? present(offer.booking, zone) : null,
    notice: offer.notice,
    expiresAt: offer.link.expiresAt,
  };
}

