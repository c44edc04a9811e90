import type { Bus, BusEvent, Subjects } from '@switchboard/bus';
import { isId, NotFoundError } from '@switchboard/core';
import type { InspectionRepository, RepRepository, TeamRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouterClient } from '../router-client.ts';
import { errorSchema, idParams, isoDate } from '../schemas.ts';
import { type EventFilter, matchesEventFilter } from './event-filter.ts';
import { access } from '../auth/access-control.ts';
import { references, repReference } from '../references.ts';

const transitionSchema = z.object({
  type: z.string().nullable().describe('The lifecycle event, for a lead (lead.assigned …); null for a rep.'),
  from: z.string().nullable(),
  to: z.string().nullable(),
  cause: z.string(),
  at: isoDate,
  data: z.unknown(),
  activeLeads: z.int().optional().describe('For a rep: its active leads after the transition.'),
});

const actorSchema = z
  .object({
    kind: z.enum(['lead', 'rep']),
    id: z.uuid(),
    name: z.string().describe("The rep's name, or the lead's email."),
    state: z.string().describe('The state in PostgreSQL (every transition is committed before it is acknowledged).'),
    live: z
      .boolean()
      .describe('True when a router holds the actor in memory and answered with its live snapshot; false for a passivated lead (a row) or no router.'),
    value: z.unknown().describe('The XState state value: live when `live`, else the persisted snapshot’s.'),
    context: z.unknown().describe('The XState context: live when `live`, else the persisted snapshot’s (for a rep, its counters).'),
    status: z.string().nullable().describe('The XState actor status (active, done, …), when known.'),
    version: z.int(),
    updatedAt: isoDate,
    traceId: z.string().nullable().describe('The trace id of the lead’s life (OpenTelemetry), if it has one.'),
    transitions: z.array(transitionSchema).describe('The last transitions, newest first.'),
  })
  .meta({ id: 'ActorInspection' });

const timelineSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    state: z.string(),
    traceId: z.string().nullable(),
    traceparent: z.string().nullable(),
    createdAt: isoDate,
    totalMs: z.number().describe('From the first event to the last.'),
    steps: z.array(
      transitionSchema.extend({
        sinceStartMs: z.number().describe('Since the lead was received.'),
        sincePreviousMs: z.number().describe('Since the step before.'),
      }),
    ),
  })
  .meta({ id: 'LeadTimeline' });

const kindParams = z.object({
  kind: z.enum(['leads', 'reps'], { error: 'must be leads or reps' }),
  id: z.union([z.uuid(), z.email()], { error: "must be an id (a UUID), or a rep's email" }).describe("The lead's id; the rep's id or email."),
});

const eventQuery = z.strictObject({
  lead: z.uuid({ error: 'must be a lead id (a UUID)' }).optional().describe('Only this lead’s events.'),
  rep: repReference().optional().describe('Only events naming this rep, by id or email (its assignments, touches, breaches …).'),
  team: z.string().min(1).optional().describe('Only events of this team (id or name).'),
  type: z
    .string()
    .regex(/^[a-z_.*]+$/, { error: 'must be an event type such as lead.assigned, or a prefix such as lead.*' })
    .optional()
    .describe('An event type (lead.assigned), or several with a trailing * (lead.*).'),
});

/** How long a watch of XState inspection events lasts before the API renews it with the router. */
const WATCH_RENEW_SECONDS = 30;

/**
 * `/v1/inspect/…` and `/v1/events`: actors' live state and last transitions, a lead's
 * timeline, and server-sent-event streams of lifecycle events and of one actor's
 * XState inspection events.
 */
export function inspectRoutes(
  app: FastifyInstance,
  deps: { inspection: InspectionRepository; reps: RepRepository; teams: TeamRepository; router: RouterClient; bus: Bus; subjects: Subjects },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['inspection'];
  // Open streams never end by themselves: end them when the server closes, or it would wait forever.
  const open = new Set<FastifyReply>();
  app.addHook('preClose', async () => {
    for (const reply of open) reply.sse.close();
  });
  /** The stored actor, or a 404 naming it. */
  const storedActor = async (kind: 'leads' | 'reps', ref: string, transitions: number) => {
    // A rep may be named by its email.
    const id = kind === 'reps' && !isId(ref) ? (await deps.reps.find(ref))?.id : ref;
    const stored = id === undefined ? undefined : await (kind === 'leads' ? deps.inspection.lead(id, transitions) : deps.inspection.rep(id, transitions));
    if (!stored) throw new NotFoundError(kind === 'leads' ? 'lead' : 'rep', ref, `list them with GET /v1/${kind}`);
    return stored;
  };

  api.get(
    '/v1/inspect/:kind/:id',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'The state of a lead or rep actor',
        description:
          'Its state value and context (live from the router when it holds the actor, else the persisted snapshot) and its last transitions. ' +
          '`kind` is `leads` or `reps`.',
        params: kindParams,
        querystring: z.object({ transitions: z.coerce.number().int().min(1).max(500).default(20).describe('How many transitions (newest first).') }),
        response: { 200: actorSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { kind } = request.params;
      const stored = await storedActor(kind, request.params.id, request.query.transitions);
      const id = stored.id;
      const live = await deps.router.inspect(stored.kind, id);
      const persisted = (stored.snapshot ?? {}) as { value?: unknown; context?: unknown; status?: string };
      const fromRouter = live?.ok === true && live.live ? live : undefined;
      return {
        kind: stored.kind,
        id: stored.id,
        name: stored.name,
        state: stored.state,
        live: fromRouter !== undefined,
        value: fromRouter ? fromRouter.value : (persisted.value ?? stored.state),
        context: fromRouter ? fromRouter.context : (persisted.context ?? stored.snapshot),
        status: fromRouter ? fromRouter.status : (persisted.status ?? null),
        version: stored.version,
        updatedAt: stored.updatedAt,
        traceId: stored.traceId,
        transitions: [...stored.transitions],
      };
    },
  );

  api.get(
    '/v1/leads/:id/timeline',
    {
      schema: {
        ...access('viewer', 'own-lead'),
        tags,
        summary: "A lead's timeline",
        description: 'Every event of the lead, oldest first, with the time since it was received and since the step before, and its trace id.',
        params: idParams('lead'),
        response: { 200: timelineSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const timeline = await deps.inspection.leadTimeline(request.params.id);
      if (!timeline) throw new NotFoundError('lead', request.params.id, 'list leads with GET /v1/leads');
      const start = timeline.events[0]?.at.getTime() ?? timeline.createdAt.getTime();
      let previous = start;
      const steps = timeline.events.map((event) => {
        const at = event.at.getTime();
        const step = { ...event, sinceStartMs: at - start, sincePreviousMs: at - previous };
        previous = at;
        return step;
      });
      return { ...timeline, totalMs: previous - start, steps };
    },
  );

  api.get(
    '/v1/inspect/:kind/:id/xstate',
    {
      sse: 'only',
      schema: {
        ...access('viewer'),
        tags,
        summary: "Stream one actor's XState inspection events (server-sent events)",
        description:
          'Each event is an XState inspection event (`@xstate.event`, `@xstate.snapshot`, `@xstate.microstep`, `@xstate.action`) of the chosen actor, as JSON. ' +
          'The router streams them only while someone listens.',
        params: kindParams,
        response: { 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const stored = await storedActor(request.params.kind, request.params.id, 1);
      const [actorKind, id] = [stored.kind, stored.id];
      await streamBus(open, reply, deps.bus, deps.subjects.inspectEvents(actorKind, id), (event) => ({ event: 'inspection', data: event.json() }), {
        start: async () => {
          await deps.router.inspect(actorKind, id, WATCH_RENEW_SECONDS);
        },
        renew: () => void deps.router.inspect(actorKind, id, WATCH_RENEW_SECONDS),
        renewEveryMs: (WATCH_RENEW_SECONDS * 1000) / 2,
      });
    },
  );

  api.get(
    '/v1/events',
    {
      sse: 'only',
      schema: {
        ...access('viewer'),
        ...references({ querystring: { rep: 'rep' } }),
        tags,
        summary: 'Stream lifecycle events as they happen (server-sent events)',
        description:
          'Each server-sent event is one lifecycle event (`event:` its type, `id:` its id, `data:` the JSON event, as on the bus), filtered by lead, rep, team and type. ' +
          'Only events from the moment of connecting; the history of a lead is GET /v1/leads/{id}.',
        querystring: eventQuery,
        response: { 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const query = request.query;
      let teamId: string | undefined;
      if (query.team !== undefined) {
        const team = await deps.teams.find(query.team);
        if (!team) throw new NotFoundError('team', query.team, 'list teams with GET /v1/teams');
        teamId = team.id;
      }
      const filter: EventFilter = { lead: query.lead, rep: query.rep, team: teamId, type: query.type };
      const subject = query.type && !query.type.includes('*') ? deps.subjects.event(query.type) : deps.subjects.allEvents;
      await streamBus(open, reply, deps.bus, subject, (message) => {
        const event = message.json<{ id?: string; type?: string }>();
        if (!matchesEventFilter(event, filter)) return undefined;
        return { ...(event.id && { id: event.id }), event: event.type ?? 'event', data: event };
      });
    },
  );
}

/**
 * Relays bus messages to a server-sent-events reply until the client goes away. The
 * subscription starts before `start` runs, so nothing published after the response
 * begins is missed.
 */
async function streamBus(
  open: Set<FastifyReply>,
  reply: FastifyReply,
  bus: Bus,
  subject: string,
  toMessage: (event: BusEvent) => { id?: string; event: string; data: unknown } | undefined,
  options: { start?: () => Promise<void>; renew?: () => void; renewEveryMs?: number } = {},
): Promise<void> {
  reply.sse.keepAlive();
  open.add(reply);
  let renewTimer: NodeJS.Timeout | undefined;
  const subscription = await bus.subscribe(subject, (event) => {
    if (!reply.sse.isConnected) return;
    const message = toMessage(event);
    if (message) void reply.sse.send(message).catch(() => undefined);
  });
  reply.sse.onClose(() => {
    open.delete(reply);
    if (renewTimer) clearInterval(renewTimer);
    void subscription.stop();
  });
  if (!reply.sse.isConnected) {
    open.delete(reply);
    await subscription.stop();
    return;
  }
  await options.start?.();
  if (options.renew && options.renewEveryMs) {
    renewTimer = setInterval(options.renew, options.renewEveryMs);
    renewTimer.unref();
  }
  // A first comment line tells the client the stream is open (and flushes the headers).
  await reply.sse.send({ event: 'ready', data: { subject: subject.slice(subject.indexOf('.') + 1) } });
}
