import type { ValidationIssue } from '@switchboard/core';
import { CsvError, type InfoRecord, parse } from 'csv-parse/sync';

/** The columns of an accounts CSV file; only `name` is required. */
export const ACCOUNT_CSV_COLUMNS = ['name', 'domains', 'owner'] as const;
type AccountCsvColumn = (typeof ACCOUNT_CSV_COLUMNS)[number];

/** One data row of an accounts CSV file, as written (not yet validated). */
export interface AccountCsvRow {
  /** The line the row ends on (the header is line 1): what errors name. */
  readonly line: number;
  readonly name: string;
  /** The `domains` cell split on `;`, `,` and white space. */
  readonly domains: ReadonlyArray<string>;
  /** A rep's email or id; null when the cell is empty or the column absent. */
  readonly owner: string | null;
}

/** What `parseAccountsCsv` found: the rows, or why the file can't be read. */
export type AccountCsvParse =
  | { readonly ok: true; readonly rows: ReadonlyArray<AccountCsvRow> }
  | { readonly ok: false; readonly issues: ReadonlyArray<ValidationIssue> };

/**
 * Reads an accounts CSV file: a header row naming the columns (`name,domains,owner`, in any
 * order and case), then one account per row. Cells are trimmed, empty lines skipped, a
 * UTF-8 byte order mark ignored. Checks the file's shape only; the values are the
 * account schema's business.
 *
 * @example
 * parseAccountsCsv('name,domains,owner\nAcme,acme.com;acme.de,sarah@example.com\n')
 * // { ok: true, rows: [{ line: 2, name: 'Acme', domains: ['acme.com', 'acme.de'], owner: 'sarah@example.com' }] }
 */
export function parseAccountsCsv(text: string): AccountCsvParse {
  let records: Array<{ record: string[]; info: InfoRecord }>;
  try {
    // With `info`, each record comes with where it was read; the typings don't say so.
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? `line ${error.lines}` : '';
      return { ok: false, issues: [{ path: line, message: `not valid CSV: ${error.message}` }] };
    }
    throw error;
  }

  const [header, ...data] = records;
  if (!header) {
    return { ok: false, issues: [{ path: '', message: `the file is empty; expected a header row such as "${ACCOUNT_CSV_COLUMNS.join(',')}", then one account per line` }] };
  }
  const issues: ValidationIssue[] = [];
  const columns = new Map<AccountCsvColumn, number>();
  header.record.forEach((cell, i) => {
    const column = cell.toLowerCase() as AccountCsvColumn;
    if (!ACCOUNT_CSV_COLUMNS.includes(column)) {
      issues.push({ path: 'line 1', message: `unknown column "${cell}"; the columns are ${ACCOUNT_CSV_COLUMNS.join(', ')} (only name is required)` });
    } else if (columns.has(column)) {
      issues.push({ path: 'line 1', message: `column "${cell}" appears twice` });
    } else {
      columns.set(column, i);
    }
  });
  if (!columns.has('name') && issues.length === 0) {
    issues.push({ path: 'line 1', message: `the header has no "name" column; expected a header row such as "${ACCOUNT_CSV_COLUMNS.join(',')}"` });
  }
  if (issues.length > 0) return { ok: false, issues };

  const rows: AccountCsvRow[] = [];
  for (const { record, info } of data) {
    if (record.length > header.record.length) {
      issues.push({ path: `line ${info.lines}`, message: `has ${record.length} cells but the header has ${header.record.length} columns; quote a cell that contains a comma` });
      continue;
    }
    const cell = (column: AccountCsvColumn) => {
      const i = columns.get(column);
      return i === undefined ? '' : (record[i] ?? '');
    };
    const owner = cell('owner');
    rows.push({
      line: info.lines,
      name: cell('name'),
      domains: cell('domains').split(/[;,\s]+/).filter(Boolean),
      owner: owner === '' ? null : owner,
    });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, rows };
}
