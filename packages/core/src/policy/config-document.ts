import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ValidationIssue } from '../errors.ts';
import { findUnstorableValue, MAX_NESTING } from '../storable-text.ts';
import { dottedPath } from '../zod-issues.ts';
import { type ConfigIssue, crossReferenceIssues } from './config-references.ts';
import { type RoutingConfig, routingConfigSchema } from './routing-config.ts';
import { positionOf, type SourceMap, sourceMap } from './source-position.ts';

// What callers of the document reader need to add checks of their own and to locate them.
export { type ConfigIssue, crossReferenceIssues } from './config-references.ts';
export { positionOf, type SourceMap, sourceMap, type SourcePosition } from './source-position.ts';

/**
 * A routing configuration document, as admins write it (YAML or JSON), read and checked in
 * one step: the result is either the configuration or every problem found, each located by a
 * dotted path (`rules[3].when.country`) and, when read from text, by the line and column of
 * the node at fault, in the order they appear in the document.
 */
export type RoutingConfigResult =
  | { readonly ok: true; readonly config: RoutingConfig }
  | { readonly ok: false; readonly errors: ValidationIssue[] };

/** The syntax of a routing configuration document. */
export type RoutingConfigFormat = 'yaml' | 'json';

export interface RoutingConfigChecks {
  /**
   * More checks of the document as given (say, that the reps it names exist), reported with
   * the schema's problems. It sees the value before the schema does, so it must expect anything.
   */
  readonly check?: (value: unknown) => ReadonlyArray<ConfigIssue>;
}

const EMPTY_DOCUMENT = 'the document is empty; expected a routing configuration with teams, territories and rules';

/**
 * Parses and validates a routing configuration document.
 *
 * YAML is read as YAML 1.2 (so `no` and `off` stay strings, and a key given twice is an
 * error). JSON is valid YAML, so leaving `format` out reads either; `format: 'json'` insists
 * on strict JSON. Syntax errors have the path `''` and a message with the line and column.
 *
 * @param format `'yaml'` (the default) or `'json'`.
 * @example
 * const result = parseRoutingConfig(await readFile('routing.yaml', 'utf8'));
 * if (!result.ok) for (const e of result.errors) console.error(`${e.line}:${e.column} ${e.path}: ${e.message}`);
 */
export function parseRoutingConfig(text: string, format: RoutingConfigFormat = 'yaml', checks: RoutingConfigChecks = {}): RoutingConfigResult {
  const parsed = format === 'json' ? parseJson(text) : parseYaml(text);
  if (!parsed.ok) return parsed;
  const checked = checkValue(parsed.value, checks);
  if (checked.ok) return checked;
  // JSON is YAML too: its nodes are found the same way.
  const source = parsed.source ?? sourceMap(text);
  const located = checked.issues.map((issue, order) => ({ order, issue: { ...toIssue(issue), ...positionOf(source, issue.path, issue.at) } }));
  located.sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.order - b.order);
  return { ok: false, errors: located.map((l) => l.issue) };
}

/**
 * Validates a routing configuration that is already parsed, such as a JSON request body.
 * Fills in defaults; never throws. Problems come in the order of the keys they are under.
 */
export function validateRoutingConfig(value: unknown, checks: RoutingConfigChecks = {}): RoutingConfigResult {
  const checked = checkValue(value, checks);
  if (checked.ok) return checked;
  const ranked = checked.issues.map((issue, order) => ({ order, rank: documentOrder(value, issue.path), issue }));
  ranked.sort((a, b) => compareRanks(a.rank, b.rank) || a.order - b.order);
  return { ok: false, errors: ranked.map((r) => toIssue(r.issue)) };
}

type Checked = { readonly ok: true; readonly config: RoutingConfig } | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Every problem with the value: its shape, how its parts name each other, and `checks.check`. */
function checkValue(value: unknown, checks: RoutingConfigChecks): Checked {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, issues: [{ path: [], message: 'expected a mapping at the top level, with teams, territories and rules' }] };
  }
  // Conditions nest (all/any/not), and so does the schema that reads them: a document nested
  // thousands deep would exhaust the stack instead of getting an answer. Text PostgreSQL can't
  // store is named here too.
  const unstorable = findUnstorableValue(value);
  if (unstorable !== undefined) return { ok: false, issues: [{ path: unstorable.path, message: unstorable.message }] };
  const result = routingConfigSchema.safeParse(value);
  const issues = result.success ? [] : schemaIssues(result.error);
  // The schema checks references only once the whole document has the right shape; an admin
  // wants them in the same answer as the shape's problems, so they are checked here as well.
  if (!result.success) issues.push(...crossReferenceIssues(value));
  issues.push(...(checks.check?.(value) ?? []));
  if (result.success && issues.length === 0) return { ok: true, config: result.data };
  const seen = new Set<string>();
  return {
    ok: false,
    issues: issues.filter((issue) => {
      const key = `${dottedPath(issue.path)}\u0000${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}

/**
 * zod reports an unknown key on the object that holds it; a document's reader wants the key
 * itself (`teams[0].colour: unknown field "colour"`), one issue per key, so that an editor can
 * point at the line.
 */
function schemaIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(pathKey), message: `unknown field "${key}"`, at: 'key' as const }))
      : [{ path: issue.path.map(pathKey), message: issue.message, ...(UNKNOWN_KEY.test(issue.message) && { at: 'key' as const }) }],
  );
}

/** A condition's own check names an unknown test by its key (`unknown test "between"`): the key is at fault, not its value. */
const UNKNOWN_KEY = /^unknown (test|field)s? "/;

const pathKey = (key: PropertyKey): string | number => (typeof key === 'number' ? key : String(key));

function toIssue(issue: ConfigIssue): ValidationIssue {
  return { path: dottedPath(issue.path), message: issue.message };
}

/** Where `path` is in `value` as its keys are written: each step's position among its siblings. */
function documentOrder(value: unknown, path: ReadonlyArray<string | number>): number[] {
  const rank: number[] = [];
  let node = value;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') {
      rank.push(key);
      node = node[key];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, key)) {
      rank.push(Object.keys(node).indexOf(String(key)));
      node = (node as Record<string, unknown>)[key];
    } else {
      break;
    }
  }
  return rank;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

type Parsed = { readonly ok: true; readonly value: unknown; readonly source?: SourceMap } | { readonly ok: false; readonly errors: ValidationIssue[] };

function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  // logLevel 'error': the yaml package would print a process warning for, say, a key that is a list.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  // The yaml package composes nested collections recursively and reports running out of stack,
  // once for every level it unwinds: the outermost of those says it all.
  const tooDeep = document.errors.filter((error) => error.code === 'RESOURCE_EXHAUSTION').sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (tooDeep) {
    const { line, col } = lineCounter.linePos(tooDeep.pos[0]);
    return { ok: false, errors: [{ path: '', message: `line ${line}, column ${col}: nests too deeply to read (a configuration may nest up to ${MAX_NESTING} levels); flatten it`, line, column: col }] };
  }
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `line ${line}, column ${col}: ${yamlMessage(error.code, error.message)}`, line, column: col };
      }),
    };
  }
  if (document.contents === null) return failure('', EMPTY_DOCUMENT);
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }), source: { document: document as Document, lineCounter } };
  } catch (error) {
    // toJS refuses documents whose aliases expand too far (the "billion laughs" attack).
    return failure('', `the document cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The yaml package's messages, reworded where they speak to a programmer rather than an admin. */
function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one document (a line "---" starts another); keep the whole configuration in one';
  if (code === 'DUPLICATE_KEY') return 'this key is already set above; give each key once';
  return message;
}

function parseJson(text: string): Parsed {
  if (text.trim() === '') return failure('', EMPTY_DOCUMENT);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, errors: [jsonIssue(error instanceof Error ? error.message : String(error))] };
  }
}

/**
 * V8's JSON error, led by the line and column when it gives them ("Expected ':' after
 * property name in JSON at position 5 (line 1 column 6)"); some of its messages quote the
 * text near the problem instead.
 */
function jsonIssue(message: string): ValidationIssue {
  const located = /^(.*) in JSON at position \d+ \(line (\d+) column (\d+)\)$/.exec(message);
  if (!located) return { path: '', message: `not valid JSON: ${message}` };
  return { path: '', message: `line ${located[2]}, column ${located[3]}: ${located[1]}`, line: Number(located[2]), column: Number(located[3]) };
}

function failure(path: string, message: string): { readonly ok: false; readonly errors: ValidationIssue[] } {
  return { ok: false, errors: [{ path, message }] };
}
