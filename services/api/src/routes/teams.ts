import { createTeamSchema, NotFoundError, type RepId, type Team, updateTeamSchema } from '@switchboard/core';
import type { TeamRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouterClient } from '../router-client.ts';
import { errorSchema, teamSchema } from '../schemas.ts';
import { access } from '../auth/access-control.ts';
import { references, repReference } from '../references.ts';

/** `/v1/teams`: create, list and read teams. */
export function teamRoutes(app: FastifyInstance, deps: { teams: TeamRepository; router: RouterClient }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['teams'];
  const present = async (team: Team) => ({ ...team, isDefault: (await deps.teams.findDefault())?.id === team.id });

  api.post(
    '/v1/teams',
    {
      schema: {
        ...access('admin'),
        tags,
        ...references({ body: { members: 'reps' } }),
        summary: 'Create a team',
        description: 'The first team created is the default team: leads that name no team go there.',
        body: createTeamSchema.safeExtend({
          members: z
            .array(repReference('a member'))
            .max(10_000)
            .refine((refs) => new Set(refs).size === refs.length, { error: 'lists a rep more than once' })
            .default([]).describe('The members, in rotation order: each rep by id or email.'),
        }),
        response: { 201: teamSchema, 400: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      // Every member was resolved to its id before the route ran (an unknown one was refused).
      const team = await deps.teams.create({ ...request.body, members: request.body.members as RepId[] });
      await deps.router.syncTeam(team.id);
      return reply.code(201).send(await present(team));
    },
  );

  api.patch(
    '/v1/teams/:idOrName',
    {
      schema: {
        ...access('admin'),
        tags,
        ...references({ body: { members: 'reps' } }),
        summary: 'Change a team',
        description:
          'Any of name, members (replaces the list, in rotation order), strategy, sla, busy and booking. A team the routing configuration defines takes the configuration’s values again when a configuration is applied.',
        params: z.object({ idOrName: z.string().min(1).max(200) }),
        body: updateTeamSchema,
        response: { 200: teamSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const found = await deps.teams.find(request.params.idOrName);
      if (!found) throw new NotFoundError('team', request.params.idOrName, 'list teams with GET /v1/teams');
      const team = await deps.teams.update(found.id, { ...request.body, ...(request.body.members && { members: request.body.members as RepId[] }) });
      await deps.router.syncTeam(team.id);
      return present(team);
    },
  );

  api.get(
    '/v1/teams',
    { schema: {
        ...access('viewer', 'shared'), tags, summary: 'List teams', response: { 200: z.object({ items: z.array(teamSchema) }) } } },
    async () => ({ items: await Promise.all((await deps.teams.list()).map(present)) }),
  );

  api.get(
    '/v1/teams/:idOrName',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'Read a team by id or name',
        params: z.object({ idOrName: z.string().min(1).max(200) }),
        response: { 200: teamSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const team = await deps.teams.find(request.params.idOrName);
      if (!team) throw new NotFoundError('team', request.params.idOrName);
      return present(team);
    },
  );
}
