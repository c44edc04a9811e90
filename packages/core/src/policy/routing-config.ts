import { z } from 'zod';
import { durationSchema } from '../duration.ts';
import { bookingPolicySchema } from '../booking/booking-policy.ts';
import { BusyPolicy, busyPolicySchema, slaPolicySchema, Strategy } from '../team.ts';
import { type Condition, conditionIssues } from './condition.ts';
import { crossReferenceIssues } from './config-references.ts';
import { notificationsConfigSchema } from './notification-config.ts';
import { calcomConfigSchema } from './calcom-config.ts';

export * from './notification-config.ts';
export * from './calcom-config.ts';

/**
 * The routing configuration: one document (YAML or JSON) that holds the teams, the
 * territories, the ordered rules and the policy-wide settings. Admins change it without a
 * deploy (`PUT /v1/config`, `switchboard config apply`); every applied document is a new
 * version in the database.
 */

const name = z.string({ error: 'expected a name (a string)' }).trim().min(1, { error: 'must not be empty' }).max(200);

const conditionSchema = z.unknown().superRefine((value, ctx) => {
  for (const issue of conditionIssues(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
}) as unknown as z.ZodType<Condition>;

export const STRATEGIES = Object.values(Strategy) as [Strategy, ...Strategy[]];

export const strategySchema = z.enum(STRATEGIES, {
  error: (issue) => `unknown strategy ${JSON.stringify(issue.input)}; use one of ${STRATEGIES.join(', ')}`,
});

/** The window `load_balanced` counts assignments in. */
export const LoadWindow = { day: 'day', week: 'week', month: 'month' } as const;
export type LoadWindow = (typeof LoadWindow)[keyof typeof LoadWindow];

const repRef = z
  .string({ error: 'expected a rep’s email or id' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(320)
  .describe('A rep’s email or id.');

/** A team as the configuration describes it. */
export const teamConfigSchema = z.strictObject({
  name,
  members: z.array(repRef).max(10_000).default([]).describe('Reps by email or id, in tie-break order.'),
  strategy: strategySchema.default(Strategy.roundRobin),
  window: z
    .enum(Object.values(LoadWindow) as [LoadWindow, ...LoadWindow[]])
    .default(LoadWindow.day)
    .describe('`load_balanced` only: count assignments over this calendar window (UTC).'),
  fallback: name.optional().describe('Team tried when nobody in this one can take the lead.'),
  overflow: name.optional().describe('Queue the lead waits in when neither this team nor its fallbacks can take it.'),
  sla: slaPolicySchema.optional(),
  busy: busyPolicySchema.default(BusyPolicy.skip),
  booking: bookingPolicySchema.optional().describe('Instant booking for this team’s leads (duration, window, buffer, minNotice, mode).'),
});
export type TeamConfig = z.output<typeof teamConfigSchema>;

/** A named, reusable condition. */
export const territorySchema = z.strictObject({
  name,
  when: conditionSchema,
});
export type Territory = z.output<typeof territorySchema>;

/** What a lead's owner must carry, beyond being on the team. */
export const requirementSchema = z
  .strictObject({
    allOf: z.array(z.string().trim().min(1).max(100)).max(50).optional().describe('The rep must have every one of these tags.'),
    anyOf: z.array(z.string().trim().min(1).max(100)).max(50).optional().describe('The rep must have at least one of these tags.'),
    skills: z
      .record(z.string().trim().min(1).max(100), z.int().min(1).max(100))
      .optional()
      .describe('Minimum skill levels: `{ enterprise: 3 }` needs a tag `enterprise:3` or higher.'),
    match: z
      .record(z.string().trim().min(1).max(100), z.string().trim().min(1).max(100))
      .optional()
      .describe('Dynamic tags: `{ language: language }` needs a rep tag `language:<the lead’s language>`.'),
  })
  .describe('Tags the rep must carry.');
export type Requirement = z.output<typeof requirementSchema>;

/** What to do when the matched account's owner cannot take the lead now. */
export const OwnerUnavailable = {
  /** Hold the lead for the owner up to `waitUpTo`, then go on with the next rules. */
  wait: 'wait',
  /** Route within the owner's team. */
  ownerTeam: 'owner_team',
  /** Go on with the next rules as if this one had not matched. */
  route: 'route',
} as const;
export type OwnerUnavailable = (typeof OwnerUnavailable)[keyof typeof OwnerUnavailable];

export const routeActionSchema = z.union(
  [
    z.strictObject({ team: name }),
    z.strictObject({ rep: repRef }),
    z.strictObject({
      accountOwner: z
        .strictObject({
          ifUnavailable: z.enum(Object.values(OwnerUnavailable) as [OwnerUnavailable, ...OwnerUnavailable[]]).default('route'),
          waitUpTo: durationSchema.optional().describe('With `ifUnavailable: wait`: how long to hold the lead for the owner.'),
        }),
    }),
    z.strictObject({ queue: name }),
  ],
  { error: 'expected one of { team: <name> }, { rep: <email or id> }, { accountOwner: {...} }, { queue: <name> }' },
);
export type RouteAction = z.output<typeof routeActionSchema>;

/** One routing rule: first match wins. */
export const ruleSchema = z.strictObject({
  name,
  when: conditionSchema.optional().describe('Leave out to match every lead (a catch-all).'),
  route: routeActionSchema,
  require: requirementSchema.optional(),
});
export type Rule = z.output<typeof ruleSchema>;

export const routingConfigSchema = z
  .strictObject({
    teams: z.array(teamConfigSchema).max(1_000).default([]),
    territories: z.array(territorySchema).max(1_000).default([]),
    rules: z.array(ruleSchema).max(5_000).default([]),
    defaultQueue: name.default('unrouted').describe('Where a lead that matches no rule waits.'),
    priority: z
      .strictObject({
        field: z.string().trim().min(1).max(100).default('priority').describe('Lead attribute (a number) that orders waiting leads, higher first.'),
      })
      .default({ field: 'priority' }),
    dedupe: z
      .strictObject({
        byEmail: z.boolean().default(true).describe('Merge a new lead into an open lead with the same email instead of routing it again.'),
      })
      .default({ byEmail: true }),
    retention: z
      .strictObject({
        closedLeads: durationSchema.describe('Erase the personal data of leads closed or converted longer ago than this (e.g. P365D); their decisions and statistics stay.'),
      })
      .optional()
      .describe('How long personal data is kept. Leave out to keep it until erased by request.'),
    notifications: notificationsConfigSchema
      .optional()
      .describe('Slack and email: team channels, reps’ preferences, who hears of which event, templates. Leave out for none.'),
    calcom: calcomConfigSchema.optional().describe('Cal.com: each rep’s username and where booking pages are, for routing forms that ask Switchboard whom to book. Leave out for none.'),
  })
  // The schema alone checks what it can see once the document's shape is right; a document
  // read for an admin gets these checks even where its shape is not (see validateRoutingConfig).
  .superRefine((config, ctx) => {
    for (const issue of crossReferenceIssues(config)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  });
export type RoutingConfig = z.output<typeof routingConfigSchema>;

