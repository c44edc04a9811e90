import {
  factsOfIntake,
  type LeadIntake,
  leadIntakeSchema,
  repRefIndex,
  type RoutingConfig,
  simulateRouting,
  type SimulatedLead,
  type SimulationResult,
  ValidationError,
} from '@switchboard/core';
import type { AccountRepository, ConfigVersionRepository, LeadRepository, RepRepository, TeamRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkRoutingConfig, type ConfigSubmission } from '../config-service.ts';
import { errorSchema } from '../schemas.ts';
import { access } from '../auth/access-control.ts';
import { simulationHistoryOf } from '../simulation-history.ts';

const MAX_LEADS = 20_000;

const simulateBody = z
  .strictObject({
    config: z.union([z.string(), z.record(z.string(), z.unknown())]).describe('The proposed configuration: YAML or JSON text, or a JSON object.'),
    leads: z
      .array(leadIntakeSchema)
      .max(MAX_LEADS)
      .optional()
      .describe('Leads to route, as for POST /v1/leads. Leave out to use the leads received between `from` and `to`.'),
    from: z.iso.datetime({ offset: true }).optional().describe('With no `leads`: the start of the period whose leads to replay.'),
    to: z.iso.datetime({ offset: true }).optional().describe('With no `leads`: the end of the period (default: now).'),
  })
  .refine((body) => body.leads !== undefined || body.from !== undefined, { error: 'give either leads or from (and optionally to)', path: ['leads'] });

const scenarioSchema = z.object({
  source: z
    .enum(['recorded', 'simulated'])
    .describe('`recorded`: the owners the leads really got (a replayed period); `simulated`: where the configuration routes them.'),
  configVersion: z.int().nullable(),
  perRep: z.record(z.string(), z.int()),
  perTeam: z.record(z.string(), z.int()),
  unmatched: z.array(z.string()).readonly(),
  routes: z.array(
    z.object({
      label: z.string().describe('The lead, as named in `changed`: its external id, else its email.'),
      repId: z.string().nullable(),
      repName: z.string().nullable(),
      team: z.string().nullable(),
      queue: z.string().nullable(),
      rule: z.string().nullable(),
      summary: z.string(),
    }),
  ).readonly(),
});

const simulationSchema = z
  .object({
    leads: z.int(),
    current: scenarioSchema,
    proposed: scenarioSchema,
    changed: z
      .array(z.object({ label: z.string(), from: z.string(), to: z.string() }))
      .readonly()
      .describe('Leads whose owner (or queue) differs between `current` and `proposed`.'),
    calibration: z
      .object({
        reproduced: z.int().describe('Leads whose recorded owner the replay of the current configuration reproduces.'),
        total: z.int(),
      })
      .optional()
      .describe(
        'A replayed period only: the current configuration replayed the same way as the proposal. The leads it does not reproduce are what the replay cannot know (e.g. the order of leads decided at the same moment), so about that many of `changed` are not the configuration\'s doing.',
      ),
  })
  .meta({ id: 'Simulation' });

/** `POST /v1/simulate`: where leads would go under a proposed configuration, compared with the current one. */
export function simulateRoutes(
  app: FastifyInstance,
  deps: { versions: ConfigVersionRepository; reps: RepRepository; teams: TeamRepository; accounts: AccountRepository; leads: LeadRepository },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/v1/simulate',
    {
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        ...access('operator'),
        tags: ['config'],
        summary: 'Simulate a configuration',
        description:
          'Routes leads through the proposed configuration and compares them with the current one, touching no state, and answers the distribution per rep and team, the leads that would change owner, and the leads no rule matches. ' +
          'With `from` (and `to`), the leads received in that period are replayed: `current` is the owners they really got (`source: recorded`), and the proposal replays the period from the strategy state at its start (round-robin order, weighted credits, loads), with availability, out-of-office and caps as they were at each lead\'s time, and loads rising and falling as leads were assigned and closed; `calibration` says how many recorded owners a replay of the current configuration reproduces. ' +
          'With `leads`, there is no record: both configurations route the leads from scratch (`source: simulated`), every active rep counts as available and caps are not applied.',
        body: simulateBody,
        response: { 200: simulationSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const body = request.body;
      const reps = await deps.reps.listAll();
      const submission: ConfigSubmission =
        typeof body.config === 'string' ? { format: 'yaml', text: body.config } : { format: 'json', value: body.config, text: '' };
      let proposed: RoutingConfig;
      try {
        proposed = checkRoutingConfig(submission, repRefIndex(reps));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw new ValidationError(error.issues.map((e) => ({ ...e, path: e.path ? `config.${e.path}` : 'config' })));
      }
      const current = await deps.versions.current();
      const common = {
        current: { config: (current?.document as RoutingConfig | undefined) ?? null, version: current?.version ?? null },
        proposed,
        storedTeams: await deps.teams.list(),
        reps: reps.map((r) => ({
          id: r.id,
          name: r.name,
          email: r.email,
          weight: r.weight,
          tags: r.tags,
          active: r.active,
          cap: r.cap,
          caps: r.caps,
          timezone: r.timezone,
        })),
        accounts: await deps.accounts.all(),
        now: Date.now(),
      };
      let result: SimulationResult;
      let leads: ReadonlyArray<SimulatedLead>;
      if (body.leads) {
        leads = body.leads.map(simulatedLeadOf);
        result = simulateRouting({ ...common, leads });
      } else {
        const from = new Date(body.from as string);
        const to = body.to ? new Date(body.to) : new Date();
        const weights = new Map(reps.map((r) => [r.id, r.weight]));
        const period = simulationHistoryOf(await deps.leads.routingHistory(from, to, MAX_LEADS), from, (id) => weights.get(id) ?? 1);
        leads = period.leads;
        result = simulateRouting({ ...common, leads, history: period.history });
      }
      return { leads: leads.length, ...result };
    },
  );
}

function simulatedLeadOf(lead: LeadIntake): SimulatedLead {
  return {
    label: lead.externalId ?? lead.email,
    team: lead.team ?? null,
    facts: factsOfIntake(lead),
  };
}
