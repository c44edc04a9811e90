import {
  type AvailabilitySchedule,
  type BusyBlock,
  busyBlockAt,
  type CapWindow,
  capWindowStart,
  currentOutOfOffice,
  isOnShift,
  type LeadId,
  nextAvailabilityChange,
  nextCapWindowStart,
  type RepId,
} from '@switchboard/core';
import { assign, setup } from 'xstate';

/** Caps per period, counted in the rep's time zone (the week starts on Monday). */
export interface RepCaps {
  readonly hour?: number;
  readonly day?: number;
  readonly week?: number;
}

/** Leads accepted in the current period of each cap window. */
export type WindowCounts = { readonly [K in CapWindow]?: { readonly start: number; readonly count: number } };

/** What a rep actor starts from: its profile and, when restored, its counters. */
export interface RepInput {
  readonly repId: RepId;
  readonly name: string;
  readonly cap: number | null;
  readonly caps?: RepCaps;
  /** The manual availability toggle. */
  readonly available: boolean;
  readonly awayReason?: string | null;
  /** A deactivated rep takes no leads, ever. @default true */
  readonly active?: boolean;
  readonly schedule?: AvailabilitySchedule;
  /** Busy time from the rep's calendars and bookings: sorted, merged. */
  readonly busy?: ReadonlyArray<BusyBlock>;
  /** The time the actor starts at (epoch ms): its state depends on the schedule then. */
  readonly at: number;
  readonly activeLeads?: number;
  readonly lastAssignedAt?: number | null;
  readonly lastAssignmentSeq?: number | null;
  readonly windows?: WindowCounts;
  readonly rejections?: { readonly day: number; readonly count: number };
  /** Leads the rep may reject per (UTC) day. @default 10 */
  readonly maxRejectionsPerDay?: number;
}

/** The answer to the last offer, read by whoever made it. */
export type OfferAnswer =
  | { readonly leadId: LeadId; readonly accepted: true }
  | { readonly leadId: LeadId; readonly accepted: false; readonly reason: RepUnavailability };

export interface RepContext {
  readonly repId: RepId;
  readonly name: string;
  readonly cap: number | null;
  readonly caps: RepCaps;
  readonly available: boolean;
  readonly awayReason: string | null;
  readonly active: boolean;
  readonly schedule: AvailabilitySchedule;
  /** Busy time from the rep's calendars and bookings: sorted, merged. */
  readonly busy: ReadonlyArray<BusyBlock>;
  /** The latest time the actor has been told about (epoch ms); its state is as of then. */
  readonly asOf: number;
  readonly activeLeads: number;
  readonly lastAssignedAt: number | null;
  readonly lastAssignmentSeq: number | null;
  readonly windows: WindowCounts;
  readonly rejections: { readonly day: number; readonly count: number };
  readonly maxRejectionsPerDay: number;
  readonly lastOffer: OfferAnswer | null;
  /**
   * The accepted offer that made the rep's latest assignment, and the rep's last assignment before
   * it: withdrawn (its step did not commit), the rep gets its place in round robin back.
   */
  readonly lastAccepted: {
    readonly leadId: LeadId;
    readonly seq: number;
    readonly previousAssignedAt: number | null;
    readonly previousSeq: number | null;
  } | null;
}

/** Events a rep actor understands. Times are epoch ms from the router's clock. */
export type RepEvent =
  /**
   * A lead offers itself; accepted only in `available`, or in `busy` when `allowBusy` (the
   * team's `busy: allow`). `seq` orders assignments for round robin.
   */
  | { readonly type: 'OFFER'; readonly leadId: LeadId; readonly at: number; readonly seq: number; readonly allowBusy?: boolean }
  /** A lead the rep held is no longer active (closed, breached, re-assigned). */
  | { readonly type: 'RELEASE'; readonly leadId: LeadId; readonly at?: number }
  /**
   * The lead of an offer this rep accepted at `at` was not assigned after all (its step did not
   * commit): the slot, and the count in each cap window that offer counted in, are given back.
   */
  | { readonly type: 'OFFER_WITHDRAWN'; readonly leadId: LeadId; readonly at: number }
  /** A release that was sent ahead of its step did not happen (the step did not commit): the rep holds the lead again. */
  | { readonly type: 'RELEASE_WITHDRAWN'; readonly leadId: LeadId }
  /** Time passed: a shift, an out-of-office period or a cap window may have begun or ended. */
  | { readonly type: 'TICK'; readonly at: number }
  /** The rep rejected a lead it held (counted per day). */
  | { readonly type: 'REJECTED'; readonly leadId: LeadId; readonly at: number }
  /** The admin changed the rep. */
  | {
      readonly type: 'UPDATE';
      readonly at: number;
      readonly name?: string;
      readonly cap?: number | null;
      readonly caps?: RepCaps;
      readonly available?: boolean;
      readonly awayReason?: string | null;
      readonly active?: boolean;
      readonly schedule?: AvailabilitySchedule;
      readonly busy?: ReadonlyArray<BusyBlock>;
    }
  /**
   * The store's count of leads the rep holds (after a step that did not commit, or on start),
   * and optionally its cap windows recounted from its assignments.
   */
  | { readonly type: 'SYNC_LOAD'; readonly activeLeads: number; readonly windows?: WindowCounts };

const WINDOWS: ReadonlyArray<CapWindow> = ['hour', 'day', 'week'];

/** The count of a window as of `at` (0 once its period is over). */
function countIn(context: RepContext, kind: CapWindow, at: number): number {
  const window = context.windows[kind];
  if (!window) return 0;
  return window.start === capWindowStart(kind, context.schedule.timezone, at) ? window.count : 0;
}

/** Why a rep can't take a lead. */
export type RepUnavailability = 'inactive' | 'away' | 'offline' | 'busy' | 'capped';

/** What may be overlooked when asking whether a rep can take a lead. */
export interface UnavailabilityOptions {
  /** Offered leads from others `extra`: counted as held. */
  readonly extra?: number;
  /** The team lets busy reps take leads (`busy: allow`). */
  readonly allowBusy?: boolean;
}

/**
 * Why a rep can't take a lead at `asOf`, with a detail people understand (`OOO until 8 Dec`,
 * `10/10 active`, `25/25 this day`), or null if it can. `extra` counts leads offered and not
 * yet answered as held. One function for the machine's state and the decision's explanation,
 * so the two can't disagree; order matters: it is the state.
 */
export function repUnavailabilityDetail(
  context: RepContext,
  options: UnavailabilityOptions = {},
): { readonly reason: RepUnavailability; readonly detail: string } | null {
  const extra = options.extra ?? 0;
  if (!context.active) return { reason: 'inactive', detail: 'deactivated' };
  const ooo = currentOutOfOffice(context.schedule, context.asOf);
  if (ooo) return { reason: 'away', detail: `OOO until ${formatDay(ooo.to.getTime(), context.schedule.timezone)}${ooo.reason ? `: ${ooo.reason}` : ''}` };
  if (!context.available) return { reason: 'away', detail: context.awayReason ?? 'set away' };
  if (!isOnShift(context.schedule, context.asOf)) return { reason: 'offline', detail: 'outside working hours' };
  if (!options.allowBusy) {
    const meeting = busyBlockAt(context.busy, context.asOf);
    if (meeting) return { reason: 'busy', detail: `in a meeting until ${formatUntil(meeting.end, context.asOf, context.schedule.timezone)}` };
  }
  const active = context.activeLeads + extra;
  if (context.cap !== null && active >= context.cap) return { reason: 'capped', detail: `${active}/${context.cap} active` };
  for (const kind of WINDOWS) {
    const cap = context.caps[kind];
    const used = countIn(context, kind, context.asOf) + extra;
    if (cap !== undefined && used >= cap) return { reason: 'capped', detail: `${used}/${cap} this ${kind}` };
  }
  return null;
}

/** Why a rep can't take a lead at `asOf`, or null if it can. */
export function repUnavailability(context: RepContext, options: UnavailabilityOptions = {}): RepUnavailability | null {
  return repUnavailabilityDetail(context, options)?.reason ?? null;
}

/** `14:30` the same local day, else `8 Dec, 14:30`: how long a meeting keeps the rep. */
function formatUntil(at: number, now: number, timezone: string): string {
  const day = (t: number) => new Date(t).toLocaleDateString('en-GB', { timeZone: timezone });
  const time = new Date(at).toLocaleTimeString('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit' });
  return day(at) === day(now) ? time : `${new Date(at).toLocaleDateString('en-GB', { timeZone: timezone, day: 'numeric', month: 'short' })}, ${time}`;
}

function formatDay(at: number, timezone: string): string {
  return new Date(at).toLocaleString('en-GB', { timeZone: timezone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/**
 * The next instant the rep's state may change by itself (a shift or out-of-office
 * boundary, or a cap window rolling over while capped by it), or null. The router keeps
 * a durable timer for it and sends `TICK` then.
 */
export function nextRepChange(context: RepContext): number | null {
  if (!context.active) return null;
  let next = nextAvailabilityChange(context.schedule, context.asOf);
  // A meeting's start or end.
  for (const block of context.busy) {
    const edge = block.start > context.asOf ? block.start : block.end > context.asOf ? block.end : null;
    if (edge !== null) {
      if (next === null || edge < next) next = edge;
      break;
    }
  }
  for (const kind of WINDOWS) {
    const cap = context.caps[kind];
    if (cap !== undefined && countIn(context, kind, context.asOf) >= cap) {
      const rollover = nextCapWindowStart(kind, context.schedule.timezone, context.asOf);
      if (next === null || rollover < next) next = rollover;
    }
  }
  return next;
}

const utcDay = (at: number) => Math.floor(at / 86_400_000);

/**
 * A sales rep. Capacity and availability are states, not flags:
 * - `offline`: outside its working hours (or on a holiday);
 * - `away`: toggled away, or out of office;
 * - `busy`: in a meeting, as its calendars or bookings say (takes leads only where the team allows);
 * - `capped`: at its active-lead cap or an hour/day/week cap;
 * - `available`: the only state that accepts an offer;
 * - `inactive`: deactivated by an admin.
 *
 * Accepting the offer that reaches a cap moves it to `capped` inside its own mailbox,
 * so two offers racing for the last slot can't both win. Shift and out-of-office
 * boundaries arrive as `TICK`s from a durable timer at `nextRepChange(context)`.
 *
 * @example
 * const rep = createActor(repMachine, { input: { repId, name: 'Sarah', cap: 10, available: true, at: Date.now() } }).start();
 * rep.send({ type: 'OFFER', leadId, at: Date.now(), seq: 1 });
 * rep.getSnapshot().context.lastOffer; // { leadId, accepted: true }
 */
export const repMachine = setup({
  types: {
    input: {} as RepInput,
    context: {} as RepContext,
    events: {} as RepEvent,
  },
  guards: {
    inactive: ({ context }) => repUnavailability(context) === 'inactive',
    away: ({ context }) => repUnavailability(context) === 'away',
    offline: ({ context }) => repUnavailability(context) === 'offline',
    busy: ({ context }) => repUnavailability(context) === 'busy',
    capped: ({ context }) => repUnavailability(context) === 'capped',
    underRejectionLimit: ({ context, event }) =>
      event.type === 'REJECTED' && (context.rejections.day !== utcDay(event.at) || context.rejections.count < context.maxRejectionsPerDay),
    canAccept: ({ context, event }) =>
      event.type === 'OFFER' && repUnavailability({ ...context, asOf: Math.max(context.asOf, event.at) }, { allowBusy: event.allowBusy ?? false }) === null,
  },
  actions: {
    advanceClock: assign(({ context, event }) => {
      const at = 'at' in event && typeof event.at === 'number' ? event.at : context.asOf;
      return at > context.asOf ? { asOf: at } : {};
    }),
    accept: assign(({ context, event }) => {
      if (event.type !== 'OFFER') return {};
      const windows: { [K in CapWindow]?: { start: number; count: number } } = {};
      for (const kind of WINDOWS) {
        windows[kind] = { start: capWindowStart(kind, context.schedule.timezone, event.at), count: countIn(context, kind, event.at) + 1 };
      }
      return {
        activeLeads: context.activeLeads + 1,
        // Offers made in turn may arrive out of turn: the latest assignment is the highest.
        lastAssignedAt: Math.max(context.lastAssignedAt ?? event.at, event.at),
        lastAssignmentSeq: Math.max(context.lastAssignmentSeq ?? event.seq, event.seq),
        windows,
        lastOffer: { leadId: event.leadId, accepted: true } as const,
        // Only an offer that became the latest assignment has a place in round robin to give back.
        ...(event.seq >= (context.lastAssignmentSeq ?? Number.NEGATIVE_INFINITY) && {
          lastAccepted: { leadId: event.leadId, seq: event.seq, previousAssignedAt: context.lastAssignedAt, previousSeq: context.lastAssignmentSeq },
        }),
      };
    }),
    decline: assign(({ context, event }) => {
      if (event.type !== 'OFFER') return {};
      const reason = repUnavailability({ ...context, asOf: Math.max(context.asOf, event.at) }, { allowBusy: event.allowBusy ?? false }) ?? 'capped';
      return { lastOffer: { leadId: event.leadId, accepted: false, reason } as const };
    }),
    release: assign(({ context }) => ({ activeLeads: Math.max(0, context.activeLeads - 1) })),
    withdrawOffer: assign(({ context, event }) => {
      if (event.type !== 'OFFER_WITHDRAWN') return {};
      const windows: { [K in CapWindow]?: { start: number; count: number } } = { ...context.windows };
      for (const kind of WINDOWS) {
        const window = context.windows[kind];
        // Only a window the offer counted in: a window that has rolled over since owes it nothing.
        if (window && window.start === capWindowStart(kind, context.schedule.timezone, event.at)) windows[kind] = { ...window, count: Math.max(0, window.count - 1) };
      }
      const latest = context.lastAccepted?.leadId === event.leadId && context.lastAssignmentSeq === context.lastAccepted.seq ? context.lastAccepted : null;
      return {
        activeLeads: Math.max(0, context.activeLeads - 1),
        windows,
        ...(latest && { lastAssignedAt: latest.previousAssignedAt, lastAssignmentSeq: latest.previousSeq, lastAccepted: null }),
      };
    }),
    withdrawRelease: assign(({ context }) => ({ activeLeads: context.activeLeads + 1 })),
    countRejection: assign(({ context, event }) => {
      if (event.type !== 'REJECTED') return {};
      const day = utcDay(event.at);
      return { rejections: { day, count: context.rejections.day === day ? context.rejections.count + 1 : 1 } };
    }),
    update: assign(({ context, event }) => {
      if (event.type !== 'UPDATE') return {};
      return {
        name: event.name ?? context.name,
        cap: event.cap === undefined ? context.cap : event.cap,
        caps: event.caps ?? context.caps,
        available: event.available ?? context.available,
        awayReason: event.awayReason === undefined ? context.awayReason : event.awayReason,
        active: event.active ?? context.active,
        schedule: event.schedule ?? context.schedule,
        busy: event.busy ?? context.busy,
      };
    }),
  },
}).createMachine({
  id: 'rep',
  context: ({ input }) => ({
    repId: input.repId,
    name: input.name,
    cap: input.cap,
    caps: input.caps ?? {},
    available: input.available,
    awayReason: input.awayReason ?? null,
    active: input.active ?? true,
    schedule: input.schedule ?? { timezone: 'UTC' },
    busy: input.busy ?? [],
    asOf: input.at,
    activeLeads: input.activeLeads ?? 0,
    lastAssignedAt: input.lastAssignedAt ?? null,
    lastAssignmentSeq: input.lastAssignmentSeq ?? null,
    windows: input.windows ?? {},
    rejections: input.rejections ?? { day: 0, count: 0 },
    maxRejectionsPerDay: input.maxRejectionsPerDay ?? 10,
    lastOffer: null,
    lastAccepted: null,
  }),
  initial: 'deciding',
  // Whatever the state, these change the context and then re-decide the state.
  on: {
    OFFER: { actions: 'decline' },
    RELEASE: { actions: ['advanceClock', 'release'], target: '.deciding' },
    OFFER_WITHDRAWN: { actions: 'withdrawOffer', target: '.deciding' },
    RELEASE_WITHDRAWN: { actions: 'withdrawRelease', target: '.deciding' },
    TICK: { actions: 'advanceClock', target: '.deciding' },
    // Past the daily limit the rejection is refused: the router asks `can()` first.
    REJECTED: { guard: 'underRejectionLimit', actions: ['advanceClock', 'countRejection'] },
    UPDATE: { actions: ['advanceClock', 'update'], target: '.deciding' },
    SYNC_LOAD: {
      actions: assign(({ event }) => (event.type === 'SYNC_LOAD' ? { activeLeads: event.activeLeads, ...(event.windows && { windows: event.windows }) } : {})),
      target: '.deciding',
    },
  },
  states: {
    // Transient: picks the state that matches the context as of `asOf`.
    deciding: {
      always: [
        { guard: 'inactive', target: 'inactive' },
        { guard: 'away', target: 'away' },
        { guard: 'offline', target: 'offline' },
        { guard: 'busy', target: 'busy' },
        { guard: 'capped', target: 'capped' },
        { target: 'available' },
      ],
    },
    available: {
      on: {
        OFFER: [
          { guard: 'canAccept', actions: ['advanceClock', 'accept'], target: 'deciding' },
          { actions: ['advanceClock', 'decline'], target: 'deciding' },
        ],
      },
    },
    // In a meeting: takes an offer only when the team allows busy reps (`allowBusy`).
    busy: {
      on: {
        OFFER: [
          { guard: 'canAccept', actions: ['advanceClock', 'accept'], target: 'deciding' },
          { actions: ['advanceClock', 'decline'], target: 'deciding' },
        ],
      },
    },
    away: {},
    offline: {},
    capped: {},
    inactive: {},
  },
});
