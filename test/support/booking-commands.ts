import { randomUUID } from 'node:crypto';
import { encodeJson, type LeadCommandRequest, leadCommandReplySchema, parseReply } from '@switchboard/bus';
import type { RunningSwitchboard } from '@switchboard/server';

/** A booking a test made: its row's id and link. */
export interface TestBooking {
  readonly id: string;
  readonly linkId: string;
  readonly leadId: string;
  readonly repId: string;
  readonly sequence: number;
}

type Running = Pick<RunningSwitchboard, 'db' | 'bus' | 'subjects'>;

async function command(running: Running, leadId: string, request: LeadCommandRequest): Promise<void> {
  const answer = await running.bus.request(running.subjects.leadCommand(leadId), encodeJson(request), { timeoutMs: 10_000 });
  const reply = parseReply(leadCommandReplySchema, answer, `the ${request.type} of lead ${leadId}`);
  if (!reply.ok) throw new Error(`the router refused the ${request.type} of lead ${leadId}: ${reply.code}: ${reply.message}`);
}

/**
 * Books a meeting the way the booking service does, without its slot search: the link (made
 * on the first booking), the booking row (a reschedule cancels the one it replaces and counts
 * the sequence on), then the `book` command, from which the router logs `lead.booked`.
 */
export async function bookMeeting(
  running: Running,
  input: { readonly leadId: string; readonly repId: string; readonly start: string; readonly end: string; readonly timeZone: string; readonly replaces?: TestBooking; readonly linkId?: string },
): Promise<TestBooking> {
  const { db } = running;
  const linkId = input.replaces?.linkId ?? input.linkId ?? randomUUID();
  if (!input.replaces && !input.linkId) {
    await db
      .insertInto('booking_links')
      .values({ id: linkId, lead_id: input.leadId, token_hash: randomUUID(), team_id: null, expires_at: new Date(Date.now() + 30 * 86_400_000), created_by: 'test' })
      .execute();
  }
  const id = randomUUID();
  const sequence = input.replaces ? input.replaces.sequence + 1 : 0;
  await db.transaction().execute(async (trx) => {
    if (input.replaces) await trx.updateTable('bookings').set({ status: 'cancelled', cancelled_at: new Date() }).where('id', '=', input.replaces.id).execute();
    await trx
      .insertInto('bookings')
      .values({ id, link_id: linkId, lead_id: input.leadId, rep_id: input.repId, start_at: new Date(input.start), end_at: new Date(input.end), time_zone: input.timeZone, sequence, replaces: input.replaces?.id ?? null })
      .execute();
  });
  await command(running, input.leadId, {
    type: 'book',
    booking: { bookingId: id, repId: input.repId, start: new Date(input.start).toISOString(), end: new Date(input.end).toISOString(), timeZone: input.timeZone, replaces: input.replaces?.id ?? null },
  });
  return { id, linkId, leadId: input.leadId, repId: input.repId, sequence };
}

/** Cancels a booking the way the booking service does: the row, then the `unbook` command (`lead.booking_cancelled`). */
export async function cancelMeeting(running: Running, booking: TestBooking): Promise<void> {
  const row = await running.db
    .updateTable('bookings')
    .set({ status: 'cancelled', cancelled_at: new Date() })
    .where('id', '=', booking.id)
    .returning(['start_at'])
    .executeTakeFirstOrThrow();
  await command(running, booking.leadId, { type: 'unbook', booking: { bookingId: booking.id, repId: booking.repId, start: row.start_at.toISOString() } });
}
