/** A CSV column: its header and how a row gives its cell. */
export interface CsvColumn<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | null;
}

/**
 * Rows as RFC 4180 CSV with a header line (CRLF line ends): cells with a comma, a quote or
 * a line break are quoted, numbers are written as they are, null as an empty cell. A cell
 * that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading quote.
 */
export function toCsv<T>(columns: ReadonlyArray<CsvColumn<T>>, rows: ReadonlyArray<T>): string {
  const line = (cells: ReadonlyArray<string>) => cells.join(',');
  return [line(columns.map((c) => csvCell(c.header))), ...rows.map((row) => line(columns.map((c) => csvCell(c.value(row)))))]
    .map((l) => `${l}\r\n`)
    .join('');
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * `value` rounded to `digits` decimals, as a number (so 0.1 + 0.2 prints 0.3).
 *
 * @example
 * roundTo(2 / 3, 4); // 0.6667
 */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
