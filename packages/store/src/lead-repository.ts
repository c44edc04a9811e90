import { isId, type Lead, type LeadFacts, type LeadId, type LeadState, type RepId, type RoutingDecision, type TeamId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database, LeadRow } from './database.ts';
import { readRoutingHistory, type RoutingHistory } from './routing-history.ts';

/** One entry of a lead's append-only event log. */
export interface LeadEventRecord {
  readonly id: string;
  readonly type: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly cause: string;
  readonly data: unknown;
  readonly traceId: string | null;
  readonly at: Date;
}

/** An assignment of a lead to a rep, with the decision that made it. */
export interface AssignmentRecord {
  readonly repId: RepId;
  readonly teamId: TeamId;
  readonly decision: RoutingDecision;
  readonly assignedAt: Date;
  readonly endedAt: Date | null;
  /** Why it ended: breached, rejected, rerouted. */
  readonly endReason: string | null;
}

/** A lead with its history. */
export interface LeadDetail extends Lead {
  readonly waitingReason: string | null;
  /** Why the lead's routing outcome could not be stored and it was dead-lettered, if it was. */
  readonly deadLetterReason: string | null;
  readonly events: ReadonlyArray<LeadEventRecord>;
  readonly assignments: ReadonlyArray<AssignmentRecord>;
}

/** Filters of `list`. */
export interface LeadListQuery {
  readonly state?: LeadState;
  readonly ownerId?: string;
  readonly teamId?: string;
  /** @default 50 */
  readonly limit?: number;
  /** Return leads created before this lead (keyset pagination, newest first). */
  readonly before?: string;
  /** Only leads received at or after this time. */
  readonly createdFrom?: Date;
  /** Only leads received before this time. */
  readonly createdTo?: Date;
  /** Oldest first instead of newest first. */
  readonly oldestFirst?: boolean;
}

/** A lead the router must pick up again after a restart. */
export interface OpenLead {
  readonly id: LeadId;
  readonly state: LeadState;
  readonly requestedTeam: string | null;
  readonly teamId: TeamId | null;
  readonly version: number;
  readonly snapshot: unknown;
  readonly externalId: string | null;
  readonly createdAt: Date;
  readonly traceId: string | null;
  /** W3C `traceparent` of the lead's first routing step, or null. */
  readonly traceparent: string | null;
  /** What the routing policy decides on. */
  readonly facts: LeadFacts;
}

/** What decides a lead's partition: its owner, else its named team and facts. */
export interface LeadPlaceRow {
  readonly id: LeadId;
  readonly ownerId: RepId | null;
  readonly requestedTeam: string | null;
  readonly facts: LeadFacts;
}

/** A passivated lead actor as stored. */
export interface StoredLeadActor {
  readonly snapshot: unknown;
  readonly version: number;
  readonly state: LeadState;
  readonly requestedTeam: string | null;
  readonly externalId: string | null;
  readonly traceId: string | null;
  /** W3C `traceparent` of the lead's first routing step (see migration 0007), or null. */
  readonly traceparent: string | null;
  /** What the routing policy decides on. */
  readonly facts: LeadFacts;
}

/** Reads leads (writes go through the intake and routing writers). */
export interface LeadRepository {
  get(id: string): Promise<LeadDetail | undefined>;
  list(query?: LeadListQuery): Promise<Lead[]>;
  /** The lead's state and version, or undefined if there is no such lead. */
  getState(id: string): Promise<{ readonly state: LeadState; readonly version: number } | undefined>;
  /** Leads not yet assigned (new, routing, waiting), oldest first; only those created before `createdBefore` if given. */
  listOpen(options?: { readonly createdBefore?: Date; readonly states?: ReadonlyArray<LeadState> }): Promise<OpenLead[]>;
  /** How many leads are in each state. */
  countByState(): Promise<Record<string, number>>;
  /** Where the given leads stand, for finding their partitions: owner, named team, facts (unknown ids are left out). */
  placesOf(ids: ReadonlyArray<string>): Promise<LeadPlaceRow[]>;
  /** What the router needs to restore a passivated lead actor. */
  getForActor(id: string): Promise<StoredLeadActor | undefined>;
  /** How many leads a rep holds (assigned or touched): its active load. */
  countActiveOf(repId: string): Promise<number>;
  /** Every rep's active load, counted from the leads it holds (reps holding none are left out). */
  countActiveByRep(): Promise<ReadonlyMap<RepId, number>>;
  /** For each (rep, since) pair, the rep's assignments at or after `since`: recounts a cap window. */
  countAssignmentsOfRepsSince(windows: ReadonlyArray<{ readonly repId: RepId; readonly since: number }>): Promise<number[]>;
  /**
   * Records that a lead still `new` could not be routed because its outcome can't be stored:
   * the reason is kept on the row and in its log, and neither the sweep nor a restart picks it
   * up again. Answers false if the lead is no longer `new`.
   */
  markDeadLettered(id: LeadId, dead: { readonly reason: string; readonly eventId: string; readonly at: Date; readonly cause: string }): Promise<boolean>;
  /** Ids of the leads a rep holds. */
  listHeldBy(repId: string): Promise<LeadId[]>;
  /** Per rep, the assignments since each window start (epoch ms): for load balancing. */
  countAssignmentsSince(starts: { day: number; week: number; month: number }): Promise<Array<{ repId: RepId; day: number; week: number; month: number }>>;
  /** The latest routing decision of a lead (of its last assignment or its last wait), if any. */
  latestDecision(id: string): Promise<{ readonly decision: unknown; readonly at: Date } | undefined>;
  /** What a replay of the period [from, to) reads: its leads (at most `limit`) and what happened to them, the assignments before it, the rep event log. */
  routingHistory(from: Date, to: Date, limit: number): Promise<RoutingHistory>;
}

const FACT_COLUMNS = ['email', 'first_name', 'last_name', 'company', 'source', 'attributes'] as const;

/** The fields of a lead row the routing policy decides on. */
export function factsOf(row: Pick<LeadRow, (typeof FACT_COLUMNS)[number]>): LeadFacts {
  return {
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    company: row.company,
    source: row.source,
    attributes: row.attributes,
  };
}

/** Maps a database row to the domain type. */
export function toLead(row: LeadRow): Lead {
  return {
    id: row.id as LeadId,
    externalId: row.external_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    company: row.company,
    source: row.source,
    requestedTeam: row.requested_team,
    attributes: row.attributes,
    state: row.state as LeadState,
    ownerId: row.owner_id as RepId | null,
    teamId: row.team_id as TeamId | null,
    priority: row.priority,
    slaDeadlineAt: row.sla_deadline_at,
    breaches: row.breaches,
    outcome: row.outcome,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates the PostgreSQL lead repository. */
export function createLeadRepository(db: Kysely<Database>): LeadRepository {
  return {
    async get(id) {
      const row = await db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const [events, assignments] = await Promise.all([
        db.selectFrom('lead_events').selectAll().where('lead_id', '=', id).orderBy('id').execute(),
        db.selectFrom('assignments').selectAll().where('lead_id', '=', id).orderBy('id').execute(),
      ]);
      return {
        ...toLead(row),
        waitingReason: row.waiting_reason,
        deadLetterReason: row.dead_letter_reason,
        events: events.map((e) => ({
          id: e.event_id,
          type: e.type,
          from: e.from_state,
          to: e.to_state,
          cause: e.cause,
          data: e.data,
          traceId: e.trace_id,
          at: e.occurred_at,
        })),
        assignments: assignments.map((a) => ({
          repId: a.rep_id as RepId,
          teamId: a.team_id as TeamId,
          decision: a.decision as RoutingDecision,
          assignedAt: a.assigned_at,
          endedAt: a.ended_at,
          endReason: a.end_reason,
        })),
      };
    },

    async list(query = {}) {
      let q = db
        .selectFrom('leads')
        .selectAll()
        .orderBy('id', query.oldestFirst ? 'asc' : 'desc')
        .limit(query.limit ?? 50);
      if (query.createdFrom) q = q.where('created_at', '>=', query.createdFrom);
      if (query.createdTo) q = q.where('created_at', '<', query.createdTo);
      if (query.state) q = q.where('state', '=', query.state);
      if (query.ownerId) q = q.where('owner_id', '=', query.ownerId);
      if (query.teamId) q = q.where('team_id', '=', query.teamId);
      // Ids are UUIDv7, so id order is creation order.
      if (query.before) q = q.where('id', '<', query.before);
      return (await q.execute()).map(toLead);
    },

    async getState(id) {
      const row = await db.selectFrom('leads').select(['state', 'version']).where('id', '=', id).executeTakeFirst();
      return row && { state: row.state as LeadState, version: row.version };
    },

    async listOpen(options = {}) {
      let query = db
        .selectFrom('leads')
        .select(['id', 'state', 'requested_team', 'team_id', 'version', 'snapshot', 'external_id', 'created_at', 'trace_id', 'traceparent', ...FACT_COLUMNS])
        .where('state', 'in', options.states ?? ['new', 'routing', 'waiting'])
        .where('dead_letter_reason', 'is', null)
        .orderBy('id');
      if (options.createdBefore) query = query.where('created_at', '<', options.createdBefore);
      const rows = await query.execute();
      return rows.map((r) => ({
        id: r.id as LeadId,
        state: r.state as LeadState,
        requestedTeam: r.requested_team,
        teamId: r.team_id as TeamId | null,
        version: r.version,
        snapshot: r.snapshot,
        externalId: r.external_id,
        createdAt: r.created_at,
        traceId: r.trace_id,
        traceparent: r.traceparent,
        facts: factsOf(r),
      }));
    },

    async placesOf(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('leads')
        .select(['id', 'owner_id', 'requested_team', ...FACT_COLUMNS])
        .where('id', 'in', [...ids])
        .execute();
      return rows.map((r) => ({ id: r.id as LeadId, ownerId: r.owner_id as RepId | null, requestedTeam: r.requested_team, facts: factsOf(r) }));
    },

    async getForActor(id) {
      const row = await db
        .selectFrom('leads')
        .select(['snapshot', 'version', 'state', 'requested_team', 'external_id', 'trace_id', 'traceparent', ...FACT_COLUMNS])
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        row && {
          snapshot: row.snapshot,
          version: row.version,
          state: row.state as LeadState,
          requestedTeam: row.requested_team,
          externalId: row.external_id,
          traceId: row.trace_id,
          traceparent: row.traceparent,
          facts: factsOf(row),
        }
      );
    },

    async countActiveOf(repId) {
      const row = await db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', repId)
        .where('state', 'in', ['assigned', 'touched'])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async countActiveByRep() {
      const rows = await db
        .selectFrom('leads')
        .select(['owner_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('state', 'in', ['assigned', 'touched'])
        .where('owner_id', 'is not', null)
        .groupBy('owner_id')
        .execute();
      return new Map(rows.map((r) => [r.owner_id as RepId, Number(r.n)]));
    },

    async countAssignmentsOfRepsSince(windows) {
      if (windows.length === 0) return [];
      const { rows } = await sql<{ n: number }>`
        select (select count(*) from assignments a where a.rep_id = w.rep_id and a.assigned_at >= w.since)::int as n
        from unnest(${windows.map((w) => w.repId)}::uuid[], ${windows.map((w) => new Date(w.since).toISOString())}::timestamptz[])
          with ordinality as w(rep_id, since, position)
        order by w.position`.execute(db);
      return rows.map((r) => Number(r.n));
    },

    async markDeadLettered(id, dead) {
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('leads')
          .set({ dead_letter_reason: dead.reason, version: sql`version + 1`, updated_at: dead.at })
          .where('id', '=', id)
          .where('state', '=', 'new')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
        await trx
          .insertInto('lead_events')
          .values({ event_id: dead.eventId, lead_id: id, type: 'lead.dead_lettered', from_state: 'new', to_state: 'new', cause: dead.cause, data: JSON.stringify({ reason: dead.reason }), trace_id: null, occurred_at: dead.at })
          .execute();
        return true;
      });
    },

    async listHeldBy(repId) {
      const rows = await db.selectFrom('leads').select('id').where('owner_id', '=', repId).where('state', 'in', ['assigned', 'touched']).execute();
      return rows.map((r) => r.id as LeadId);
    },

    async countAssignmentsSince(starts) {
      const since = new Date(Math.min(starts.week, starts.month));
      const rows = await db
        .selectFrom('assignments')
        .select((eb) => [
          'rep_id',
          eb.fn.countAll<number>().filterWhere('assigned_at', '>=', new Date(starts.day)).as('day'),
          eb.fn.countAll<number>().filterWhere('assigned_at', '>=', new Date(starts.week)).as('week'),
          eb.fn.countAll<number>().filterWhere('assigned_at', '>=', new Date(starts.month)).as('month'),
        ])
        .where('assigned_at', '>=', since)
        .groupBy('rep_id')
        .execute();
      return rows.map((r) => ({ repId: r.rep_id as RepId, day: Number(r.day), week: Number(r.week), month: Number(r.month) }));
    },

    async latestDecision(id) {
      if (!isId(id)) return undefined;
      // A decision is stored with the assignment it made, or in the log entry of a wait.
      const [assigned, waited] = await Promise.all([
        db.selectFrom('assignments').select(['decision', 'assigned_at as at']).where('lead_id', '=', id).orderBy('assigned_at', 'desc').limit(1).executeTakeFirst(),
        db
          .selectFrom('lead_events')
          .select([sql<unknown>`data->'decision'`.as('decision'), 'occurred_at as at'])
          .where('lead_id', '=', id)
          .where('type', '=', 'lead.waiting')
          .where(sql<boolean>`data ? 'decision'`)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst(),
      ]);
      const latest = [assigned, waited].filter((r) => r !== undefined).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
      return latest && latest.decision !== null ? { decision: latest.decision, at: latest.at } : undefined;
    },

    routingHistory(from, to, limit) {
      return readRoutingHistory(db, from, to, limit);
    },

    async countByState() {
      const rows = await db
        .selectFrom('leads')
        .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('state')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
    },
  };
}
