import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { userInfo } from 'node:os';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { ApiError, type ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';
import { locateProblem } from '../locate-problem.ts';

interface Applied {
  version: number | null;
  dryRun: boolean;
  teams: number;
  territories: number;
  rules: number;
  routerNotified: boolean;
}
interface VersionSummary {
  version: number;
  author: string;
  comment: string | null;
  rolledBackFrom: number | null;
  createdAt: string;
}

/** Who is changing the configuration, for its history. */
function author(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

interface Problem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * An API validation error, one line per problem so that an admin sees every problem at once.
 * A problem located in `file` reads `<file>:<line>:<column> <path>: <message>`, the form editors
 * and terminals turn into a link to the spot; others read `  <path>: <message>`.
 */
function explainValidation(error: unknown, source?: { file: string; text?: string }): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const errors = (error.body as { errors?: Problem[] } | undefined)?.errors;
  if (!errors?.length) return undefined;
  const line = (e: Problem) => {
    const what = `${e.path || '(document)'}: ${e.message}`;
    if (!source) return `  ${what}`;
    // Only a file sent whole has every path in it (a simulation's leads are not in the file).
    const at = e.line !== undefined ? { line: e.line, column: e.column ?? 1 } : e.path && source.text !== undefined ? locateProblem(source.text, e.path) : undefined;
    return at ? `${source.file}:${at.line}:${at.column} ${what}` : `  ${what}`;
  };
  return ['the configuration is not valid; nothing was changed:', ...errors.map(line)].join('\n');
}

/** `switchboard config apply <file>`: validate and apply a YAML or JSON configuration. */
export async function applyConfig(api: ApiClient, io: Output, file: string, options: { comment?: string; dryRun?: boolean }): Promise<void> {
  const text = await readFile(file, 'utf8');
  const contentType = extname(file).toLowerCase() === '.json' ? 'application/json' : 'application/yaml';
  const query = new URLSearchParams();
  if (options.comment) query.set('comment', options.comment);
  if (options.dryRun) query.set('dryRun', 'true');
  let applied: Applied;
  try {
    ({ body: applied } = await api.requestText<Applied>('PUT', `/v1/config?${query}`, text, contentType, { 'sb-author': author() }));
  } catch (error) {
    const explained = explainValidation(error, { file, text });
    if (!explained) throw error;
    io.err(explained);
    process.exitCode = 1;
    return;
  }
  const counts = `${applied.teams} team(s), ${applied.territories} territor${applied.territories === 1 ? 'y' : 'ies'}, ${applied.rules} rule(s)`;
  if (applied.dryRun) {
    io.out(`valid: ${counts}; nothing applied (dry run)`);
    return;
  }
  io.out(`applied version ${applied.version}: ${counts}`);
  if (!applied.routerNotified) io.out('note: no router answered; it will use this version when it starts');
}

/** `switchboard config show [--version n]`: print the configuration in force (or a version) as submitted. */
export async function showConfig(api: ApiClient, io: Output, version: number | undefined): Promise<void> {
  const path = version === undefined ? '/v1/config' : `/v1/config/versions/${version}`;
  const { body } = await api.request<{ version: number | null; source: string | null; author?: string; createdAt?: string }>('GET', path);
  if (body.version === null) {
    io.out('no configuration applied yet: leads go to the team they name, else the first team. Apply one with "switchboard config apply <file>".');
    return;
  }
  io.out(`# version ${body.version}, by ${body.author} at ${formatTime(body.createdAt as string)}`);
  io.out(body.source ?? '');
}

/** `switchboard config versions`: the history. */
export async function listConfigVersions(api: ApiClient, io: Output, json: boolean): Promise<void> {
  const { body } = await api.request<{ items: VersionSummary[] }>('GET', '/v1/config/versions');
  if (json) {
    io.out(JSON.stringify(body.items, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('no configuration applied yet');
    return;
  }
  io.out(
    formatTable(
      ['version', 'applied', 'by', 'comment'],
      body.items.map((v) => [String(v.version), formatTime(v.createdAt), v.author, [v.comment, v.rolledBackFrom ? `(restores ${v.rolledBackFrom})` : null].filter(Boolean).join(' ') || '-']),
    ),
  );
}

/** `switchboard config diff <from> [to]`. */
export async function diffConfig(api: ApiClient, io: Output, from: number, to: number | undefined): Promise<void> {
  const query = new URLSearchParams({ from: String(from), ...(to !== undefined && { to: String(to) }) });
  const { body } = await api.request<{ diff: string }>('GET', `/v1/config/diff?${query}`);
  io.out(body.diff.trimEnd());
}

/** `switchboard config rollback <version>`. */
export async function rollbackConfig(api: ApiClient, io: Output, version: number, comment: string | undefined): Promise<void> {
  const { body } = await api.requestText<Applied>('POST', '/v1/config/rollback', JSON.stringify({ version, ...(comment && { comment }) }), 'application/json', {
    'sb-author': author(),
  });
  io.out(`rolled back: version ${body.version} restores version ${version}`);
}

interface Scenario {
  /** `recorded` (a replayed period: the real owners) or `simulated`; absent from older servers. */
  source?: 'recorded' | 'simulated';
  configVersion: number | null;
  perRep: Record<string, number>;
  perTeam: Record<string, number>;
  unmatched: string[];
}
interface Simulation {
  leads: number;
  current: Scenario;
  proposed: Scenario;
  changed: Array<{ label: string; from: string; to: string }>;
  calibration?: { reproduced: number; total: number };
}

const LEAD_FIELDS = new Set(['email', 'firstName', 'lastName', 'company', 'externalId', 'team', 'source']);

/**
 * Leads from a CSV file with a header row: `email`, `firstName`, `lastName`, `company`,
 * `externalId`, `team`, `source` are lead fields; every other column is an attribute
 * (numbers as numbers). Empty cells are left out.
 */
export function leadsFromCsv(text: string): Array<Record<string, unknown>> {
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<Record<string, string>>;
  return rows.map((row) => {
    const lead: Record<string, unknown> = {};
    const attributes: Record<string, string | number> = {};
    for (const [column, value] of Object.entries(row)) {
      if (value === '') continue;
      if (LEAD_FIELDS.has(column)) lead[column] = value;
      else attributes[column] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
    if (Object.keys(attributes).length > 0) lead.attributes = attributes;
    return lead;
  });
}

/** `switchboard simulate --config new.yaml --leads leads.csv` (or `--from/--to`): compare where leads would go. */
export async function simulate(
  api: ApiClient,
  io: Output,
  options: { config: string; leads?: string; from?: string; to?: string; json?: boolean },
): Promise<void> {
  const config = await readFile(options.config, 'utf8');
  const body: Record<string, unknown> = { config };
  if (options.leads) {
    try {
      body.leads = leadsFromCsv(await readFile(options.leads, 'utf8'));
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      io.err(`error: ${options.leads} is not valid CSV: ${error.message}`);
      process.exitCode = 1;
      return;
    }
  }
  else if (options.from) Object.assign(body, { from: options.from, ...(options.to && { to: options.to }) });
  else {
    io.err('error: give --leads <file.csv>, or --from <time> (and --to) to replay past leads');
    process.exitCode = 1;
    return;
  }
  let result: Simulation;
  try {
    ({ body: result } = await api.request<Simulation>('POST', '/v1/simulate', body));
  } catch (error) {
    // Problems with a line are in the configuration file (the leads travel as JSON).
    const explained = explainValidation(error, { file: options.config });
    if (!explained) throw error;
    io.err(explained.replace('the configuration is not valid', 'the simulation input is not valid'));
    process.exitCode = 1;
    return;
  }
  if (options.json) {
    io.out(JSON.stringify(result, null, 2));
    return;
  }
  const recorded = result.current.source === 'recorded';
  const currentName = recorded
    ? 'recorded'
    : result.current.configVersion === null
      ? 'current (built-in)'
      : `current (v${result.current.configVersion})`;
  const compare = (title: string, a: Record<string, number>, b: Record<string, number>) => {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort((x, y) => (b[y] ?? 0) - (b[x] ?? 0) || x.localeCompare(y));
    return [
      title,
      formatTable(
        [title === 'Per rep' ? 'rep' : 'team', currentName, 'proposed', 'change'],
        keys.map((k) => {
          const delta = (b[k] ?? 0) - (a[k] ?? 0);
          return [k, String(a[k] ?? 0), String(b[k] ?? 0), delta === 0 ? '' : delta > 0 ? `+${delta}` : String(delta)];
        }),
      ),
    ].join('\n');
  };
  const lines = recorded
    ? [
        `${result.leads} lead(s) replayed; ${result.changed.length} would go elsewhere than they really went under the proposed configuration.`,
        ...(result.calibration ? [calibrationLine(result.calibration)] : []),
      ]
    : [`${result.leads} lead(s) simulated; ${result.changed.length} would go elsewhere under the proposed configuration.`];
  lines.push(
    '',
    compare('Per rep', result.current.perRep, result.proposed.perRep),
    '',
    compare('Per team', result.current.perTeam, result.proposed.perTeam),
  );
  if (result.changed.length > 0) {
    const shown = result.changed.slice(0, 50);
    lines.push('', 'Leads that change owner', formatTable(['lead', currentName, 'proposed'], shown.map((c) => [c.label, c.from, c.to])));
    if (result.changed.length > shown.length) lines.push(`… and ${result.changed.length - shown.length} more (--json for all)`);
  }
  lines.push('', `Unmatched (no rule; default queue): ${result.proposed.unmatched.length} proposed, ${result.current.unmatched.length} current`);
  for (const label of result.proposed.unmatched.slice(0, 20)) lines.push(`  ${label}`);
  io.out(lines.join('\n'));
}

/** How far the replay can be trusted: the current configuration, replayed, against the record. */
function calibrationLine({ reproduced, total }: { reproduced: number; total: number }): string {
  const share = total === 0 ? 100 : Math.floor((reproduced / total) * 1000) / 10;
  const noise = total - reproduced;
  return noise === 0
    ? `Replaying the current configuration reproduces all ${total} recorded owners: every change above is the proposal's doing.`
    : `Replaying the current configuration reproduces ${reproduced} of ${total} recorded owners (${share}%): about ${noise} of the changes are the replay's noise, not the proposal's.`;
}
