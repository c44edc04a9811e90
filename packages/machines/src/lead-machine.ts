import { assign, setup } from 'xstate';
import type { LeadId, RepId, RoutingDecision, TeamId } from '@switchboard/core';

export interface LeadInput {
  readonly leadId: LeadId;
}

export interface LeadContext {
  readonly leadId: LeadId;
  readonly teamId: TeamId | null;
  readonly ownerId: RepId | null;
  /** Reps that declined this lead while it was being routed (a race for their last slot). */
  readonly declinedBy: ReadonlyArray<RepId>;
  readonly decision: RoutingDecision | null;
  /** Why the lead is waiting, when it is. */
  readonly waitingReason: string | null;
}

/** Events a lead actor understands. */
export type LeadEvent =
  | { readonly type: 'ROUTE' }
  | { readonly type: 'DECLINED'; readonly repId: RepId }
  | { readonly type: 'ASSIGNED'; readonly repId: RepId; readonly teamId: TeamId; readonly decision: RoutingDecision }
  | { readonly type: 'NO_CANDIDATE'; readonly teamId: TeamId | null; readonly reason: string; readonly decision: RoutingDecision | null }
  | { readonly type: 'RETRY' };

/**
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
    decision: null,
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
            decision: event.decision,
            waitingReason: null,
            declinedBy: [],
          })),
        },
        NO_CANDIDATE: {
          target: 'waiting',
          actions: assign(({ event }) => ({
            teamId: event.teamId,
            decision: event.decision,
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
