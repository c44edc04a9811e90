/**
 * Formats rows as a plain aligned text table with a header line; cells are strings,
 * long ones are not cut (a terminal wraps them, a pipe keeps them whole).
 */
export function formatTable(headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A date for people: ISO without milliseconds, in UTC. */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '-';
  return value.replace(/\.\d{3}Z$/, 'Z').replace('T', ' ');
}
