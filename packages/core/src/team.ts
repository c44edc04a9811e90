import { z } from 'zod';
import type { RepId, TeamId } from './ids.ts';

/** How a team picks among its eligible reps. Later issues add weighted and load-based strategies. */
export const Strategy = {
  roundRobin: 'round_robin',
} as const;
export type Strategy = (typeof Strategy)[keyof typeof Strategy];

/** Body of `POST /v1/teams`. */
export const createTeamSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  members: z
    .array(z.uuid({ error: 'must be a rep id (a UUID as returned by POST /v1/reps)' }))
    .max(10_000)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'lists a rep more than once' })
    .default([]),
  strategy: z.enum(Object.values(Strategy) as [Strategy, ...Strategy[]]).default(Strategy.roundRobin),
});
export type CreateTeam = z.output<typeof createTeamSchema>;

/** A team (a pool of reps). */
export interface Team {
  readonly id: TeamId;
  readonly name: string;
  readonly strategy: Strategy;
  /** Rep ids in member order (the round-robin tie-break order). */
  readonly members: ReadonlyArray<RepId>;
  readonly createdAt: Date;
}
