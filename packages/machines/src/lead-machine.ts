import { assign, setup } from 'xstate';
import type { LeadId, RepId, TeamId } from '@switchboard/core';

export interface LeadInput {
  readonly leadId: LeadId;
}

export interface LeadContext {
  readonly leadId: LeadId;
  readonly teamId: TeamId | null;
  readonly ownerId: RepId | null;
  /** Reps that declined this lead while it was being routed (a race for their last slot). */
  readonly declinedBy: ReadonlyArray<RepId>;
  /** Why the lead is waiting, when it is. */
  readonly waitingReason: string | null;
}

/** Events a lead actor understands. */
export type LeadEvent =
  | { readonly type: 'ROUTE' }
  | { readonly type: 'DECLINED'; readonly repId: RepId }
  | { readonly type: 'ASSIGNED'; readonly repId: RepId; readonly teamId: TeamId }
  | { readonly type: 'NO_CANDIDATE'; readonly teamId: TeamId | null; readonly reason: string }
  | { readonly type: 'RETRY' };

/**
 * The routing decision is not kept here: it is stored with the assignment (or the
 * waiting event), so the persisted snapshot stays small.
 *
 * A lead's life: `new` → `routing` → `assigned`, or `waiting` when nobody can take it
 * (held with its reason and retried when a rep frees up). Later: SLA, touches, close.
 */
export const leadMachine = setup({
  types: {
    input: {} as LeadInput,
    context: {} as LeadContext,
    events: {} as LeadEvent,
  },
}).createMachine({
  id: 'lead',
  context: ({ input }) => ({
    leadId: input.leadId,
    teamId: null,
    ownerId: null,
    declinedBy: [],
    waitingReason: null,
  }),
  initial: 'new',
  states: {
    new: { on: { ROUTE: 'routing' } },
    routing: {
      on: {
        DECLINED: { actions: assign(({ context, event }) => ({ declinedBy: [...context.declinedBy, event.repId] })) },
        ASSIGNED: {
          target: 'assigned',
          actions: assign(({ event }) => ({
            ownerId: event.repId,
            teamId: event.teamId,
            waitingReason: null,
            declinedBy: [],
          })),
        },
        NO_CANDIDATE: {
          target: 'waiting',
          actions: assign(({ event }) => ({
            teamId: event.teamId,
            waitingReason: event.reason,
            declinedBy: [],
          })),
        },
      },
    },
    waiting: { on: { RETRY: 'routing' } },
    assigned: {},
  },
});
