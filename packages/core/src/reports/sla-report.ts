import { type CsvColumn, roundTo, toCsv } from './report-csv.ts';

/** One team's line of the SLA report over a period. */
export interface SlaTeamRow {
  readonly teamId: string;
  readonly teamName: string;
  /** Leads the team was assigned in the period (each lead once). */
  readonly leads: number;
  /** Of those, the leads the team's reps touched (at any time since). */
  readonly touched: number;
  /** SLA breaches in the period by the team's reps (`lead.breached` events). */
  readonly breaches: number;
  /** From the team's first assignment of a lead to the first touch while the team held it; null when none was touched. */
  readonly medianFirstTouchSeconds: number | null;
  readonly p90FirstTouchSeconds: number | null;
}

const COLUMNS: ReadonlyArray<CsvColumn<SlaTeamRow>> = [
  { header: 'teamId', value: (r) => r.teamId },
  { header: 'teamName', value: (r) => r.teamName },
  { header: 'leads', value: (r) => r.leads },
  { header: 'touched', value: (r) => r.touched },
  { header: 'breaches', value: (r) => r.breaches },
  { header: 'medianFirstTouchSeconds', value: (r) => (r.medianFirstTouchSeconds === null ? null : roundTo(r.medianFirstTouchSeconds, 3)) },
  { header: 'p90FirstTouchSeconds', value: (r) => (r.p90FirstTouchSeconds === null ? null : roundTo(r.p90FirstTouchSeconds, 3)) },
];

/** The SLA report's rows as CSV, one line per team, with the JSON field names as headers. */
export function slaCsv(rows: ReadonlyArray<SlaTeamRow>): string {
  return toCsv(COLUMNS, rows);
}
