import { z } from 'zod';
import { type BookingPolicy, bookingPolicySchema } from './booking/booking-policy.ts';
import { durationSchema } from './duration.ts';
import type { RepId, TeamId } from './ids.ts';

/** A team's SLA policy. Durations are milliseconds once parsed. */
export const slaPolicySchema = z
  .strictObject({
    response: durationSchema.describe('Time from assignment to the first touch (ISO 8601 such as PT15M, or 15m).'),
    followUp: durationSchema.optional().describe('Time allowed between touches.'),
    businessHours: z.boolean().default(false).describe('Count only the owner’s working hours (not nights, weekends, holidays).'),
    maxBreaches: z.int().min(1).max(100).default(3).describe('After this many breaches the lead is escalated instead of re-routed.'),
    unassignedAlert: durationSchema
      .optional()
      .describe('Publish `lead.unassigned_alert` when a lead has waited this long for a rep.'),
    escalateTo: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .default('manager')
      .describe('"manager" (the last owner’s manager) or the name of an escalation queue.'),
  })
  .describe('SLA policy: untouched leads are taken back and routed again.');
export type SlaPolicy = z.output<typeof slaPolicySchema>;

/** How a team picks among its eligible reps. */
export const Strategy = {
  /** Longest since last assignment. */
  roundRobin: 'round_robin',
  /** Smooth weighted round robin: a rep of weight 2 gets twice the leads, evenly spread. */
  weightedRoundRobin: 'weighted_round_robin',
  /** Fewest leads assigned over the window (day, week or month). */
  loadBalanced: 'load_balanced',
  /** Most free capacity (cap minus active leads). */
  mostAvailable: 'most_available',
} as const;
export type Strategy = (typeof Strategy)[keyof typeof Strategy];

/** Whether reps in a meeting (their calendars or bookings say so) take this team's leads. */
export const BusyPolicy = {
  /** A rep in a meeting is skipped, and the explanation says until when. */
  skip: 'skip',
  /** Reps in a meeting still take leads. */
  allow: 'allow',
} as const;
export type BusyPolicy = (typeof BusyPolicy)[keyof typeof BusyPolicy];
export const busyPolicySchema = z
  .enum([BusyPolicy.skip, BusyPolicy.allow])
  .describe('`skip` (the default): reps in a meeting, as their calendars say, get no leads; `allow`: they still do.');

/** Body of `POST /v1/teams`. */
export const createTeamSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  members: z
    .array(z.uuid({ error: 'must be a rep id (a UUID as returned by POST /v1/reps) or email' }))
    .max(10_000)
    .describe('The members, in rotation order: each rep by id or email.')
    .refine((ids) => new Set(ids).size === ids.length, { error: 'lists a rep more than once' })
    .default([]),
  strategy: z.enum(Object.values(Strategy) as [Strategy, ...Strategy[]]).default(Strategy.roundRobin),
  sla: slaPolicySchema.optional(),
  busy: busyPolicySchema.optional().describe('`skip` (the default): reps in a meeting get no leads; `allow`: they still do.'),
  booking: bookingPolicySchema.nullable().optional().describe('Instant booking: the slots a prospect may book through a lead’s link; null or left out: no booking.'),
});
export type CreateTeam = z.output<typeof createTeamSchema>;

/** Body of `PATCH /v1/teams/:id`: any field of a team; `members` replaces the whole list. */
export const updateTeamSchema = z
  .strictObject({
    name: createTeamSchema.shape.name.optional(),
    members: createTeamSchema.shape.members.removeDefault().optional(),
    strategy: createTeamSchema.shape.strategy.removeDefault().optional(),
    sla: slaPolicySchema.nullable().optional().describe('null removes the SLA.'),
    busy: busyPolicySchema.optional(),
    booking: bookingPolicySchema.nullable().optional().describe('null turns booking off.'),
  })
  .refine((value) => Object.keys(value).length > 0, { error: 'give at least one field to change' });
export type UpdateTeam = z.output<typeof updateTeamSchema>;

/** A team (a pool of reps). */
export interface Team {
  readonly id: TeamId;
  readonly name: string;
  readonly strategy: Strategy;
  /** Rep ids in member order (the round-robin tie-break order). */
  readonly members: ReadonlyArray<RepId>;
  readonly sla: SlaPolicy | null;
  /** Name of the team tried next when nobody here can take the lead (set by the routing configuration). */
  readonly fallback: string | null;
  /** Queue the lead waits in when this team and its fallbacks can't take it. */
  readonly overflow: string | null;
  /** The window `load_balanced` counts assignments in. */
  readonly window: 'day' | 'week' | 'month';
  /** Whether reps in a meeting take this team's leads. */
  readonly busy: BusyPolicy;
  /** The team's instant-booking policy; null: its leads get no booking link. */
  readonly booking: BookingPolicy | null;
  readonly createdAt: Date;
}
