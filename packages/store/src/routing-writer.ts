import { ROUTER_LEASE } from './router-lock.ts';
import type { LeadId, LeadState, RepId, RoutingDecision, TeamId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import { createGroupCommitter, type GroupCommitOptions } from './group-commit.ts';
import type { RepLiveState } from './rep-repository.ts';

/** One lead event to append to the log. */
export interface LeadEventInput {
  readonly id: string;
  readonly type: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly cause: string;
  readonly data: unknown;
  readonly traceId: string | null;
  readonly at: Date;
}

/** A durable timer to set (or replace) for an actor. */
export interface TimerSet {
  readonly actorKind: 'lead' | 'rep';
  readonly actorId: string;
  /** One timer per actor and kind, e.g. `sla`, `availability`. */
  readonly kind: string;
  readonly dueAt: number;
  readonly payload?: unknown;
}

/** A durable timer to remove. */
export interface TimerClear {
  readonly actorKind: 'lead' | 'rep';
  readonly actorId: string;
  readonly kind: string;
}

/** A lead actor's transition, to be persisted with its side effects. */
export interface LeadTransition {
  readonly leadId: LeadId;
  /** The version the actor was restored at; the write fails if the row moved on. */
  readonly expectedVersion: number;
  readonly state: LeadState;
  readonly ownerId: RepId | null;
  readonly teamId: TeamId | null;
  readonly waitingReason: string | null;
  readonly snapshot: unknown;
  readonly events: ReadonlyArray<LeadEventInput>;
  readonly priority?: number;
  readonly slaDeadlineAt?: number | null;
  readonly breaches?: number;
  readonly outcome?: string | null;
  readonly assignment?: {
    readonly repId: RepId;
    /** Null for a rep chosen by name or as account owner outside any team. */
    readonly teamId: TeamId | null;
    readonly decision: RoutingDecision;
    readonly at: Date;
  };
  /** Ends the lead's open assignment (a breach, a rejection, a re-assignment) with this reason. */
  readonly endAssignment?: string;
  /**
   * The trace of the lead's first routing step: stored once (a lead keeps its first trace),
   * with `traceId`, its trace id.
   */
  readonly trace?: { readonly traceparent: string; readonly traceId: string };
}

/** Something the router persists: a lead transition, rep states, or both. */
export interface RoutingWrite {
  readonly lead?: LeadTransition;
  readonly reps?: ReadonlyArray<RepLiveState>;
  /** Timers of this write's lead apply only if its transition commits; rep timers always. */
  readonly setTimers?: ReadonlyArray<TimerSet>;
  readonly clearTimers?: ReadonlyArray<TimerClear>;
  /**
   * Weighted round robin credits of the teams this write's decision moved, stored with it (the
   * last given for a team in a batch wins), so that a router killed mid-burst leaves a
   * successor the credits of every assignment it stored, not those of a second ago.
   */
  readonly ledgers?: ReadonlyArray<{ readonly teamId: TeamId; readonly credits: ReadonlyMap<RepId, number> }>;
}

/** The outcome of one write. */
export type RoutingWriteResult =
  | { readonly committed: true; readonly version: number | null }
  /** The lead's row had moved past `expectedVersion` (another writer got there first); nothing of this write was stored. */
  | { readonly committed: false; readonly reason: 'stale-version' }
  /** The writer's router lock epoch is not the current one: another router took over. Nothing was stored; stop routing. */
  | { readonly committed: false; readonly reason: 'fenced' };

/** Persists actor transitions, group-committed. */
export interface RoutingWriter {
  write(write: RoutingWrite): Promise<RoutingWriteResult>;
  drain(): Promise<void>;
}

/**
 * Creates the routing writer. Each batch is one transaction: a version-guarded
 * update of the leads (one statement for the whole batch), then their assignments
 * and events, then the latest state of each rep touched. A lead whose version moved
 * on is reported as stale and none of its rows are written.
 */
export interface RoutingWriterOptions extends GroupCommitOptions {
  /**
   * The router lock's fencing epoch (see `acquireRouterLock`): every batch is written only if it
   * is still the current one, else nothing is and every write answers `fenced`. @default unfenced
   */
  readonly epoch?: () => number | Promise<number>;
  /**
   * The lease row `epoch` belongs to: the router lock's (`router`), or one partition's
   * (`partition:<topology version>:<key>`, see `joinRouterCluster`). @default the router lock's
   */
  readonly lease?: string;
}

export function createRoutingWriter(db: Kysely<Database>, options: RoutingWriterOptions = {}): RoutingWriter {
  const { epoch, lease = ROUTER_LEASE, ...groupCommit } = options;
  const committer = createGroupCommitter<RoutingWrite, RoutingWriteResult>(
    db,
    async (db, allWrites) => {
      // Two writes of one lead in a batch are racing writers (the router serializes a
      // lead's own transitions): the first wins, the others are stale and write nothing.
      const seenLeads = new Set<string>();
      const racing = new Set<RoutingWrite>();
      for (const w of allWrites) {
        if (!w.lead) continue;
        if (seenLeads.has(w.lead.leadId)) racing.add(w);
        seenLeads.add(w.lead.leadId);
      }
      const writes = racing.size === 0 ? allWrites : allWrites.filter((w) => !racing.has(w));
      const leads = writes.flatMap((w) => (w.lead ? [w.lead] : []));
      const assigned = leads.filter((l) => l.assignment !== undefined);
      const events = leads.flatMap((l) => l.events.map((e) => ({ ...e, leadId: l.leadId })));
      // Each rep state goes with the lead of its write (none for a rep's own write). The
      // statement keeps, per rep, the latest state whose lead committed: a step found stale
      // never stores the load of an offer its rep accepted (the router withdraws it), not even
      // for the moment until the withdrawal's own write. The revision guard then drops a
      // state older than the stored one, across transactions in flight.
      const reps = writes.flatMap((w) => (w.reps ?? []).map((rep) => ({ ...rep, leadId: w.lead?.leadId ?? null })));
      // Every rep state change of the batch is logged, not only the latest (those of committed steps).
      const repTransitions = reps.flatMap((r) => (r.transition ? [{ ...r.transition, repId: r.repId, activeLeads: r.activeLeads, leadId: r.leadId }] : []));
      // One statement for the whole batch: atomic on its own, so no transaction round
      // trips. Inserts depend on the version-guarded update: a stale lead writes nothing.
      const ending = leads.filter((l) => l.endAssignment !== undefined);
      // Latest timer per key wins; a key both set and cleared in one batch keeps the later intent.
      const timerIntent = new Map<string, { set: TimerSet } | { clear: TimerClear }>();
      for (const w of writes) {
        for (const t of w.clearTimers ?? []) timerIntent.set(`${t.actorKind}:${t.actorId}:${t.kind}`, { clear: t });
        for (const t of w.setTimers ?? []) timerIntent.set(`${t.actorKind}:${t.actorId}:${t.kind}`, { set: t });
      }
      const ledgerOf = new Map<string, Record<string, number>>();
      for (const w of writes) {
        for (const { teamId, credits } of w.ledgers ?? []) ledgerOf.set(teamId, Object.fromEntries([...credits].filter(([, credit]) => Number.isFinite(credit))));
      }
      // Sorted by team, as the ledger repository's saves are: rows locked in one order.
      const ledgers = [...ledgerOf].map(([team_id, credits]) => ({ team_id, credits })).sort((a, b) => (a.team_id < b.team_id ? -1 : a.team_id > b.team_id ? 1 : 0));
      const timerSets = [...timerIntent.values()].flatMap((i) => ('set' in i ? [i.set] : []));
      const timerClears = [...timerIntent.values()].flatMap((i) => ('clear' in i ? [i.clear] : []));
      // The fence: the lease row held for share, so a takeover (which raises the epoch) waits for
      // this statement, and a statement after it sees the new epoch and writes nothing.
      const fenceUnder = (current: number | undefined) =>
        current === undefined ? sql`select 1` : sql`select 1 from router_leases where name = ${lease} and epoch = ${current} for share`;
      // Rows with JSON columns (snapshots, decisions, event data) go as one JSON document each,
      // encoded once: as jsonb[] parameters every document was escaped again, element by element.
      // A key left out (undefined) reads as NULL.
      const leadRows = JSON.stringify(
        leads.map((l) => ({
          id: l.leadId,
          expected: l.expectedVersion,
          state: l.state,
          owner_id: l.ownerId,
          team_id: l.teamId,
          waiting_reason: l.waitingReason,
          snapshot: l.snapshot,
          priority: l.priority,
          set_deadline: l.slaDeadlineAt !== undefined,
          sla_deadline_at: l.slaDeadlineAt ? new Date(l.slaDeadlineAt).toISOString() : undefined,
          breaches: l.breaches,
          outcome: l.outcome,
          traceparent: l.trace?.traceparent,
          trace_id: l.trace?.traceId,
        })),
      );
      const assignmentRows = JSON.stringify(
        assigned.map((l) => ({
          lead_id: l.leadId,
          rep_id: l.assignment!.repId,
          team_id: l.assignment!.teamId,
          decision: l.assignment!.decision,
          assigned_at: l.assignment!.at.toISOString(),
        })),
      );
      const eventRows = JSON.stringify(
        events.map((e) => ({
          event_id: e.id,
          lead_id: e.leadId,
          type: e.type,
          from_state: e.from,
          to_state: e.to,
          cause: e.cause,
          data: e.data ?? {},
          trace_id: e.traceId,
          occurred_at: e.at.toISOString(),
        })),
      );
      const repRows = JSON.stringify(
        reps.map((r) => ({
          id: r.repId,
          state: r.state,
          active_leads: r.activeLeads,
          last_assigned_at: r.lastAssignedAt === null ? undefined : new Date(r.lastAssignedAt).toISOString(),
          last_assignment_seq: r.lastAssignmentSeq,
          revision: r.revision,
          snapshot: r.snapshot,
          lead_id: r.leadId,
        })),
      );
      const write = async (current: number | undefined) => {
        const fence = fenceUnder(current);
      return sql<{ id: string | null; version: number | null }>`
        with fence as (${fence}),
        updated as (
          update leads set
            state = v.state, owner_id = v.owner_id, team_id = v.team_id,
            waiting_reason = v.waiting_reason, snapshot = v.snapshot,
            priority = coalesce(v.priority, leads.priority),
            sla_deadline_at = case when v.set_deadline then v.sla_deadline_at else leads.sla_deadline_at end,
            breaches = coalesce(v.breaches, leads.breaches),
            outcome = coalesce(v.outcome, leads.outcome),
            -- A lead keeps the trace of its first traced routing step; its trace id follows it.
            traceparent = coalesce(leads.traceparent, v.traceparent),
            trace_id = case when leads.traceparent is null and v.traceparent is not null then v.trace_id else leads.trace_id end,
            version = leads.version + 1, updated_at = now()
          from jsonb_to_recordset(${leadRows}::jsonb) as v(
            id uuid, expected int, state text, owner_id uuid, team_id uuid, waiting_reason text, snapshot jsonb, priority float8,
            set_deadline bool, sla_deadline_at timestamptz, breaches int, outcome text, traceparent text, trace_id text
          )
          where leads.id = v.id and leads.version = v.expected and exists (select 1 from fence)
          returning leads.id, leads.version
        ), ended_assignments as (
          update assignments set ended_at = now(), end_reason = x.reason
          from unnest(${ending.map((l) => l.leadId)}::uuid[], ${ending.map((l) => l.endAssignment)}::text[]) as x(lead_id, reason)
          where assignments.lead_id = x.lead_id and assignments.ended_at is null and x.lead_id in (select id from updated)
        ), new_assignments as (
          insert into assignments (lead_id, rep_id, team_id, decision, assigned_at)
          select a.lead_id, a.rep_id, a.team_id, a.decision, a.assigned_at
          from jsonb_to_recordset(${assignmentRows}::jsonb) as a(lead_id uuid, rep_id uuid, team_id uuid, decision jsonb, assigned_at timestamptz)
          where a.lead_id in (select id from updated)
        ), new_events as (
          insert into lead_events (event_id, lead_id, type, from_state, to_state, cause, data, trace_id, occurred_at)
          select e.event_id, e.lead_id, e.type, e.from_state, e.to_state, e.cause, e.data, e.trace_id, e.occurred_at
          from jsonb_to_recordset(${eventRows}::jsonb) as e(
            event_id uuid, lead_id uuid, type text, from_state text, to_state text, cause text, data jsonb, trace_id text, occurred_at timestamptz
          )
          where e.lead_id in (select id from updated)
        ), rep_states as (
          update reps set
            state = r.state, active_leads = r.active_leads,
            last_assigned_at = r.last_assigned_at, last_assignment_seq = r.last_assignment_seq,
            snapshot = coalesce(r.snapshot, reps.snapshot),
            version = r.revision
          from (
            select distinct on (s.id) s.*
            from jsonb_to_recordset(${repRows}::jsonb) as s(
              id uuid, state text, active_leads int, last_assigned_at timestamptz, last_assignment_seq bigint, revision int, snapshot jsonb, lead_id uuid
            )
            where s.lead_id is null or s.lead_id in (select id from updated)
            order by s.id, s.revision desc
          ) as r
          where reps.id = r.id and reps.version < r.revision and exists (select 1 from fence)
        ), rep_log as (
          insert into rep_events (rep_id, from_state, to_state, cause, active_leads, occurred_at)
          select t.rep_id, t.from_state, t.to_state, t.cause, t.active_leads, t.occurred_at from unnest(
            ${repTransitions.map((t) => t.repId)}::uuid[], ${repTransitions.map((t) => t.from)}::text[],
            ${repTransitions.map((t) => t.to)}::text[], ${repTransitions.map((t) => t.cause)}::text[],
            ${repTransitions.map((t) => t.activeLeads)}::int[], ${repTransitions.map((t) => new Date(t.at).toISOString())}::timestamptz[],
            ${repTransitions.map((t) => t.leadId)}::uuid[]
          ) as t(rep_id, from_state, to_state, cause, active_leads, occurred_at, lead_id)
          where (t.lead_id is null or t.lead_id in (select id from updated)) and exists (select 1 from fence)
        ), timers_set as (
          insert into timers (actor_kind, actor_id, kind, due_at, payload)
          select t.actor_kind, t.actor_id, t.kind, t.due_at, t.payload
          from unnest(
            ${timerSets.map((t) => t.actorKind)}::text[], ${timerSets.map((t) => t.actorId)}::uuid[],
            ${timerSets.map((t) => t.kind)}::text[], ${timerSets.map((t) => new Date(t.dueAt).toISOString())}::timestamptz[],
            ${timerSets.map((t) => JSON.stringify(t.payload ?? {}))}::jsonb[]
          ) as t(actor_kind, actor_id, kind, due_at, payload)
          where (t.actor_kind <> 'lead' or t.actor_id in (select id from updated)) and exists (select 1 from fence)
          on conflict (actor_kind, actor_id, kind) do update set due_at = excluded.due_at, payload = excluded.payload
        ), timers_cleared as (
          delete from timers
          using unnest(
            ${timerClears.map((t) => t.actorKind)}::text[], ${timerClears.map((t) => t.actorId)}::uuid[], ${timerClears.map((t) => t.kind)}::text[]
          ) as c(actor_kind, actor_id, kind)
          where timers.actor_kind = c.actor_kind and timers.actor_id = c.actor_id and timers.kind = c.kind
            and (c.actor_kind <> 'lead' or c.actor_id in (select id from updated))
            and exists (select 1 from fence)
        ), ledgers_saved as (
          insert into team_share_ledgers (team_id, credits, updated_at)
          select l.team_id, l.credits, now()
          from jsonb_to_recordset(${JSON.stringify(ledgers)}::jsonb) as l(team_id uuid, credits jsonb)
          where exists (select 1 from teams t where t.id = l.team_id) and exists (select 1 from fence)
          order by l.team_id
          on conflict (team_id) do update set credits = excluded.credits, updated_at = excluded.updated_at
        )
        select id, version from updated
        union all
        select null, null where not exists (select 1 from fence)`.execute(db);
      };
      const fencedOff = (rows: ReadonlyArray<{ id: string | null }>) => rows.some((r) => r.id === null);
      let used = await epoch?.();
      let { rows } = await write(used);
      // This router took its own lock back (a lost connection) and raised the epoch while the
      // batch was on its way: written again under the new one. Fenced only if the epoch it used
      // is still its own, that is, another router holds a newer one.
      for (let now = await epoch?.(); fencedOff(rows) && now !== used; now = await epoch?.()) {
        used = now;
        ({ rows } = await write(used));
      }
      if (fencedOff(rows)) return allWrites.map((): RoutingWriteResult => ({ committed: false, reason: 'fenced' }));
      const committedVersions = new Map(rows.map((r) => [r.id as string, r.version as number]));
      return allWrites.map((w): RoutingWriteResult => {
        if (racing.has(w)) return { committed: false, reason: 'stale-version' };
        if (!w.lead) return { committed: true, version: null };
        const version = committedVersions.get(w.lead.leadId);
        return version === undefined ? { committed: false, reason: 'stale-version' } : { committed: true, version };
      });
    },
    { maxConcurrent: 1, ...groupCommit },
  );
  return { write: (w) => committer.submit(w), drain: () => committer.drain() };
}
