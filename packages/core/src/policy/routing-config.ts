import { z } from 'zod';
import { durationSchema } from '../duration.ts';
import { slaPolicySchema, Strategy } from '../team.ts';
import { type Condition, conditionIssues, findTerritoryCycle, territoryReferences } from './condition.ts';

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
  })
  .superRefine((config, ctx) => {
    checkUnique(config.teams, 'teams', ctx);
    checkUnique(config.territories, 'territories', ctx);
    checkUnique(config.rules, 'rules', ctx);
    const teams = new Set(config.teams.map((t) => t.name.toLowerCase()));
    const territories = new Set(config.territories.map((t) => t.name.toLowerCase()));
    config.teams.forEach((team, i) => {
      if (team.fallback !== undefined && !teams.has(team.fallback.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'fallback'], message: `no team named "${team.fallback}" in teams` });
      }
    });
    const cycle = fallbackCycle(config.teams);
    if (cycle) ctx.addIssue({ code: 'custom', path: ['teams', cycle.index, 'fallback'], message: `fallbacks go round in a circle: ${cycle.names.join(' → ')}` });
    const checkTerritories = (condition: unknown, path: Array<string | number>): void => {
      for (const ref of territoryReferences(condition)) {
        if (!territories.has(ref.name.trim().toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: [...path, ...ref.path], message: `no territory named "${ref.name}" in territories` });
        }
      }
    };
    config.territories.forEach((territory, i) => checkTerritories(territory.when, ['territories', i, 'when']));
    const territoryCycle = findTerritoryCycle(config.territories);
    if (territoryCycle) {
      ctx.addIssue({
        code: 'custom',
        path: ['territories', territoryCycle.index, 'when'],
        message: `territories refer to each other in a circle: ${territoryCycle.names.join(' → ')}`,
      });
    }
    config.rules.forEach((rule, i) => {
      if (rule.when !== undefined) checkTerritories(rule.when, ['rules', i, 'when']);
      if ('team' in rule.route && !teams.has(rule.route.team.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'route', 'team'], message: `no team named "${rule.route.team}" in teams` });
      }
      if ('accountOwner' in rule.route) {
        const { ifUnavailable, waitUpTo } = rule.route.accountOwner;
        if (ifUnavailable === 'wait' && waitUpTo === undefined) {
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'route', 'accountOwner', 'waitUpTo'], message: 'required with ifUnavailable: wait (e.g. PT2H)' });
        }
      }
    });
  });
export type RoutingConfig = z.output<typeof routingConfigSchema>;

function checkUnique(items: ReadonlyArray<{ name: string }>, key: string, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = item.name.toLowerCase();
    const first = seen.get(k);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `"${item.name}" is already the name of ${key}[${first}]` });
    } else {
      seen.set(k, i);
    }
  });
}

function fallbackCycle(teams: ReadonlyArray<TeamConfig>): { index: number; names: string[] } | null {
  const byName = new Map(teams.map((t, i) => [t.name.toLowerCase(), { team: t, index: i }]));
  for (const [i, start] of teams.entries()) {
    const names = [start.name];
    let next = start.fallback;
    while (next !== undefined) {
      const found = byName.get(next.toLowerCase());
      if (!found) break;
      names.push(found.team.name);
      if (found.index === i) return { index: i, names };
      if (names.length > teams.length + 1) break;
      next = found.team.fallback;
    }
  }
  return null;
}
