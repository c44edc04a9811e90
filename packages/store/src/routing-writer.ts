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
  readonly assignment?: {
    readonly repId: RepId;
    readonly teamId: TeamId;
    readonly decision: RoutingDecision;
    readonly at: Date;
  };
}

/** Something the router persists: a lead transition, rep states, or both. */
export interface RoutingWrite {
  readonly lead?: LeadTransition;
  readonly reps?: ReadonlyArray<RepLiveState>;
}

/** The outcome of one write. */
export type RoutingWriteResult =
  | { readonly committed: true; readonly version: number | null }
  /** The lead's row had moved past `expectedVersion` (another writer got there first); nothing of this write was stored. */
  | { readonly committed: false; readonly reason: 'stale-version' };

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
export function createRoutingWriter(db: Kysely<Database>, options?: GroupCommitOptions): RoutingWriter {
  const committer = createGroupCommitter<RoutingWrite, RoutingWriteResult>(
    db,
    async (db, writes) => {
      const leads = writes.flatMap((w) => (w.lead ? [w.lead] : []));
      const assigned = leads.filter((l) => l.assignment !== undefined);
      const events = leads.flatMap((l) => l.events.map((e) => ({ ...e, leadId: l.leadId })));
      // Only the latest state of each rep matters, here and across transactions in
      // flight: the revision guard drops a state older than the stored one.
      const latestRep = new Map<string, RepLiveState>();
      for (const w of writes) {
        for (const rep of w.reps ?? []) {
          const seen = latestRep.get(rep.repId);
          if (!seen || seen.revision < rep.revision) latestRep.set(rep.repId, rep);
        }
      }
      const reps = [...latestRep.values()];
      // One statement for the whole batch: atomic on its own, so no transaction round
      // trips. Inserts depend on the version-guarded update: a stale lead writes nothing.
      // (Re-assignment, which must first end an open assignment, comes with SLAs.)
      const { rows } = await sql<{ id: string; version: number }>`
        with updated as (
          update leads set
            state = v.state, owner_id = v.owner_id, team_id = v.team_id,
            waiting_reason = v.waiting_reason, snapshot = v.snapshot,
            version = leads.version + 1, updated_at = now()
          from unnest(
            ${leads.map((l) => l.leadId)}::uuid[], ${leads.map((l) => l.expectedVersion)}::int[],
            ${leads.map((l) => l.state)}::text[], ${leads.map((l) => l.ownerId)}::uuid[],
            ${leads.map((l) => l.teamId)}::uuid[], ${leads.map((l) => l.waitingReason)}::text[],
            ${leads.map((l) => JSON.stringify(l.snapshot))}::jsonb[]
          ) as v(id, expected, state, owner_id, team_id, waiting_reason, snapshot)
          where leads.id = v.id and leads.version = v.expected
          returning leads.id, leads.version
        ), new_assignments as (
          insert into assignments (lead_id, rep_id, team_id, decision, assigned_at)
          select a.lead_id, a.rep_id, a.team_id, a.decision, a.assigned_at
          from unnest(
            ${assigned.map((l) => l.leadId)}::uuid[], ${assigned.map((l) => l.assignment!.repId)}::uuid[],
            ${assigned.map((l) => l.assignment!.teamId)}::uuid[], ${assigned.map((l) => JSON.stringify(l.assignment!.decision))}::jsonb[],
            ${assigned.map((l) => l.assignment!.at.toISOString())}::timestamptz[]
          ) as a(lead_id, rep_id, team_id, decision, assigned_at)
          where a.lead_id in (select id from updated)
        ), new_events as (
          insert into lead_events (event_id, lead_id, type, from_state, to_state, cause, data, trace_id, occurred_at)
          select e.event_id, e.lead_id, e.type, e.from_state, e.to_state, e.cause, e.data, e.trace_id, e.occurred_at
          from unnest(
            ${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.leadId)}::uuid[], ${events.map((e) => e.type)}::text[],
            ${events.map((e) => e.from)}::text[], ${events.map((e) => e.to)}::text[], ${events.map((e) => e.cause)}::text[],
            ${events.map((e) => JSON.stringify(e.data ?? {}))}::jsonb[], ${events.map((e) => e.traceId)}::text[],
            ${events.map((e) => e.at.toISOString())}::timestamptz[]
          ) as e(event_id, lead_id, type, from_state, to_state, cause, data, trace_id, occurred_at)
          where e.lead_id in (select id from updated)
        ), rep_states as (
          update reps set
            state = r.state, active_leads = r.active_leads,
            last_assigned_at = r.last_assigned_at, last_assignment_seq = r.last_assignment_seq,
            version = r.revision
          from unnest(
            ${reps.map((r) => r.repId)}::uuid[], ${reps.map((r) => r.state)}::text[],
            ${reps.map((r) => r.activeLeads)}::int[],
            ${reps.map((r) => (r.lastAssignedAt === null ? null : new Date(r.lastAssignedAt).toISOString()))}::timestamptz[],
            ${reps.map((r) => r.lastAssignmentSeq)}::bigint[], ${reps.map((r) => r.revision)}::int[]
          ) as r(id, state, active_leads, last_assigned_at, last_assignment_seq, revision)
          where reps.id = r.id and reps.version < r.revision
        )
        select id, version from updated`.execute(db);
      const committedVersions = new Map(rows.map((r) => [r.id, r.version]));
      return writes.map((w): RoutingWriteResult => {
        if (!w.lead) return { committed: true, version: null };
        const version = committedVersions.get(w.lead.leadId);
        return version === undefined ? { committed: false, reason: 'stale-version' } : { committed: true, version };
      });
    },
    { maxConcurrent: 1, ...options },
  );
  return { write: (w) => committer.submit(w), drain: () => committer.drain() };
}
