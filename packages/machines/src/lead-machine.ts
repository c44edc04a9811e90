import type { LeadId, RepId, TeamId, TouchType } from '@switchboard/core';
import type { RoutingDecision } from '@switchboard/core';
import { assign, emit, setup } from 'xstate';

export interface LeadInput {
  readonly leadId: LeadId;
  /** Higher first in the waiting line. @default 0 */
  readonly priority?: number;
  /** When the lead was received (epoch ms): among equal priorities, the oldest waits least. */
  readonly receivedAt?: number;
}

export interface LeadContext {
  readonly leadId: LeadId;
  readonly priority: number;
  readonly receivedAt: number;
  readonly teamId: TeamId | null;
  readonly ownerId: RepId | null;
  /** Reps that declined this lead while it was being routed (a race for their last slot). */
  readonly declinedBy: ReadonlyArray<RepId>;
  /** Reps that let an SLA run out on this lead: never offered it again. */
  readonly breachedBy: ReadonlyArray<RepId>;
  /** Reps that rejected this lead: never offered it again. */
  readonly rejectedBy: ReadonlyArray<RepId>;
  readonly breaches: number;
  /** After this many breaches the lead is escalated instead of re-routed. */
  readonly maxBreaches: number;
  /**
   * When the current SLA runs out (epoch ms), or null. Kept here, not as an XState
   * `after` timer: those are not persisted (statelyai/xstate#5331). The durable timer
   * lives in PostgreSQL and is re-armed on restore.
   */
  readonly slaDeadlineAt: number | null;
  readonly touches: number;
  readonly lastTouchAt: number | null;
  /** Why the lead is waiting or was escalated. */
  readonly waitingReason: string | null;
  readonly waitingSince: number | null;
  readonly outcome: string | null;
  /**
   * Where the lead goes when it has breached `maxBreaches` times, fixed at assignment from the
   * team's SLA policy: `manager` (the breaching owner's manager, else the `escalations` queue)
   * or the name of an escalation queue.
   */
  readonly escalateTo: string;
  /** The current owner's manager, for `escalateTo: manager`. */
  readonly ownerManagerId: RepId | null;
  /**
   * The bookings the lead has heard of (`booked:<id>`, `cancelled:<id>`, the latest 20), so that a
   * booking announced twice (a retry after a lost answer) is logged and counted once. Absent in
   * snapshots from before bookings.
   */
  readonly bookingsSeen?: ReadonlyArray<string>;
}

/** Tags of the lead's states, so that callers ask the machine instead of listing state names. */
export const LeadTag = {
  /** The lead counts against its owner's active leads (`assigned`, `touched`). */
  holding: 'holding',
  /** The lead's life is over (`closed`, `converted`). */
  closed: 'closed',
} as const;
export type LeadTag = (typeof LeadTag)[keyof typeof LeadTag];

/** The queue an escalated lead waits in when its owner has no manager. */
export const DEFAULT_ESCALATION_QUEUE = 'escalations';

/** What the event log says of an assignment besides the machine's own context. */
export interface AssignmentRecord {
  readonly repEmail: string | null;
  readonly ruleName: string | null;
  readonly summary: string;
  readonly externalId: string | null;
}

/**
 * A lifecycle event the machine emits on a transition: the event log is written from these, so
 * a change to the machine changes its log. `data` is published; `logData`, when given, is what
 * the log keeps instead (more detail than subscribers need). `cause` overrides the step's cause.
 */
export interface LeadLifecycleEmit {
  readonly type: `lead.${string}`;
  readonly data: Record<string, unknown>;
  readonly logData?: Record<string, unknown>;
  readonly cause?: string;
}

/** ISO time, or null. */
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** Events a lead actor understands. Times are epoch ms, supplied by the router's clock. */
export type LeadEvent =
  | { readonly type: 'ROUTE' }
  | { readonly type: 'DECLINED'; readonly repId: RepId }
  | {
      readonly type: 'ASSIGNED';
      readonly repId: RepId;
      /** The team whose SLA applies; null for a rep chosen by name or as account owner outside any team. */
      readonly teamId: TeamId | null;
      /** The response SLA's deadline, or null when the team has no SLA. */
      readonly deadlineAt: number | null;
      readonly maxBreaches?: number;
      /** The team SLA's escalation target. @default 'manager' */
      readonly escalateTo?: string;
      /** The new owner's manager. @default null */
      readonly managerId?: RepId | null;
      /** What the log says of the decision. */
      readonly record?: AssignmentRecord;
    }
  | {
      readonly type: 'NO_CANDIDATE';
      readonly teamId: TeamId | null;
      readonly reason: string;
      readonly at: number;
      /** The queue the lead waits in, if it was sent to one. */
      readonly queue?: string | null;
      /** The whole decision (who was considered and why not), for the log. */
      readonly decision?: RoutingDecision;
    }
  /** The lead has waited longer than its team's "time unassigned" alert allows. */
  | { readonly type: 'UNASSIGNED_ALERT'; readonly at: number }
  | { readonly type: 'RETRY' }
  | { readonly type: 'TOUCH'; readonly touch: TouchType; readonly at: number; readonly followUpDeadlineAt: number | null }
  /** A durable timer fired; ignored unless `deadlineAt` is the lead's current deadline. */
  | { readonly type: 'SLA_EXPIRED'; readonly deadlineAt: number }
  | { readonly type: 'REJECT'; readonly repId: RepId; readonly reason: string }
  /** The owner can no longer hold the lead (deactivated): route it again. */
  | { readonly type: 'REROUTE'; readonly reason: string }
  | { readonly type: 'CLOSE'; readonly outcome: string; readonly converted: boolean }
  /**
   * The prospect booked a meeting through the lead's link (or moved it). With an owner it is a
   * `meeting` touch: the response SLA stops.
   */
  | { readonly type: 'BOOKED'; readonly at: number; readonly booking: BookingFacts; readonly followUpDeadlineAt: number | null }
  /** The prospect cancelled the booked meeting. */
  | { readonly type: 'BOOKING_CANCELLED'; readonly booking: Pick<BookingFacts, 'bookingId' | 'repId' | 'start'> };

/** A booking as the lead's log records it (times ISO). */
export interface BookingFacts {
  readonly bookingId: string;
  readonly repId: RepId;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly replaces: string | null;
}

/** Before the lead has an owner a booking is only logged: there is no SLA to stop yet. */
const bookingCancelled = { guard: 'newBooking', actions: ['rememberBooking', 'logBookingCancelled'] } as const;
const bookingWithoutOwner = {
  BOOKED: { guard: 'newBooking', actions: ['rememberBooking', 'logBooked'] },
  BOOKING_CANCELLED: bookingCancelled,
} as const;
/** With an owner a booking is a meeting touch too. */
const bookedAsTouch = { guard: 'newBooking', actions: ['rememberBooking', 'recordTouch', 'logBooked', 'logTouch'] } as const;

/** What identifies a booking event for `bookingsSeen`, or null for another event. */
function bookingKey(event: LeadEvent): string | null {
  if (event.type === 'BOOKED') return `booked:${event.booking.bookingId}`;
  if (event.type === 'BOOKING_CANCELLED') return `cancelled:${event.booking.bookingId}`;
  return null;
}

const closing = {
  CLOSE: [
    {
      guard: ({ event }: { event: LeadEvent }) => event.type === 'CLOSE' && event.converted,
      target: '#lead.converted',
      actions: ['recordOutcome', { type: 'logClose', params: { type: 'lead.converted' } }],
    },
    { target: '#lead.closed', actions: ['recordOutcome', { type: 'logClose', params: { type: 'lead.closed' } }] },
  ],
} as const;

/**
 * A lead's life. Capacity and SLA are states, not flags:
 *
 * `new` → `routing` → `assigned` → `touched` → `closed` | `converted`;
 * `assigned`/`touched` → `breached` when the SLA runs out → `routing` again (never to a
 * rep that breached or rejected it) or, after `maxBreaches`, `escalated`;
 * `routing` with nobody eligible → `waiting` (held, retried when a rep frees up).
 *
 * The machine is pure: the router supplies times and deadlines in events, so tests
 * and restores are deterministic.
 */
export const leadMachine = setup({
  types: {
    input: {} as LeadInput,
    context: {} as LeadContext,
    events: {} as LeadEvent,
    emitted: {} as LeadLifecycleEmit,
  },
  guards: {
    isCurrentDeadline: ({ context, event }) => event.type === 'SLA_EXPIRED' && context.slaDeadlineAt === event.deadlineAt,
    isOwner: ({ context, event }) => event.type === 'REJECT' && event.repId === context.ownerId,
    tooManyBreaches: ({ context }) => context.breaches >= context.maxBreaches,
    newBooking: ({ context, event }) => {
      const key = bookingKey(event);
      return key !== null && !(context.bookingsSeen ?? []).includes(key);
    },
  },
  actions: {
    recordOutcome: assign(({ event }) => (event.type === 'CLOSE' ? { outcome: event.outcome, slaDeadlineAt: null } : {})),
    recordBreach: assign(({ context }) => ({
      breaches: context.breaches + 1,
      breachedBy: context.ownerId && !context.breachedBy.includes(context.ownerId) ? [...context.breachedBy, context.ownerId] : context.breachedBy,
      ownerId: null,
      slaDeadlineAt: null,
    })),
    recordRejection: assign(({ context, event }) =>
      event.type === 'REJECT'
        ? { rejectedBy: [...context.rejectedBy, event.repId], ownerId: null, slaDeadlineAt: null }
        : {},
    ),
    // The breaching owner's manager takes the lead, or it waits in the escalation queue.
    escalate: assign(({ context }) => {
      if (context.escalateTo === 'manager' && context.ownerManagerId !== null) return { ownerId: context.ownerManagerId, waitingReason: null };
      const queue = context.escalateTo === 'manager' ? DEFAULT_ESCALATION_QUEUE : context.escalateTo;
      return { ownerId: null, waitingReason: `escalated to queue ${queue}` };
    }),
    recordTouch: assign(({ context, event }) =>
      event.type === 'TOUCH' || event.type === 'BOOKED'
        ? { touches: context.touches + 1, lastTouchAt: event.at, slaDeadlineAt: event.followUpDeadlineAt }
        : {},
    ),
    rememberBooking: assign(({ context, event }) => {
      const key = bookingKey(event);
      return key === null ? {} : { bookingsSeen: [...(context.bookingsSeen ?? []), key].slice(-20) };
    }),
    logBooked: emit(({ event }) => {
      if (event.type !== 'BOOKED') return { type: 'lead.booked', data: {} };
      const { bookingId, repId, start, end, timeZone, replaces } = event.booking;
      return { type: 'lead.booked', cause: 'booking', data: { bookingId, repId, start, end, timeZone, rescheduled: replaces !== null, replaces } };
    }),
    logBookingCancelled: emit(({ event }) => ({
      type: 'lead.booking_cancelled',
      cause: 'booking',
      data: event.type === 'BOOKING_CANCELLED' ? { ...event.booking } : {},
    })),
    // The lifecycle log. Each runs after the transition's own assignments, so `context` is the new one.
    logTouch: emit(({ context, event }) => ({
      type: 'lead.touched',
      data: {
        touch: event.type === 'TOUCH' ? event.touch : event.type === 'BOOKED' ? 'meeting' : null,
        repId: context.ownerId,
        followUpDeadlineAt: iso(context.slaDeadlineAt),
      },
    })),
    logClose: emit(({ context, event }, params: { type: 'lead.closed' | 'lead.converted' }) => ({
      type: params.type,
      data: { outcome: event.type === 'CLOSE' ? event.outcome : null, repId: context.ownerId },
    })),
    // Before the breach is recorded: the owner is still the one who let the SLA run out.
    logBreach: emit(({ context, event }) => ({
      type: 'lead.breached',
      data: { repId: context.ownerId, deadlineAt: iso(event.type === 'SLA_EXPIRED' ? event.deadlineAt : null), breaches: context.breaches + 1 },
    })),
    logRejection: emit(({ event }) => ({
      type: 'lead.rejected',
      data: event.type === 'REJECT' ? { repId: event.repId, reason: event.reason } : {},
    })),
    // Before the owner is cleared: the log names whose lead was taken away.
    logReroute: emit(({ context, event }) => ({
      type: 'lead.rerouted',
      data: { repId: context.ownerId, reason: event.type === 'REROUTE' ? event.reason : null },
    })),
    logEscalation: emit(({ context }) => ({
      type: 'lead.escalated',
      data: { repId: context.ownerId, lastOwnerId: context.breachedBy.at(-1) ?? null, reason: context.waitingReason, breaches: context.breaches },
    })),
    // Not published: it marks the start of a routing step in the log.
    logRouting: emit(({ context }) => ({ type: 'lead.routing', data: { teamId: context.teamId } })),
    logAssignment: emit(({ context, event }) => {
      const record = event.type === 'ASSIGNED' ? event.record : undefined;
      return {
        type: 'lead.assigned',
        cause: 'offer-accepted',
        data: {
          repId: context.ownerId,
          repEmail: record?.repEmail ?? null,
          teamId: context.teamId,
          ruleName: record?.ruleName ?? null,
          externalId: record?.externalId ?? null,
          summary: record?.summary ?? null,
          reassigned: context.breachedBy.length + context.rejectedBy.length > 0 || context.breaches > 0,
          slaDeadlineAt: iso(context.slaDeadlineAt),
        },
      };
    }),
    logWaiting: emit(({ context, event }) => {
      const data = { teamId: context.teamId, queue: event.type === 'NO_CANDIDATE' ? (event.queue ?? null) : null, reason: context.waitingReason };
      const decision = event.type === 'NO_CANDIDATE' ? event.decision : undefined;
      return { type: 'lead.waiting', cause: 'no-candidate', data, ...(decision && { logData: { ...data, decision } }) };
    }),
    logUnassignedAlert: emit(({ context, event }) => {
      const at = event.type === 'UNASSIGNED_ALERT' ? event.at : 0;
      return {
        type: 'lead.unassigned_alert',
        cause: 'timer:unassigned',
        data: { teamId: context.teamId, waitingSince: iso(context.waitingSince), waitedMs: at - (context.waitingSince ?? at), reason: context.waitingReason },
      };
    }),
  },
}).createMachine({
  id: 'lead',
  context: ({ input }) => ({
    leadId: input.leadId,
    priority: input.priority ?? 0,
    receivedAt: input.receivedAt ?? 0,
    teamId: null,
    ownerId: null,
    declinedBy: [],
    breachedBy: [],
    rejectedBy: [],
    breaches: 0,
    maxBreaches: 3,
    slaDeadlineAt: null,
    touches: 0,
    lastTouchAt: null,
    waitingReason: null,
    waitingSince: null,
    outcome: null,
    escalateTo: 'manager',
    ownerManagerId: null,
  }),
  initial: 'new',
  states: {
    new: { on: { ROUTE: { target: 'routing', actions: 'logRouting' }, ...bookingWithoutOwner, ...closing } },
    routing: {
      on: {
        DECLINED: { actions: assign(({ context, event }) => ({ declinedBy: [...context.declinedBy, event.repId] })) },
        ASSIGNED: {
          target: 'assigned',
          actions: [
            assign(({ context, event }) => ({
            ownerId: event.repId,
            teamId: event.teamId,
            slaDeadlineAt: event.deadlineAt,
            maxBreaches: event.maxBreaches ?? context.maxBreaches,
            escalateTo: event.escalateTo ?? 'manager',
            ownerManagerId: event.managerId ?? null,
            waitingReason: null,
            waitingSince: null,
            declinedBy: [],
            })),
            'logAssignment',
          ],
        },
        ...bookingWithoutOwner,
        NO_CANDIDATE: {
          target: 'waiting',
          actions: [
            assign(({ context, event }) => ({
              teamId: event.teamId,
              waitingReason: event.reason,
              waitingSince: context.waitingSince ?? event.at,
              declinedBy: [],
            })),
            'logWaiting',
          ],
        },
      },
    },
    waiting: {
      on: {
        RETRY: { target: 'routing', actions: 'logRouting' },
        UNASSIGNED_ALERT: { actions: 'logUnassignedAlert' },
        ...bookingWithoutOwner,
        ...closing,
      },
    },
    assigned: {
      tags: [LeadTag.holding],
      on: {
        TOUCH: { target: 'touched', actions: ['recordTouch', 'logTouch'] },
        BOOKED: { ...bookedAsTouch, target: 'touched' },
        BOOKING_CANCELLED: bookingCancelled,
        SLA_EXPIRED: { guard: 'isCurrentDeadline', target: 'breached', actions: 'logBreach' },
        REJECT: { guard: 'isOwner', target: 'routing', actions: ['recordRejection', 'logRejection'] },
        REROUTE: { target: 'routing', actions: ['logReroute', assign({ ownerId: null, slaDeadlineAt: null })] },
        ...closing,
      },
    },
    touched: {
      tags: [LeadTag.holding],
      on: {
        TOUCH: { target: 'touched', actions: ['recordTouch', 'logTouch'], reenter: true },
        BOOKED: { ...bookedAsTouch, target: 'touched', reenter: true },
        BOOKING_CANCELLED: bookingCancelled,
        SLA_EXPIRED: { guard: 'isCurrentDeadline', target: 'breached', actions: 'logBreach' },
        REROUTE: { target: 'routing', actions: ['logReroute', assign({ ownerId: null, slaDeadlineAt: null })] },
        ...closing,
      },
    },
    // Transient: the breach is recorded, then the lead goes back to routing or up the chain.
    breached: {
      entry: 'recordBreach',
      always: [
        { guard: 'tooManyBreaches', target: 'escalated', actions: ['escalate', 'logEscalation'] },
        { target: 'routing', actions: 'logRouting' },
      ],
    },
    escalated: {
      on: {
        TOUCH: { actions: ['recordTouch', 'logTouch'] },
        BOOKED: bookedAsTouch,
        BOOKING_CANCELLED: bookingCancelled,
        ...closing,
      },
    },
    closed: { type: 'final', tags: [LeadTag.closed] },
    converted: { type: 'final', tags: [LeadTag.closed] },
  },
});
