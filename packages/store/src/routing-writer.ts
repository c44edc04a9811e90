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
    async (trx, writes) => {
      const leads = writes.flatMap((w) => (w.lead ? [w.lead] : []));
      const committedVersions = new Map<string, number>();
      if (leads.length > 0) {
        const updated = await sql<{ id: string; version: number }>`
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
          returning leads.id, leads.version`.execute(trx);
        for (const row of updated.rows) committedVersions.set(row.id, row.version);
      }
      const committedLeads = leads.filter((l) => committedVersions.has(l.leadId));
      const assigned = committedLeads.filter((l) => l.assignment !== undefined);
      if (assigned.length > 0) {
        // A new assignment ends the lead's previous one: exactly one owner at a time.
        await trx
          .updateTable('assignments')
          .set({ ended_at: new Date() })
          .where(
            'lead_id',
            'in',
            assigned.map((l) => l.leadId),
          )
          .where('ended_at', 'is', null)
          .execute();
        await trx
          .insertInto('assignments')
          .values(
            assigned.map((l) => ({
              lead_id: l.leadId,
              rep_id: l.assignment!.repId,
              team_id: l.assignment!.teamId,
              decision: JSON.stringify(l.assignment!.decision),
              assigned_at: l.assignment!.at,
            })),
          )
          .execute();
      }
      const events = committedLeads.flatMap((l) => l.events.map((e) => ({ ...e, leadId: l.leadId })));
      if (events.length > 0) {
        await trx
          .insertInto('lead_events')
          .values(
            events.map((e) => ({
              event_id: e.id,
              lead_id: e.leadId,
              type: e.type,
              from_state: e.from,
              to_state: e.to,
              cause: e.cause,
              data: JSON.stringify(e.data ?? {}),
              trace_id: e.traceId,
              occurred_at: e.at,
            })),
          )
          .execute();
      }
      // Only the latest state of each rep matters, here and across transactions in
      // flight: the revision guard drops a state older than the stored one.
      const latestRep = new Map<string, RepLiveState>();
      for (const w of writes) {
        for (const rep of w.reps ?? []) {
          const seen = latestRep.get(rep.repId);
          if (!seen || seen.revision < rep.revision) latestRep.set(rep.repId, rep);
        }
      }
      if (latestRep.size > 0) {
        const reps = [...latestRep.values()];
        await sql`
          update reps set
            state = v.state, active_leads = v.active_leads,
            last_assigned_at = v.last_assigned_at, last_assignment_seq = v.last_assignment_seq,
            version = v.revision
          from unnest(
            ${reps.map((r) => r.repId)}::uuid[], ${reps.map((r) => r.state)}::text[],
            ${reps.map((r) => r.activeLeads)}::int[],
            ${reps.map((r) => (r.lastAssignedAt === null ? null : new Date(r.lastAssignedAt).toISOString()))}::timestamptz[],
            ${reps.map((r) => r.lastAssignmentSeq)}::bigint[], ${reps.map((r) => r.revision)}::int[]
          ) as v(id, state, active_leads, last_assigned_at, last_assignment_seq, revision)
          where reps.id = v.id and reps.version < v.revision`.execute(trx);
      }
      return writes.map((w): RoutingWriteResult => {
        if (!w.lead) return { committed: true, version: null };
        const version = committedVersions.get(w.lead.leadId);
        return version === undefined ? { committed: false, reason: 'stale-version' } : { committed: true, version };
      });
    },
    options,
  );
  return { write: (w) => committer.submit(w), drain: () => committer.drain() };
}
