import {
  factsOfIntake,
  type LeadIntake,
  leadIntakeSchema,
  repRefIndex,
  type RoutingConfig,
  simulateRouting,
  type SimulatedLead,
  ValidationError,
} from '@switchboard/core';
import type { AccountRepository, ConfigVersionRepository, LeadRepository, RepRepository, TeamRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkRoutingConfig, type ConfigSubmission } from '../config-service.ts';
import { errorSchema } from '../schemas.ts';
import { access } from '../auth/access-control.ts';

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
  configVersion: z.int().nullable(),
  perRep: z.record(z.string(), z.int()),
  perTeam: z.record(z.string(), z.int()),
  unmatched: z.array(z.string()).readonly(),
  routes: z.array(
    z.object({
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
    changed: z.array(z.object({ label: z.string(), from: z.string(), to: z.string() })).readonly(),
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
        ...access('viewer'),
        tags: ['config'],
        summary: 'Simulate a configuration',
        description:
          'Routes the given leads (or those of a past period) through the proposed configuration and the current one, touching no state, and answers the distribution per rep and team, the leads that would change owner, and the leads no rule matches. Every active rep counts as available and caps are not applied.',
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
      const leads = body.leads ? body.leads.map(simulatedLeadOf) : await periodLeads(deps.leads, body.from as string, body.to);
      const current = await deps.versions.current();
      const result = simulateRouting({
        current: { config: (current?.document as RoutingConfig | undefined) ?? null, version: current?.version ?? null },
        proposed,
        storedTeams: await deps.teams.list(),
        reps: reps.map((r) => ({ id: r.id, name: r.name, email: r.email, weight: r.weight, tags: r.tags, active: r.active })),
        accounts: await deps.accounts.all(),
        leads,
        now: Date.now(),
      });
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

async function periodLeads(leads: LeadRepository, from: string, to: string | undefined): Promise<SimulatedLead[]> {
  const found = await leads.list({ createdFrom: new Date(from), createdTo: to ? new Date(to) : new Date(), oldestFirst: true, limit: MAX_LEADS });
  return found.map((lead) => ({
    label: lead.externalId ?? `${lead.email} (${lead.id})`,
    team: lead.requestedTeam,
    facts: { email: lead.email, firstName: lead.firstName, lastName: lead.lastName, company: lead.company, source: lead.source, attributes: lead.attributes },
  }));
}
