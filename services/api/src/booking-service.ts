import {
  type BookingPolicy,
  ConflictError,
  freeSlots,
  isSlotFree,
  type Lead,
  NotFoundError,
  type Rep,
  type RepId,
  type Team,
  type TeamMemberCalendar,
  teamSlotOwner,
  teamSlots,
  ValidationError,
} from '@switchboard/core';
import { bookingCommand } from '@switchboard/bus';
import type { Booking, BookingLink, BookingRepository, BookingView, LeadRepository, RepRepository, TeamRepository } from '@switchboard/store';
import type { RouterClient } from './router-client.ts';
import { SwitchboardError } from '@switchboard/core';

/** A link that no longer works (expired, or its lead is closed): 410. */
export class BookingGoneError extends SwitchboardError {
  override name = 'BookingGoneError';
}

/** The slot was taken meanwhile: 409, with the slots still free. */
export class SlotTakenError extends ConflictError {
  override name = 'SlotTakenError';
  readonly slots: ReadonlyArray<OfferedSlot>;
  constructor(message: string, slots: ReadonlyArray<OfferedSlot>) {
    super(message);
    this.slots = slots;
  }
}

/** A slot as the booking page offers it. */
export interface OfferedSlot {
  readonly start: number;
  readonly end: number;
  readonly repId: string;
}

/** What a link offers now. */
export interface BookingOffer {
  readonly link: BookingLink;
  readonly lead: Lead;
  readonly team: Team;
  readonly policy: BookingPolicy;
  /** Whom the slots are with: the owner, or the team's members. */
  readonly hosts: ReadonlyArray<Rep>;
  readonly slots: ReadonlyArray<OfferedSlot>;
  /** The link's booking, if one holds. */
  readonly booking: Booking | null;
  /** Why there is nothing to book yet, for the page (the lead is still being routed). */
  readonly notice: string | null;
}

/** How long a link works when the caller says nothing. */
export const DEFAULT_LINK_LIFETIME_MS = 14 * 86_400_000;

const CLOSED_STATES = new Set(['closed', 'converted']);

/**
 * Instant booking: links for leads, the slots they offer, and taking a slot. The slot
 * arithmetic is core's (`freeSlots`, `teamSlots`); taking one is the store's, under locks; the
 * lead hears of it through the router (a `book` command: a meeting touch and `lead.booked`).
 */
export interface BookingServiceDeps {
  readonly bookings: BookingRepository;
  readonly leads: LeadRepository;
  readonly reps: RepRepository;
  readonly teams: TeamRepository;
  readonly router: RouterClient;
  readonly clock: () => number;
}

export class BookingService {
  readonly #d: BookingServiceDeps;

  constructor(deps: BookingServiceDeps) {
    this.#d = deps;
  }

  /** The team whose booking policy a lead's link offers: the team it was routed to, else the default team. */
  async #teamOf(link: BookingLink | null, lead: Pick<Lead, 'teamId' | 'requestedTeam'>): Promise<Team | undefined> {
    const ref = link?.teamId ?? lead.teamId ?? lead.requestedTeam;
    return (ref ? await this.#d.teams.find(ref) : undefined) ?? (await this.#d.teams.findDefault());
  }

  /** Makes a booking link for a lead; refused (409) when the lead is closed or its team offers no booking. */
  async createLink(leadId: string, options: { lifetimeMs?: number; createdBy: string }): Promise<{ token: string; link: BookingLink }> {
    const lead = await this.#d.leads.get(leadId);
    if (!lead) throw new NotFoundError('lead', leadId);
    if (CLOSED_STATES.has(lead.state)) throw new ConflictError(`lead "${leadId}" is ${lead.state}: there is nothing left to book`);
    const team = await this.#teamOf(null, lead);
    if (!team) throw new ConflictError('no team exists yet: create one with a booking policy (POST /v1/teams with booking: { duration: "30m" })');
    // A lead not routed yet may go to any team by the rules: its link is good if some team books,
    // and the team is the one it was routed to when the link is used.
    const routedOrNamed = lead.teamId !== null || lead.requestedTeam !== null;
    const someTeamBooks = !routedOrNamed && (await this.#d.teams.list()).some((t) => t.booking !== null);
    if (!team.booking && !someTeamBooks) {
      throw new ConflictError(`team "${team.name}" offers no booking: set one with PATCH /v1/teams/${team.name} { "booking": { "duration": "30m" } } or in the routing configuration`);
    }
    return this.#d.bookings.createLink({
      leadId,
      teamId: lead.teamId,
      expiresAt: new Date(this.#d.clock() + (options.lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS)),
      createdBy: options.createdBy,
    });
  }

  async #link(token: string, options: { readonly closedLeadToo?: boolean } = {}): Promise<{ link: BookingLink; lead: Lead }> {
    const link = await this.#d.bookings.findLink(token);
    if (!link) throw new NotFoundError('booking link', `${token.slice(0, 6)}…`, 'check the address; a link is made with POST /v1/leads/:id/booking-link');
    if (link.expiresAt.getTime() <= this.#d.clock()) throw new BookingGoneError(`this booking link expired on ${link.expiresAt.toISOString()}; ask for a new one`);
    const lead = await this.#d.leads.get(link.leadId);
    if (!lead) throw new BookingGoneError('the lead of this booking link no longer exists');
    if (CLOSED_STATES.has(lead.state) && !options.closedLeadToo) throw new BookingGoneError(`this lead is ${lead.state}: there is nothing left to book`);
    return { link, lead };
  }

  /** A link with what it offers, but not yet its slots: the lead, the team's policy, the hosts, the link's booking. */
  async #terms(token: string): Promise<Omit<BookingOffer, 'slots'>> {
    const { link, lead } = await this.#link(token);
    const team = await this.#teamOf(link, lead);
    if (!team?.booking) throw new BookingGoneError('the team of this lead no longer offers booking');
    const policy = team.booking;
    const booking = (await this.#d.bookings.current(link.id)) ?? null;
    const hosts = await this.#hosts(policy, team, lead);
    const notice =
      hosts.length > 0 ? null : policy.mode === 'owner' ? 'The lead is still being routed to a rep; slots appear in a moment.' : 'Nobody on the team can take meetings now.';
    return { link, lead, team, policy, hosts, booking, notice };
  }

  /** What a link offers now: its hosts and their free slots, from `minNotice` to the end of the window. */
  async offer(token: string): Promise<BookingOffer> {
    const terms = await this.#terms(token);
    const { link, policy, hosts } = terms;
    if (hosts.length === 0) return { ...terms, slots: [] };
    const now = this.#d.clock();
    const view = await this.#d.bookings.view(link.id, hosts.map((r) => r.id), ...bookingWindow(policy, now));
    const slots =
      policy.mode === 'owner'
        ? freeSlots({ schedule: hosts[0]!, busy: view.busy.get(hosts[0]!.id) ?? [], policy, now }).map((s) => ({ ...s, repId: hosts[0]!.id }))
        : teamSlots({ members: memberCalendars(hosts, view), policy, now });
    return { ...terms, slots };
  }

  /** Whom a link's meetings may be with: the lead's owner, or the team's active members. */
  async #hosts(policy: BookingPolicy, team: Team, lead: Lead): Promise<Rep[]> {
    const ids: ReadonlyArray<RepId> = policy.mode === 'owner' ? (lead.ownerId ? [lead.ownerId] : []) : team.members;
    const reps = await Promise.all(ids.map((id) => this.#d.reps.get(id)));
    return reps.filter((rep): rep is Rep => rep !== undefined && rep.active);
  }

  /**
   * Books the slot starting at `start` (or moves the link's booking there), atomically; the
   * lead is touched (a meeting) and `lead.booked` logged. A slot taken meanwhile: `SlotTakenError`.
   */
  async book(token: string, start: number, timeZone: string): Promise<Booking> {
    // The slot is checked under the reps' locks below: the free slots need not be worked out first.
    const terms = await this.#terms(token);
    const { policy, hosts, link } = terms;
    if (hosts.length === 0) throw new ConflictError(terms.notice ?? 'there is nobody to book yet');
    const now = this.#d.clock();
    if (terms.booking && terms.booking.start.getTime() <= now) {
      throw new ConflictError(`the meeting booked through this link started at ${terms.booking.start.toISOString()}: it can't be moved any more; ask for a new link`);
    }
    const [from, until] = bookingWindow(policy, now);
    const result = await this.#d.bookings.book({
      link,
      candidates: hosts.map((r) => r.id),
      window: { from, until },
      timeZone,
      now,
      choose: (view) => {
        if (policy.mode === 'owner') {
          const rep = hosts[0]!;
          return isSlotFree({ schedule: rep, busy: view.busy.get(rep.id) ?? [], policy, now, start }) ? { repId: rep.id, start, end: start + policy.duration } : null;
        }
        const repId = teamSlotOwner({ members: memberCalendars(hosts, view), policy, now, start });
        return repId === null ? null : { repId, start, end: start + policy.duration };
      },
    });
    if (result.kind === 'taken') {
      const fresh = await this.offer(token);
      throw new SlotTakenError(`the slot at ${new Date(start).toISOString()} is not free (taken meanwhile, or never offered); pick another of the slots given`, fresh.slots);
    }
    if (result.kind === 'unchanged') return result.booking;
    const { booking, replaced } = result;
    await this.#announce(booking, 'booked');
    await this.#d.router.syncRep(booking.repId);
    if (replaced && replaced.repId !== booking.repId) await this.#d.router.syncRep(replaced.repId);
    return booking;
  }

  /** Cancels the link's booking; `NotFoundError` when there is none. */
  async cancel(token: string): Promise<Booking> {
    // A prospect can still cancel a meeting booked before the lead was closed.
    const { link } = await this.#link(token, { closedLeadToo: true });
    const now = this.#d.clock();
    const current = await this.#d.bookings.current(link.id);
    if (current && current.start.getTime() <= now) {
      throw new ConflictError(`the meeting booked through this link started at ${current.start.toISOString()}: it can't be cancelled any more`);
    }
    const cancelled = await this.#d.bookings.cancel(link.id, now);
    if (!cancelled) throw new NotFoundError('booking for this link', `${token.slice(0, 6)}…`, 'nothing is booked; book with POST /v1/booking/:token');
    await this.#announce(cancelled, 'cancelled');
    await this.#d.router.syncRep(cancelled.repId);
    return cancelled;
  }

  /**
   * Tells the lead's actor. The booking is committed already; if no router answers, it is
   * marked unannounced and the calendar poller announces it once a router is back.
   */
  async #announce(booking: Booking, tell: 'booked' | 'cancelled'): Promise<void> {
    const answer = await this.#d.router.leadCommand(booking.leadId, bookingCommand(booking, tell)).catch(() => undefined);
    if (answer?.ok || (answer && answer.code === 'conflict')) await this.#d.bookings.markAnnounced(booking.id, tell);
  }
}

/**
 * The stretch whose busy time a booking reads: from a buffer before now (a meeting that just
 * ended still keeps its buffer free) to a buffer past the window's end.
 */
function bookingWindow(policy: BookingPolicy, now: number): [from: number, until: number] {
  return [now - policy.buffer, now + policy.window + policy.buffer];
}

/** The hosts as team booking reads them: each with its busy time and when it was last booked. */
function memberCalendars(hosts: ReadonlyArray<Rep>, view: BookingView): TeamMemberCalendar<RepId>[] {
  return hosts.map((rep) => ({ repId: rep.id, schedule: rep, busy: view.busy.get(rep.id) ?? [], lastBookedAt: view.lastBookedAt.get(rep.id) ?? null }));
}

/** Reads an ISO 8601 start; a clear error otherwise. */
export function parseStart(text: string): number {
  const ms = Date.parse(text);
  // An offset is required: a time without one would be read in the server's zone.
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new ValidationError([
      { path: 'start', message: `must be an ISO 8601 time with its offset, such as 2026-12-07T09:00:00+01:00, one of the slots offered; got "${text}"` },
    ]);
  }
  return ms;
}
