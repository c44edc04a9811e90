import type { RepId, RepStateChange, RepStateHistory, SlaTeamRow, TeamId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/** A period [from, to). */
export interface ReportPeriod {
  readonly from: Date;
  readonly to: Date;
}

/** One rep as the fairness report needs it from the store: its profile, state log and assignment count. */
export interface FairnessRepRecord {
  readonly repId: RepId;
  readonly name: string;
  /** The rep's current weight (weights have no history). */
  readonly weight: number;
  /** What `availableIntervals` needs: the state log around the period. */
  readonly history: RepStateHistory;
  /** Assignments in the period (to the team, when one is given). */
  readonly assignments: number;
}

/** Reads what the fairness and SLA reports are made of. */
export interface ReportRepository {
  /**
   * The reps of a fairness report: with a team, its members (in member order) and anyone
   * else the team assigned a lead to in the period; without, every active rep and anyone
   * assigned a lead in the period (by name). Assignments count those made in the period
   * (to the team, when one is given), whether or not they ended since.
   */
  fairnessReps(period: ReportPeriod, team: { readonly id: TeamId; readonly members: ReadonlyArray<RepId> } | null): Promise<FairnessRepRecord[]>;
  /**
   * Per team, in team order: the leads it was assigned in the period, how many of them its
   * reps touched and how soon after the team's first assignment of the lead (median and
   * 90th percentile, interpolated), and the SLA breaches in the period while its reps held
   * a lead. Assignments outside any team are not counted.
   */
  slaByTeam(period: ReportPeriod): Promise<SlaTeamRow[]>;
}

/** Creates the PostgreSQL report repository. */
export function createReportRepository(db: Kysely<Database>): ReportRepository {
  return {
    async fairnessReps(period, team) {
      let counts = db
        .selectFrom('assignments')
        .select(['rep_id', (eb) => eb.fn.countAll<string>().as('count')])
        .where('assigned_at', '>=', period.from)
        .where('assigned_at', '<', period.to)
        .groupBy('rep_id');
      if (team) counts = counts.where('team_id', '=', team.id);
      const assignments = new Map((await counts.execute()).map((r) => [r.rep_id, Number(r.count)]));

      const wanted = team ? [...new Set([...team.members, ...assignments.keys()])] : null;
      let repQuery = db.selectFrom('reps').select(['id', 'name', 'weight', 'state', 'active', 'created_at']);
      if (wanted) repQuery = wanted.length === 0 ? repQuery.where(sql<boolean>`false`) : repQuery.where('id', 'in', wanted);
      const rows = (await repQuery.orderBy('name').orderBy('id').execute()).filter((r) => wanted !== null || r.active || assignments.has(r.id));
      if (wanted) {
        const order = new Map(wanted.map((id, i) => [id, i]));
        rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      }
      const ids = rows.map((r) => r.id);
      if (ids.length === 0) return [];

      const toChange = (r: { occurred_at: Date; from_state: string | null; to_state: string }): RepStateChange => ({
        at: r.occurred_at.getTime(),
        from: r.from_state,
        to: r.to_state,
      });
      const columns = ['rep_id', 'occurred_at', 'from_state', 'to_state'] as const;
      const prior = await db
        .selectFrom('rep_events')
        .distinctOn('rep_id')
        .select(columns)
        .where('rep_id', 'in', ids)
        .where('occurred_at', '<', period.from)
        .orderBy('rep_id')
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      const inside = await db
        .selectFrom('rep_events')
        .select(columns)
        .where('rep_id', 'in', ids)
        .where('occurred_at', '>=', period.from)
        .where('occurred_at', '<', period.to)
        .orderBy('rep_id')
        .orderBy('occurred_at')
        .orderBy('id')
        .execute();
      // A rep with no change before or inside the period was in one state throughout: the one its next change left.
      const changed = new Set([...prior, ...inside].map((r) => r.rep_id));
      const unchanged = ids.filter((id) => !changed.has(id));
      const after =
        unchanged.length === 0
          ? []
          : await db
              .selectFrom('rep_events')
              .distinctOn('rep_id')
              .select(columns)
              .where('rep_id', 'in', unchanged)
              .where('occurred_at', '>=', period.to)
              .orderBy('rep_id')
              .orderBy('occurred_at')
              .orderBy('id')
              .execute();
      const priorOf = new Map(prior.map((r) => [r.rep_id, toChange(r)]));
      const changesOf = new Map<string, RepStateChange[]>();
      for (const r of [...inside, ...after]) {
        const list = changesOf.get(r.rep_id) ?? [];
        list.push(toChange(r));
        changesOf.set(r.rep_id, list);
      }
      return rows.map((r) => ({
        repId: r.id as RepId,
        name: r.name,
        weight: r.weight,
        history: {
          createdAt: r.created_at.getTime(),
          currentState: r.state,
          priorChange: priorOf.get(r.id) ?? null,
          changes: changesOf.get(r.id) ?? [],
        },
        assignments: assignments.get(r.id) ?? 0,
      }));
    },

    async slaByTeam(period) {
      const { rows } = await sql<{
        team_id: string;
        team_name: string;
        leads: string | null;
        touched: string | null;
        breaches: string | null;
        median: number | null;
        p90: number | null;
      }>`
        with team_leads as (
          select a.team_id, a.lead_id, min(a.assigned_at) as first_assigned_at
          from assignments a
          where a.team_id is not null and a.assigned_at >= ${period.from} and a.assigned_at < ${period.to}
          group by a.team_id, a.lead_id
        ), first_touches as (
          -- The first touch by a rep who held the lead for this team, from the team's first assignment on.
          select tl.team_id, tl.first_assigned_at, (
            select min(e.occurred_at) from lead_events e
            where e.lead_id = tl.lead_id and e.type = 'lead.touched' and e.occurred_at >= tl.first_assigned_at
              and exists (
                select 1 from assignments held
                where held.lead_id = e.lead_id and held.team_id = tl.team_id
                  and held.rep_id::text = e.data->>'repId' and held.assigned_at <= e.occurred_at
              )
          ) as touched_at
          from team_leads tl
        ), per_team as (
          select team_id, count(*) as leads, count(touched_at) as touched,
            percentile_cont(0.5) within group (order by extract(epoch from touched_at - first_assigned_at)::float8) as median,
            percentile_cont(0.9) within group (order by extract(epoch from touched_at - first_assigned_at)::float8) as p90
          from first_touches group by team_id
        ), breaches as (
          -- A breach belongs to the team of the assignment it ended: the breaching rep's, made before it.
          select held.team_id, count(*) as breaches
          from lead_events e
          cross join lateral (
            select a.team_id from assignments a
            where a.lead_id = e.lead_id and a.assigned_at < e.occurred_at
              and (e.data->>'repId' is null or a.rep_id::text = e.data->>'repId')
            order by a.assigned_at desc, a.id desc limit 1
          ) held
          where e.type = 'lead.breached' and e.occurred_at >= ${period.from} and e.occurred_at < ${period.to}
          group by held.team_id
        )
        select t.id as team_id, t.name as team_name, p.leads, p.touched, b.breaches, p.median, p.p90
        from teams t
        left join per_team p on p.team_id = t.id
        left join breaches b on b.team_id = t.id
        order by t.position`.execute(db);
      return rows.map((r) => ({
        teamId: r.team_id,
        teamName: r.team_name,
        leads: Number(r.leads ?? 0),
        touched: Number(r.touched ?? 0),
        breaches: Number(r.breaches ?? 0),
        medianFirstTouchSeconds: r.median === null ? null : Number(r.median),
        p90FirstTouchSeconds: r.p90 === null ? null : Number(r.p90),
      }));
    },
  };
}
