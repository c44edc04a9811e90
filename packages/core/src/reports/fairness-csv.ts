import type { FairnessRow } from './fairness.ts';
import { type CsvColumn, roundTo, toCsv } from './report-csv.ts';

const COLUMNS: ReadonlyArray<CsvColumn<FairnessRow>> = [
  { header: 'repId', value: (r) => r.repId },
  { header: 'name', value: (r) => r.name },
  { header: 'weight', value: (r) => r.weight },
  { header: 'eligibleSeconds', value: (r) => roundTo(r.eligibleSeconds, 3) },
  { header: 'assignments', value: (r) => r.assignments },
  { header: 'expectedShare', value: (r) => roundTo(r.expectedShare, 6) },
  { header: 'actualShare', value: (r) => roundTo(r.actualShare, 6) },
  { header: 'expected', value: (r) => roundTo(r.expected, 3) },
  { header: 'deviation', value: (r) => roundTo(r.deviation, 3) },
];

/** The fairness report's rows as CSV, one line per rep, with the JSON field names as headers. */
export function fairnessCsv(rows: ReadonlyArray<FairnessRow>): string {
  return toCsv(COLUMNS, rows);
}
