import { findUnstorableValue } from './storable-text.ts';
import { z } from 'zod';
import type { LeadId, RepId, TeamId } from './ids.ts';

/** A lead attribute value: what forms and CRMs send. */
export type AttributeValue = string | number | boolean | null;

const attributeValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

/**
 * What a producer sends to create a lead — over HTTP (`POST /v1/leads`) or straight
 * onto the intake subject. Unknown top-level fields are rejected (they are usually
 * typos); free-form data goes in `attributes`.
 */
export const leadIntakeSchema = z.strictObject({
  email: z.email({ error: 'must be an email address such as ana@example.com' }).max(320),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  company: z.string().max(300).optional(),
  externalId: z
    .string()
    .min(1, { error: 'must not be empty; leave it out if the lead has no external id' })
    .max(200)
    .optional(),
  team: z.string().min(1).max(200).optional().describe('Team id or name. Without it the lead goes to the default team.'),
  source: z.string().max(100).optional().describe('Where the lead came from, e.g. "web-form".'),
  attributes: z
    .record(z.string().min(1).max(100), attributeValue)
    .refine((value) => Object.keys(value).length <= 200, { error: 'at most 200 attributes' })
    .optional(),
}).superRefine((lead, ctx) => {
  // Text PostgreSQL can't store, named here rather than met as a database error (a lead
  // published straight onto the intake subject is dead-lettered with this reason).
  const problem = findUnstorableValue(lead);
  if (problem) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
});

/** A validated lead intake. */
export type LeadIntake = z.output<typeof leadIntakeSchema>;

/** The lifecycle states of a lead (the lead machine's top-level states). */
export const LeadState = {
  new: 'new',
  routing: 'routing',
  assigned: 'assigned',
  touched: 'touched',
  waiting: 'waiting',
  escalated: 'escalated',
  closed: 'closed',
  converted: 'converted',
} as const;
export type LeadState = (typeof LeadState)[keyof typeof LeadState];

/** A stored lead. */
export interface Lead {
  readonly id: LeadId;
  readonly externalId: string | null;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly company: string | null;
  readonly source: string | null;
  /** The team asked for at intake (id or name), before resolution. */
  readonly requestedTeam: string | null;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly state: LeadState;
  readonly ownerId: RepId | null;
  readonly teamId: TeamId | null;
  /** Higher first in the waiting line. */
  readonly priority: number;
  /** When the current SLA runs out, or null. */
  readonly slaDeadlineAt: Date | null;
  readonly breaches: number;
  /** How it was closed (`won`, `lost`, `converted`, ...), once closed. */
  readonly outcome: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
