import { busyBlockAt, createRepSchema, nextAvailabilityChange, NotFoundError, type Rep, updateRepSchema } from '@switchboard/core';
import type { CalendarRepository, RepCalendar, RepRepository } from '@switchboard/store';
import { type CalendarReader, presentCalendar } from '../calendar-reading.ts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouterClient, SyncReply } from '../router-client.ts';
import { errorSchema, repSchema } from '../schemas.ts';
import { references, repReference } from '../references.ts';
import { access } from '../auth/access-control.ts';

/** Overlays what the router answered (the actor's live state) on the stored rep. */
function withLiveState(rep: Rep, reply: SyncReply | undefined): Rep {
  if (!reply?.ok || !reply.state) return rep;
  return { ...rep, state: reply.state as Rep['state'], activeLeads: reply.activeLeads ?? rep.activeLeads };
}

/** Adds when the rep's shift or out-of-office status next changes (what the board shows), its meetings and its calendars. */
function presentRep(rep: Rep, calendars: ReadonlyArray<RepCalendar>, now: number) {
  let next: number | null = null;
  try {
    next = nextAvailabilityChange(rep, now);
  } catch {
    // A schedule that can't be read was refused when it was set; never fail a read over it.
  }
  const meeting = rep.state === 'busy' ? busyBlockAt(rep.busy, now) : null;
  return {
    ...rep,
    nextShiftChangeAt: next === null ? null : new Date(next),
    busyUntil: meeting ? new Date(meeting.end) : null,
    upcomingBusy: rep.busy.filter((b) => b.end > now).map((b) => ({ start: new Date(b.start), end: new Date(b.end) })),
    calendars: calendars.map(presentCalendar),
  };
}

const repParams = z.object({ id: repReference() });

/** What an operator, or a rep for itself, may change of a rep. */
const AVAILABILITY_FIELDS = new Set(['available', 'awayReason']);

/** `/v1/reps`: create, change, list and read reps. */
export function repRoutes(
  app: FastifyInstance,
  deps: { reps: RepRepository; router: RouterClient; calendars: CalendarRepository; calendarReader: CalendarReader; clock?: () => number },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reps'];
  const clock = deps.clock ?? Date.now;
  const presentAll = async (reps: ReadonlyArray<Rep>) => {
    const calendars = await deps.calendars.listFor(reps.map((r) => r.id));
    return reps.map((rep) => presentRep(rep, calendars.get(rep.id) ?? [], clock()));
  };
  const present = async (rep: Rep) => (await presentAll([rep]))[0]!;

  api.post(
    '/v1/reps',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Create a rep',
        body: createRepSchema,
        response: { 201: repSchema, 400: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const rep = await deps.reps.create(request.body);
      return reply.code(201).send(await present(withLiveState(rep, await deps.router.syncRep(rep.id))));
    },
  );

  api.patch(
    '/v1/reps/:id',
    {
      schema: {
        ...access('operator', 'own-rep'),
        ...references({ params: { id: 'rep' } }),
        tags,
        summary: 'Change a rep',
        description:
          'Any rep field, and `available` (the manual toggle: false makes the rep `away`). Takes effect for the next lead. ' +
          'An operator, or a rep for itself, may change `available` and `awayReason` only; the other fields need an admin.',
        params: repParams,
        body: updateRepSchema,
        response: { 200: repSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      if (request.principal?.role !== 'admin') {
        const adminOnly = Object.keys(request.body).filter((field) => !AVAILABILITY_FIELDS.has(field));
        if (adminOnly.length > 0) {
          return reply.code(403).send({ error: 'forbidden', message: `the ${request.principal?.role} role may change a rep's availability only; ${adminOnly.join(', ')} need an admin key` });
        }
      }
      const existing = await deps.reps.get(request.params.id);
      if (!existing) return reply.code(404).send({ error: 'not_found', message: `rep "${request.params.id}" does not exist` });
      const { calendars, ...fields } = request.body;
      // Calendars are read before anything is written: one that can't be read is refused, and nothing changes.
      const readings = calendars === undefined ? undefined : await deps.calendarReader.readAll(calendars, fields.timezone ?? existing.timezone);
      const rep = Object.keys(fields).length > 0 ? await deps.reps.update(request.params.id, fields) : existing;
      if (readings !== undefined) await deps.calendarReader.save(rep.id, readings);
      const saved = readings === undefined ? rep : ((await deps.reps.get(rep.id)) ?? rep);
      return reply.send(await present(withLiveState(saved, await deps.router.syncRep(rep.id))));
    },
  );

  api.get(
    '/v1/reps',
    {
      schema: {
        ...access('viewer', 'own-reps'),
        tags,
        summary: 'List reps',
        description: 'A rep key lists only its own rep.',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          after: z.uuid().optional().describe('Cursor: the last id of the previous page.'),
        }),
        response: { 200: z.object({ items: z.array(repSchema), next: z.string().nullable() }) },
      },
    },
    async (request) => {
      if (request.repScope === 'own-reps') {
        const own = request.principal?.repId ? await deps.reps.get(request.principal.repId) : undefined;
        return { items: own && !request.query.after ? [await present(own)] : [], next: null };
      }
      const items = await deps.reps.list({ limit: request.query.limit, ...(request.query.after && { after: request.query.after }) });
      return { items: await presentAll(items), next: items.length === request.query.limit ? (items.at(-1)?.id ?? null) : null };
    },
  );

  api.get(
    '/v1/reps/:id',
    {
      schema: {
        ...access('viewer', 'own-rep'), ...references({ params: { id: 'rep' } }), tags, summary: 'Read a rep', params: repParams, response: { 200: repSchema, 400: errorSchema, 404: errorSchema } },
    },
    async (request) => {
      const rep = await deps.reps.get(request.params.id);
      if (!rep) throw new NotFoundError('rep', request.params.id);
      return present(rep);
    },
  );
}
