import { assign, setup } from 'xstate';
import type { LeadId, RepId } from '@switchboard/core';

/** What a rep actor starts from: its profile and, when restored, its counters. */
export interface RepInput {
  readonly repId: RepId;
  readonly name: string;
  readonly cap: number | null;
  readonly available: boolean;
  readonly activeLeads?: number;
  readonly lastAssignedAt?: number | null;
  readonly lastAssignmentSeq?: number | null;
}

/** The answer to the last offer, read by whoever made it. */
export type OfferAnswer =
  | { readonly leadId: LeadId; readonly accepted: true }
  | { readonly leadId: LeadId; readonly accepted: false; readonly reason: 'away' | 'capped' };

export interface RepContext {
  readonly repId: RepId;
  readonly name: string;
  readonly cap: number | null;
  /** The manual availability toggle. */
  readonly available: boolean;
  readonly activeLeads: number;
  readonly lastAssignedAt: number | null;
  readonly lastAssignmentSeq: number | null;
  readonly lastOffer: OfferAnswer | null;
}

/** Events a rep actor understands. */
export type RepEvent =
  /** A lead offers itself; accepted only in `available`. `seq` orders assignments for round robin. */
  | { readonly type: 'OFFER'; readonly leadId: LeadId; readonly at: number; readonly seq: number }
  /** A lead the rep held is no longer active (closed, re-assigned, or its assignment was not committed). */
  | { readonly type: 'RELEASE'; readonly leadId: LeadId }
  /** The manual toggle. */
  | { readonly type: 'SET_AVAILABLE'; readonly available: boolean }
  | { readonly type: 'SET_CAP'; readonly cap: number | null }
  | { readonly type: 'RENAME'; readonly name: string };

const atCap = (context: RepContext, active = context.activeLeads) => context.cap !== null && active >= context.cap;

/**
 * A sales rep. Capacity and availability are states, not flags: only an `available`
 * rep accepts an offer, and accepting the offer that reaches the cap moves it to
 * `capped` inside its own mailbox, so two offers racing for the last slot can't both win.
 *
 * @example
 * const rep = createActor(repMachine, { input: { repId, name: 'Sarah', cap: 10, available: true } }).start();
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
    manuallyAway: ({ context }) => !context.available,
    atCap: ({ context }) => atCap(context),
    offerReachesCap: ({ context }) => atCap(context, context.activeLeads + 1),
  },
  actions: {
    accept: assign(({ context, event }) => {
      if (event.type !== 'OFFER') return {};
      return {
        activeLeads: context.activeLeads + 1,
        lastAssignedAt: event.at,
        lastAssignmentSeq: event.seq,
        lastOffer: { leadId: event.leadId, accepted: true } as const,
      };
    }),
    declineAway: assign(({ event }) =>
      event.type === 'OFFER' ? { lastOffer: { leadId: event.leadId, accepted: false, reason: 'away' } as const } : {},
    ),
    declineCapped: assign(({ event }) =>
      event.type === 'OFFER' ? { lastOffer: { leadId: event.leadId, accepted: false, reason: 'capped' } as const } : {},
    ),
    release: assign(({ context }) => ({ activeLeads: Math.max(0, context.activeLeads - 1) })),
    setAvailable: assign(({ event }) => (event.type === 'SET_AVAILABLE' ? { available: event.available } : {})),
    setCap: assign(({ event }) => (event.type === 'SET_CAP' ? { cap: event.cap } : {})),
    rename: assign(({ event }) => (event.type === 'RENAME' ? { name: event.name } : {})),
  },
}).createMachine({
  id: 'rep',
  context: ({ input }) => ({
    repId: input.repId,
    name: input.name,
    cap: input.cap,
    available: input.available,
    activeLeads: input.activeLeads ?? 0,
    lastAssignedAt: input.lastAssignedAt ?? null,
    lastAssignmentSeq: input.lastAssignmentSeq ?? null,
    lastOffer: null,
  }),
  initial: 'deciding',
  on: {
    RENAME: { actions: 'rename' },
  },
  states: {
    // Transient: picks the state that matches the context (on start, and after a change).
    deciding: {
      always: [{ guard: 'manuallyAway', target: 'away' }, { guard: 'atCap', target: 'capped' }, { target: 'available' }],
    },
    available: {
      on: {
        OFFER: [
          { guard: 'offerReachesCap', actions: 'accept', target: 'capped' },
          { actions: 'accept' },
        ],
        RELEASE: { actions: 'release' },
        SET_AVAILABLE: { actions: 'setAvailable', target: 'deciding' },
        SET_CAP: { actions: 'setCap', target: 'deciding' },
      },
    },
    away: {
      on: {
        OFFER: { actions: 'declineAway' },
        RELEASE: { actions: 'release' },
        SET_AVAILABLE: { actions: 'setAvailable', target: 'deciding' },
        SET_CAP: { actions: 'setCap' },
      },
    },
    capped: {
      on: {
        OFFER: { actions: 'declineCapped' },
        RELEASE: { actions: 'release', target: 'deciding' },
        SET_AVAILABLE: { actions: 'setAvailable', target: 'deciding' },
        SET_CAP: { actions: 'setCap', target: 'deciding' },
      },
    },
  },
});
