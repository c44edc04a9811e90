import { availableIntervals, computeFairness, fairnessCsv, slaCsv, ValidationError } from '@switchboard/core';
import type { ReportRepository, TeamRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorSchema } from '../schemas.ts';
import { access } from '../auth/access-control.ts';

const instantMessage = 'must be an ISO 8601 date or date-time, such as 2026-11-01 or 2026-11-01T09:00:00Z';

/** An ISO 8601 date-time (with an offset) or a date (midnight UTC), as a Date. */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: instantMessage })
  .transform((text) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text));

const formatQuery = z
  .enum(['json', 'csv'])
  .optional()
  .describe('`csv` answers `text/csv` (as does `Accept: text/csv`); default JSON.');

const periodQuery = {
  from: instant.describe('Start of the period (inclusive): an ISO 8601 date-time, or a date for midnight UTC.'),
  to: instant.describe('End of the period (exclusive).'),
  format: formatQuery,
};

const afterFrom = <T extends { from: Date; to: Date }>(q: T) => q.to > q.from;
const afterFromError = { error: 'must be after from; the period is [from, to)', path: ['to'] };

const fairnessQuery = z
  .object({ ...periodQuery, team: z.string().min(1).optional().describe('A team id or name: only its members and the leads it assigned.') })
  .refine(afterFrom, afterFromError);

const slaQuery = z.object(periodQuery).refine(afterFrom, afterFromError);

const fairnessSchema = z
  .object({
    from: z.string().describe('The period’s start, ISO 8601.'),
    to: z.string(),
    team: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    reps: z.array(
      z.object({
        repId: z.uuid(),
        name: z.string(),
        weight: z.number(),
        eligibleSeconds: z.number().describe('Seconds of the period (up to now) in which the rep was available.'),
        assignments: z.int().describe('Leads assigned to the rep in the period (by the team, if given).'),
        expectedShare: z.number().describe('weight × eligible time over the sum for all reps in the report.'),
        actualShare: z.number().describe('The rep’s share of the assignments.'),
        expected: z.number().describe('expectedShare × all assignments: the leads the rep should have had.'),
        deviation: z.number().describe('assignments − expected, in leads.'),
      }),
    ),
    test: z.object({
      statistic: z.number().describe('Pearson’s chi-square statistic over the reps with expected > 0.'),
      degreesOfFreedom: z.int(),
      pValue: z.number().nullable().describe('Null when fewer than two reps expected any lead.'),
      verdict: z.string().describe('e.g. "consistent with the weights (p = 0.62)".'),
      lowExpectedCounts: z.boolean().describe('Some rep expected fewer than 5 leads: the test is unreliable.'),
    }),
  })
  .meta({ id: 'FairnessReport' });

const slaSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    teams: z.array(
      z.object({
        teamId: z.uuid(),
        teamName: z.string(),
        leads: z.int().describe('Leads the team was assigned in the period.'),
        touched: z.int().describe('Of those, the leads its reps touched.'),
        breaches: z.int().describe('SLA breaches in the period while the team’s reps held a lead.'),
        medianFirstTouchSeconds: z.number().nullable().describe('From the team’s first assignment of a lead to its first touch.'),
        p90FirstTouchSeconds: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'SlaReport' });

function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/.test(request.headers.accept ?? '');
}

function sendCsv(reply: FastifyReply, name: string, csv: string): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csv);
}

/** `/v1/reports/*`: the fairness audit and the SLA report, as JSON or CSV. */
export function reportRoutes(
  app: FastifyInstance,
  deps: { reports: ReportRepository; teams: TeamRepository; clock: () => number },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reports'];

  api.get(
    '/v1/reports/fairness',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'Fairness audit: assignments per rep against weighted, time-adjusted shares',
        description:
          'Per rep over [from, to): eligible time (seconds in the `available` state — and `busy` for a team with `busy: allow` — from the rep’s state log, up to now), assignments, ' +
          'the share expected from weight × eligible time, the actual share, and the deviation in leads; plus Pearson’s chi-square ' +
          'goodness-of-fit test of the counts against the expected shares. With `team`, only its members and the leads it assigned. ' +
          '`?format=csv` or `Accept: text/csv` answers the rows as CSV.',
        querystring: fairnessQuery,
        response: { 200: fairnessSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { from, to, team: teamRef, format } = request.query;
      const team = teamRef === undefined ? null : await deps.teams.find(teamRef);
      if (team === undefined) {
        throw new ValidationError([{ path: 'team', message: `team "${teamRef}" does not exist; use a team id or name from GET /v1/teams, or leave team out for all reps` }]);
      }
      const records = await deps.reports.fairnessReps({ from, to }, team && { id: team.id, members: team.members });
      const start = from.getTime();
      // The state log says nothing about the future: eligible time stops now.
      const end = Math.min(to.getTime(), Math.max(start, deps.clock()));
      const report = computeFairness({
        from: start,
        to: end,
        reps: records.map((r) => ({
          repId: r.repId,
          name: r.name,
          weight: r.weight,
          // A team that lets reps in a meeting take leads counts their meetings as eligible time.
          eligible: availableIntervals(r.history, start, end, { busyEligible: team?.busy === 'allow' }),
          assignments: r.assignments,
        })),
      });
      if (wantsCsv(request, format)) return sendCsv(reply, 'fairness', fairnessCsv(report.reps));
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        team: team && { id: team.id, name: team.name },
        reps: [...report.reps],
        test: report.test,
      };
    },
  );

  api.get(
    '/v1/reports/sla',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'SLA report per team: leads, touches, breaches, time to first touch',
        description:
          'Per team over [from, to): the leads it was assigned, how many its reps touched, the median and 90th percentile of the time ' +
          'from the team’s first assignment of a lead to its first touch, and the SLA breaches (`lead.breached`) while its reps held a lead. ' +
          '`?format=csv` or `Accept: text/csv` answers CSV.',
        querystring: slaQuery,
        response: { 200: slaSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { from, to, format } = request.query;
      const teams = await deps.reports.slaByTeam({ from, to });
      if (wantsCsv(request, format)) return sendCsv(reply, 'sla', slaCsv(teams));
      return { from: from.toISOString(), to: to.toISOString(), teams };
    },
  );
}
