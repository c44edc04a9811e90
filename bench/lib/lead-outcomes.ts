import type pg from 'pg';
import { phasePattern } from './lead-body.ts';
import type { LatencySummary } from './load-result.ts';

/** What became of one phase's leads, read back from the database. */
export interface LeadOutcomes {
  /** Leads stored (rows in `leads`). */
  readonly stored: number;
  /** Leads in state `assigned` with exactly one open assignment. */
  readonly assigned: number;
  /** Leads without any assignment row. */
  readonly unassigned: number;
  /** Leads with more than one assignment row (must be 0). */
  readonly multiplyAssigned: number;
  /** Leads whose state is not `assigned` although they have an assignment, or the reverse. */
  readonly stateMismatch: number;
  /** States of the leads that are not assigned, with counts. */
  readonly otherStates: Readonly<Record<string, number>>;
  /** The first `leads.created_at` and the last `assignments.assigned_at`. */
  readonly firstIntakeAt: Date | null;
  readonly lastAssignedAt: Date | null;
  /** assigned / (lastAssignedAt − firstIntakeAt). */
  readonly assignedPerSecond: number;
  /** `assigned_at − created_at` per lead. */
  readonly intakeToAssigned: LatencySummary;
}

interface OutcomeRow {
  stored: number;
  assigned: number;
  unassigned: number;
  multiply_assigned: number;
  state_mismatch: number;
  first_intake_at: Date | null;
  last_assigned_at: Date | null;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Reads the outcomes of the leads whose external id starts with `<prefix>-`. */
export async function readLeadOutcomes(pool: pg.Pool, prefix: string): Promise<LeadOutcomes> {
  const { rows } = await pool.query<OutcomeRow>(
    `with l as (
       select id, state, created_at from leads where external_id like $1
     ), a as (
       select lead_id, count(*)::int as n, count(*) filter (where ended_at is null)::int as open, min(assigned_at) as assigned_at
       from assignments where lead_id in (select id from l) group by lead_id
     ), j as (
       select l.state, l.created_at, a.n, a.open, a.assigned_at,
              extract(epoch from a.assigned_at - l.created_at) * 1000 as ms
       from l left join a on a.lead_id = l.id
     )
     select count(*)::int as stored,
            count(*) filter (where state = 'assigned' and n = 1 and open = 1)::int as assigned,
            count(*) filter (where n is null)::int as unassigned,
            count(*) filter (where n > 1)::int as multiply_assigned,
            count(*) filter (where (state = 'assigned') <> (n is not null))::int as state_mismatch,
            min(created_at) as first_intake_at,
            max(assigned_at) as last_assigned_at,
            percentile_disc(0.5) within group (order by ms)::float8 as p50,
            percentile_disc(0.99) within group (order by ms)::float8 as p99,
            max(ms)::float8 as max
     from j`,
    [phasePattern(prefix)],
  );
  const row = rows[0]!;
  const states = await pool.query<{ state: string; n: number }>(
    `select state, count(*)::int as n from leads where external_id like $1 and state <> 'assigned' group by state`,
    [phasePattern(prefix)],
  );
  const spanSeconds =
    row.first_intake_at && row.last_assigned_at ? (row.last_assigned_at.getTime() - row.first_intake_at.getTime()) / 1000 : 0;
  return {
    stored: row.stored,
    assigned: row.assigned,
    unassigned: row.unassigned,
    multiplyAssigned: row.multiply_assigned,
    stateMismatch: row.state_mismatch,
    otherStates: Object.fromEntries(states.rows.map((s) => [s.state, s.n])),
    firstIntakeAt: row.first_intake_at,
    lastAssignedAt: row.last_assigned_at,
    assignedPerSecond: spanSeconds > 0 ? row.assigned / spanSeconds : 0,
    intakeToAssigned: { p50: row.p50 ?? Number.NaN, p99: row.p99 ?? Number.NaN, max: row.max ?? Number.NaN },
  };
}

/** How waiting for the router to catch up ended. */
export interface DrainResult {
  /** Seconds from the call until every stored lead of the phase had an assignment (or until giving up). */
  readonly seconds: number;
  /** False if some leads were still unassigned when progress stopped for `stallMs`. */
  readonly complete: boolean;
}

/**
 * Waits until every stored lead of the phase has an assignment. Gives up when the
 * count of unassigned leads has not moved for `stallMs` (a lead that will never be
 * routed must not hang the bench).
 */
export async function waitForAssignments(pool: pg.Pool, prefix: string, stallMs = 20_000): Promise<DrainResult> {
  const started = performance.now();
  let last = Number.NaN;
  let lastChange = performance.now();
  let quietPolls = 0;
  let drainedAt = 0;
  for (;;) {
    const { rows } = await pool.query<{ stored: number; unassigned: number }>(
      // A hash anti-join: the per-lead `not exists` form is planned as a nested loop
      // over assignments (no index leads with lead_id alone) and gets quadratic.
      `select count(*)::int as stored, count(*) filter (where a.lead_id is null)::int as unassigned
       from leads l left join (select distinct lead_id from assignments) a on a.lead_id = l.id
       where l.external_id like $1`,
      [phasePattern(prefix)],
    );
    const { stored, unassigned } = rows[0]!;
    if (process.env.BENCH_VERBOSE) process.stderr.write(`    [${prefix}] +${Math.round(performance.now() - started)} ms: ${stored} stored, ${unassigned} unassigned\n`);
    // Two polls in a row with nothing left and nothing new stored: the phase is over.
    quietPolls = unassigned === 0 ? quietPolls + 1 : 0;
    if (quietPolls === 1) drainedAt = performance.now();
    if (quietPolls >= 2) return { seconds: (drainedAt - started) / 1000, complete: true };
    const fingerprint = stored * 1e9 + unassigned;
    if (fingerprint !== last) {
      last = fingerprint;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > stallMs) {
      return { seconds: (performance.now() - started) / 1000, complete: false };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
