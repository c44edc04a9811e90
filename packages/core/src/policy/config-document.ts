import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { ValidationIssue } from '../errors.ts';
import { findUnstorableValue, MAX_NESTING } from '../storable-text.ts';
import { dottedPath, toValidationIssues } from '../zod-issues.ts';
import { type RoutingConfig, routingConfigSchema } from './routing-config.ts';

/**
 * A routing configuration document, as admins write it (YAML or JSON), read and checked in
 * one step: the result is either the configuration or every problem found, each located by a
 * dotted path (`rules[3].when.country`) so that the admin can find it in the file.
 */
export type RoutingConfigResult =
  | { readonly ok: true; readonly config: RoutingConfig }
  | { readonly ok: false; readonly errors: ValidationIssue[] };

/** The syntax of a routing configuration document. */
export type RoutingConfigFormat = 'yaml' | 'json';

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
 * if (!result.ok) for (const e of result.errors) console.error(`${e.path}: ${e.message}`);
 */
export function parseRoutingConfig(text: string, format: RoutingConfigFormat = 'yaml'): RoutingConfigResult {
  const parsed = format === 'json' ? parseJson(text) : parseYaml(text);
  return parsed.ok ? validateRoutingConfig(parsed.value) : parsed;
}

/**
 * Validates a routing configuration that is already parsed, such as a JSON request body.
 * Fills in defaults; never throws.
 */
export function validateRoutingConfig(value: unknown): RoutingConfigResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('', 'expected a mapping at the top level, with teams, territories and rules');
  }
  // Conditions nest (all/any/not), and so does the schema that reads them: a document nested
  // thousands deep would exhaust the stack instead of getting an answer. Text PostgreSQL can't
  // store is named here too.
  const unstorable = findUnstorableValue(value);
  if (unstorable !== undefined) return failure(dottedPath(unstorable.path), unstorable.message);
  const result = routingConfigSchema.safeParse(value);
  return result.success ? { ok: true, config: result.data } : { ok: false, errors: configIssues(result.error) };
}

/**
 * zod reports an unknown key on the object that holds it; a document's reader wants the key
 * itself (`teams[0].colour: unknown field "colour"`), one issue per key, so that an editor can
 * point at the line.
 */
function configIssues(error: z.ZodError): ValidationIssue[] {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ ...issue, keys: [key], path: [...issue.path, key] })) : [issue],
  );
  return toValidationIssues(new z.ZodError(issues));
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: ValidationIssue[] };

function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  // logLevel 'error': the yaml package would print a process warning for, say, a key that is a list.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  // The yaml package composes nested collections recursively and reports running out of stack,
  // once for every level it unwinds: the outermost of those says it all.
  const tooDeep = document.errors.filter((error) => error.code === 'RESOURCE_EXHAUSTION').sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (tooDeep) {
    const { line, col } = lineCounter.linePos(tooDeep.pos[0]);
    return failure('', `line ${line}, column ${col}: nests too deeply to read (a configuration may nest up to ${MAX_NESTING} levels); flatten it`);
  }
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `line ${line}, column ${col}: ${yamlMessage(error.code, error.message)}` };
      }),
    };
  }
  if (document.contents === null) return failure('', EMPTY_DOCUMENT);
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
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
    return failure('', jsonMessage(error instanceof Error ? error.message : String(error)));
  }
}

/**
 * V8's JSON error, led by the line and column when it gives them ("Expected ':' after
 * property name in JSON at position 5 (line 1 column 6)"); some of its messages quote the
 * text near the problem instead.
 */
function jsonMessage(message: string): string {
  const located = /^(.*) in JSON at position \d+ \(line (\d+) column (\d+)\)$/.exec(message);
  return located ? `line ${located[2]}, column ${located[3]}: ${located[1]}` : `not valid JSON: ${message}`;
}

function failure(path: string, message: string): { readonly ok: false; readonly errors: ValidationIssue[] } {
  return { ok: false, errors: [{ path, message }] };
}
