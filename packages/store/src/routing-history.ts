import { type LeadFacts, type LeadId, LifecycleEventType, type RepId, type Strategy, type TeamId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';


/** The events that end a lead: its assignment, if any, with it. */
const CLOSING_EVENTS: ReadonlyArray<string> = [LifecycleEventType.leadClosed, LifecycleEventType.leadConverted];

/** Whether the lead whose id is in the column `leadId` was closed (or converted) before `from`. */
const closedBefore = (leadId: string, from: Date) =>
  sql<boolean>`exists (select 1 from lead_events c where c.lead_id = ${sql.ref(leadId)} and c.type = any(${CLOSING_EVENTS}::text[]) and c.occurred_at < ${from})`;

/** A lead of a replayed period, with what really happened to it. */
export interface PeriodLeadRecord {
  readonly id: LeadId;
  readonly externalId: string | null;
  readonly requestedTeam: string | null;
  readonly facts: LeadFacts;
  readonly createdAt: Date;
  /** Its place in a waiting line: highest first. */
  readonly priority: number;
  /**
   * When the router first decided on it (its first assignment or wait), null if it never did:
   * the order leads reached the routing policy in, which concurrent intake can shuffle against
   * `createdAt`.
   */
  readonly routedAt: Date | null;
  /**
   * The router's sequence number of its first decision (an assignment or a wait) and that
   * decision's team: they order the team's leads as they were decided (see `RoutingDecision.seq`).
   */
  readonly decisionOrder: { readonly teamId: TeamId; readonly seq: number } | null;
  /** Its first assignment, null if it never had an owner. */
  readonly firstAssignment: {
    readonly repId: RepId;
    readonly teamName: string | null;
    readonly ruleName: string | null;
    readonly summary: string;
    readonly assignedAt: Date;
    /** When it ended (breached, rejected, re-routed); a closed lead's stays open, see `closedAt`. */
    readonly endedAt: Date | null;
  } | null;
  /** The queue of its first wait, if it waited in one. */
  readonly waitQueue: string | null;
  readonly waitSummary: string | null;
  /** When it was closed or converted, if it was. */
  readonly closedAt: Date | null;
}

/** An assignment made before the period (see `PriorAssignment` in core). */
export interface PriorAssignmentRecord {
  readonly repId: RepId;
  readonly teamId: TeamId | null;
  readonly assignedAt: Date;
  readonly endedAt: Date | null;
  readonly strategy: Strategy | null;
  /** Weighted round robin's candidates only (the credits); empty for other strategies. */
  readonly candidates: ReadonlyArray<{ readonly repId: RepId; readonly verdict: string; readonly score?: number }>;
}

/** A rep's state change from the rep event log. */
export interface RepStateRecord {
  readonly repId: RepId;
  readonly state: string;
  readonly at: Date;
}

/** Everything a replay of a past period reads. */
export interface RoutingHistory {
  /** The period's leads, in the order the router decided on them (then by arrival). */
  readonly leads: ReadonlyArray<PeriodLeadRecord>;
  /** Leads received before the period and still waiting for an owner at its start: they take places in it too. */
  readonly carried: ReadonlyArray<PeriodLeadRecord>;
  /** Assignments before `from` (the last 35 days', and older ones still held), oldest first. */
  readonly prior: ReadonlyArray<PriorAssignmentRecord>;
  /** Each rep's last state change before `from`, then every change up to `to`, oldest first. */
  readonly repStates: ReadonlyArray<RepStateRecord>;
}

/**
 * Reads what a replay of the period [from, to) needs: its leads with their first assignment,
 * wait and closure; the assignments before it (round-robin order, loads, credits); and the rep
 * event log. Four reads, each one statement.
 */
export async function readRoutingHistory(db: Kysely<Database>, from: Date, to: Date, limit: number): Promise<RoutingHistory> {
  const [leads, carried, prior, repStates] = await Promise.all([
    periodLeads(db, { type: 'period', from, to }, limit),
    periodLeads(db, { type: 'carried', from }, limit),
    priorAssignments(db, from),
    repStateChanges(db, from, to),
  ]);
  return { leads, carried, prior, repStates };
}

/** The leads received in the period, or those received before it that were still waiting for an owner at its start. */
type LeadSelection = { readonly type: 'period'; readonly from: Date; readonly to: Date } | { readonly type: 'carried'; readonly from: Date };

async function periodLeads(db: Kysely<Database>, selection: LeadSelection, limit: number): Promise<PeriodLeadRecord[]> {
  const { from } = selection;
  let query = db
    .selectFrom('leads as l')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('assignments as a')
          .leftJoin('teams as t', 't.id', 'a.team_id')
          .select([
            'a.id as assignment_id',
            'a.rep_id',
            'a.team_id',
            sql<string | null>`a.decision->>'seq'`.as('seq'),
            't.name as team_name',
            sql<string | null>`a.decision->'rule'->>'name'`.as('rule_name'),
            sql<string | null>`a.decision->>'summary'`.as('summary'),
            'a.assigned_at',
            'a.ended_at',
          ])
          .whereRef('a.lead_id', '=', 'l.id')
          .orderBy('a.id')
          .limit(1)
          .as('first'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('lead_events as e')
          .select([
            'e.id as event_id',
            'e.occurred_at as routed_at',
            'e.type as routed_type',
            // A wait's decision is in its log entry; its team is the one it waits for.
            sql<string | null>`e.data->'decision'->>'seq'`.as('wait_seq'),
            sql<string | null>`e.data->'decision'->>'teamId'`.as('wait_team_id'),
          ])
          .whereRef('e.lead_id', '=', 'l.id')
          .where('e.type', 'in', ['lead.assigned', 'lead.waiting'])
          .orderBy('e.id')
          .limit(1)
          .as('routed'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('lead_events as w')
          .select([sql<string | null>`w.data->>'queue'`.as('wait_queue'), sql<string | null>`w.data->>'reason'`.as('wait_reason')])
          .whereRef('w.lead_id', '=', 'l.id')
          .where('w.type', '=', 'lead.waiting')
          .orderBy('w.id')
          .limit(1)
          .as('waited'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('lead_events as c')
          .select('c.occurred_at as closed_at')
          .whereRef('c.lead_id', '=', 'l.id')
          .where('c.type', 'in', CLOSING_EVENTS)
          .orderBy('c.id')
          .limit(1)
          .as('closed'),
      (join) => join.onTrue(),
    )
    .select([
      'l.id',
      'l.external_id',
      'l.requested_team',
      'l.email',
      'l.first_name',
      'l.last_name',
      'l.company',
      'l.source',
      'l.attributes',
      'l.created_at',
      'l.priority',
      'first.rep_id',
      'first.team_id',
      'first.seq',
      'first.team_name',
      'first.rule_name',
      'first.summary',
      'first.assigned_at',
      'first.ended_at',
      'routed.routed_at',
      'routed.event_id',
      'routed.routed_type',
      'routed.wait_seq',
      'routed.wait_team_id',
      'waited.wait_queue',
      'waited.wait_reason',
      'closed.closed_at',
    ])
    // The order the router decided in; leads never decided on go by arrival (ids are UUIDv7).
    .orderBy(sql`coalesce(routed.routed_at, l.created_at)`)
    .orderBy(sql`routed.event_id`)
    .orderBy('l.id')
    .limit(limit);
  if (selection.type === 'period') {
    query = query.where('l.created_at', '>=', from).where('l.created_at', '<', selection.to);
  } else {
    // Waiting at `from`: it had waited before, had no owner yet, and was not closed.
    query = query
      .where('l.created_at', '<', from)
      .where((eb) => eb.exists(eb.selectFrom('lead_events as w0').select('w0.id').whereRef('w0.lead_id', '=', 'l.id').where('w0.type', '=', 'lead.waiting').where('w0.occurred_at', '<', from)))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('assignments as a0').select('a0.id').whereRef('a0.lead_id', '=', 'l.id').where('a0.assigned_at', '<', from))))
      .where((eb) => eb.not(closedBefore('l.id', from)));
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id as LeadId,
    externalId: r.external_id,
    requestedTeam: r.requested_team,
    facts: { email: r.email, firstName: r.first_name, lastName: r.last_name, company: r.company, source: r.source, attributes: r.attributes },
    createdAt: r.created_at,
    priority: r.priority,
    routedAt: r.routed_at ?? null,
    decisionOrder: decisionOrderOf(r.routed_type === 'lead.assigned' ? { teamId: r.team_id, seq: r.seq } : { teamId: r.wait_team_id, seq: r.wait_seq }),
    firstAssignment:
      r.rep_id && r.assigned_at
        ? {
            repId: r.rep_id as RepId,
            teamName: r.team_name ?? null,
            ruleName: r.rule_name ?? null,
            summary: r.summary ?? '',
            assignedAt: r.assigned_at,
            endedAt: r.ended_at ?? null,
          }
        : null,
    waitQueue: r.wait_queue ?? null,
    waitSummary: r.wait_reason ?? null,
    closedAt: r.closed_at ?? null,
  }));
}

function decisionOrderOf(first: { teamId: string | null | undefined; seq: string | null | undefined }): PeriodLeadRecord['decisionOrder'] {
  if (!first.teamId || first.seq === null || first.seq === undefined) return null;
  return { teamId: first.teamId as TeamId, seq: Number(first.seq) };
}

/**
 * How far before the period assignments are read besides those still held: longer than the
 * longest load window (a month) and cap window (a week). A rep whose last lead is older ranks
 * as never assigned in round robin, which it nearly is.
 */
const PRIOR_HORIZON_MS = 35 * 86_400_000;

async function priorAssignments(db: Kysely<Database>, from: Date): Promise<PriorAssignmentRecord[]> {
  const rows = await db
    .selectFrom('assignments')
    .select([
      'rep_id',
      'team_id',
      'assigned_at',
      // Closing a lead doesn't end its assignment row, but the rep no longer holds it.
      sql<Date | null>`coalesce(ended_at, (
        select min(e.occurred_at) from lead_events e
        where e.lead_id = assignments.lead_id and e.type = any(${CLOSING_EVENTS}::text[]) and e.occurred_at >= assignments.assigned_at
      ))`.as('ended_at'),
      sql<Strategy | null>`decision->>'strategy'`.as('strategy'),
      // Only weighted round robin's credits are needed; other decisions' candidates stay in the database.
      sql<unknown>`case when decision->>'strategy' = 'weighted_round_robin' then decision->'candidates' else '[]'::jsonb end`.as('candidates'),
    ])
    .where('assigned_at', '<', from)
    // Recent ones (load, cap and round-robin windows; weighted credits), and older ones only if
    // still held at `from`: a long history stays in the database.
    .where((eb) =>
      eb.or([
        eb('assigned_at', '>=', new Date(from.getTime() - PRIOR_HORIZON_MS)),
        eb.and([
          eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]),
          eb.not(closedBefore('assignments.lead_id', from)),
        ]),
      ]),
    )
    .orderBy('assigned_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    repId: r.rep_id as RepId,
    teamId: r.team_id as TeamId | null,
    assignedAt: r.assigned_at,
    endedAt: r.ended_at,
    strategy: r.strategy,
    candidates: (r.candidates as PriorAssignmentRecord['candidates'] | null) ?? [],
  }));
}

async function repStateChanges(db: Kysely<Database>, from: Date, to: Date): Promise<RepStateRecord[]> {
  const before = await db
    .selectFrom('rep_events')
    .distinctOn('rep_id')
    .select(['rep_id', 'to_state', 'occurred_at'])
    .where('occurred_at', '<', from)
    .orderBy('rep_id')
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const during = await db
    .selectFrom('rep_events')
    .select(['rep_id', 'to_state', 'occurred_at'])
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return [...before, ...during].map((r) => ({ repId: r.rep_id as RepId, state: r.to_state, at: r.occurred_at }));
}
