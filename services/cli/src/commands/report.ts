import { writeFile } from 'node:fs/promises';
import { ApiError, type ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';

/** How a report is printed or exported. */
export const ReportFormat = { table: 'table', csv: 'csv', json: 'json' } as const;
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

/** Options shared by the report commands. */
export interface ReportOptions {
  readonly from: string;
  /** @default now */
  readonly to?: string;
  /** @default 'table' */
  readonly format?: ReportFormat;
  /** Same as `format: 'json'`. */
  readonly json?: boolean;
  /** Write the report to this file instead of printing it. */
  readonly out?: string;
}

interface FairnessReport {
  from: string;
  to: string;
  team: { id: string; name: string } | null;
  reps: Array<{
    repId: string;
    name: string;
    weight: number;
    eligibleSeconds: number;
    assignments: number;
    expectedShare: number;
    actualShare: number;
    expected: number;
    deviation: number;
  }>;
  test: { statistic: number; degreesOfFreedom: number; pValue: number | null; verdict: string; lowExpectedCounts: boolean };
}

interface SlaReport {
  from: string;
  to: string;
  teams: Array<{
    teamId: string;
    teamName: string;
    leads: number;
    touched: number;
    breaches: number;
    medianFirstTouchSeconds: number | null;
    p90FirstTouchSeconds: number | null;
  }>;
}

/**
 * A duration for people, to its two largest units: "2d 3h", "3h 12m", "4m 05s", "3.9s".
 *
 * @example
 * formatSeconds(11_520); // "3h 12m"
 */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const s = Math.round(seconds);
  const [d, h, m, sec] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(sec).padStart(2, '0')}s`;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const signed = (n: number) => (n > 0 ? `+${n.toFixed(1)}` : n.toFixed(1));

/** Fetches a report, as JSON or as CSV text; a 400 is printed as the API's message. */
async function fetchReport<T>(api: ApiClient, io: Output, path: string, query: URLSearchParams): Promise<T | undefined> {
  try {
    return (await api.request<T>('GET', `${path}?${query}`)).body;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    const message = (error.body as { message?: string } | undefined)?.message ?? error.message;
    io.err(`error: ${message}`);
    process.exitCode = 1;
    return undefined;
  }
}

function periodQuery(options: ReportOptions, format: ReportFormat): URLSearchParams {
  return new URLSearchParams({
    from: options.from,
    to: options.to ?? new Date().toISOString(),
    ...(format === 'csv' && { format: 'csv' }),
  });
}

function formatOf(options: ReportOptions): ReportFormat {
  return options.json ? 'json' : (options.format ?? 'table');
}

/** Prints `text`, or writes it to `--out` and says so. */
async function emit(io: Output, options: ReportOptions, what: string, text: string): Promise<void> {
  if (!options.out) {
    io.out(text.trimEnd());
    return;
  }
  await writeFile(options.out, text.endsWith('\n') ? text : `${text}\n`);
  io.out(`wrote the ${what} to ${options.out}`);
}

/** `switchboard report fairness --from <time> [--to <time>] [--team <team>]`: assignments per rep against weighted shares. */
export async function fairnessReport(api: ApiClient, io: Output, options: ReportOptions & { readonly team?: string }): Promise<void> {
  const format = formatOf(options);
  const query = periodQuery(options, format);
  if (options.team) query.set('team', options.team);
  const report = await fetchReport<FairnessReport | string>(api, io, '/v1/reports/fairness', query);
  if (report === undefined) return;
  if (format !== 'table') {
    await emit(io, options, 'fairness report', typeof report === 'string' ? report : JSON.stringify(report, null, 2));
    return;
  }
  const r = report as FairnessReport;
  const scope = r.team ? `team ${r.team.name}` : 'all reps';
  const lines = [`Fairness, ${scope}, ${formatTime(r.from)} → ${formatTime(r.to)}`, ''];
  if (r.reps.length === 0) {
    lines.push('no reps to report on');
  } else {
    const total = r.reps.reduce((sum, rep) => sum + rep.assignments, 0);
    lines.push(
      formatTable(
        ['rep', 'weight', 'eligible', 'assigned', 'expected', 'deviation', 'actual share', 'weighted share'],
        r.reps.map((rep) => [
          rep.name,
          String(rep.weight),
          formatSeconds(rep.eligibleSeconds),
          String(rep.assignments),
          rep.expected.toFixed(1),
          signed(rep.deviation),
          percent(rep.actualShare),
          percent(rep.expectedShare),
        ]),
      ),
      '',
      `${total} lead(s) assigned. Chi-square test against the weighted shares: ${
        r.test.pValue === null
          ? r.test.verdict
          : `χ² = ${r.test.statistic.toFixed(2)}, ${r.test.degreesOfFreedom} degree(s) of freedom: ${r.test.verdict}`
      }.`,
    );
    if (r.test.lowExpectedCounts) {
      lines.push('warning: some reps expected fewer than 5 leads; the chi-square test is unreliable with so few, so read it with care or choose a longer period.');
    }
  }
  await emit(io, options, 'fairness report', lines.join('\n'));
}

/** `switchboard report sla --from <time> [--to <time>]`: per team, leads, touches, breaches and time to first touch. */
export async function slaReport(api: ApiClient, io: Output, options: ReportOptions): Promise<void> {
  const format = formatOf(options);
  const report = await fetchReport<SlaReport | string>(api, io, '/v1/reports/sla', periodQuery(options, format));
  if (report === undefined) return;
  if (format !== 'table') {
    await emit(io, options, 'SLA report', typeof report === 'string' ? report : JSON.stringify(report, null, 2));
    return;
  }
  const r = report as SlaReport;
  const lines = [`SLA, ${formatTime(r.from)} → ${formatTime(r.to)}`, ''];
  lines.push(
    r.teams.length === 0
      ? 'no teams yet'
      : formatTable(
          ['team', 'leads', 'touched', 'breaches', 'median first touch', 'p90 first touch'],
          r.teams.map((t) => [
            t.teamName,
            String(t.leads),
            String(t.touched),
            String(t.breaches),
            formatSeconds(t.medianFirstTouchSeconds),
            formatSeconds(t.p90FirstTouchSeconds),
          ]),
        ),
  );
  await emit(io, options, 'SLA report', lines.join('\n'));
}
