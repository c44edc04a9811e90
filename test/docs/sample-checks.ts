import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parseDocument } from 'yaml';
import { buildProgram } from '@switchboard/cli';
import { parseRoutingConfig } from '@switchboard/core';
import { parseFieldMap } from '@switchboard/salesforce';
import { headingAnchors, type MarkdownLink } from './markdown-samples.ts';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** A placeholder in a sample, such as `<lead-id>` or `<id>`: any value goes there. */
const PLACEHOLDER = /<[^<>]*>/;

/**
 * The switchboard command words of a sample (`npx switchboard reps list`, `pnpm switchboard …`,
 * `switchboard …`), or undefined if it is another command.
 */
export function switchboardArgs(argv: ReadonlyArray<string>): string[] | undefined {
  if (argv[0] === 'switchboard') return argv.slice(1);
  if ((argv[0] === 'npx' || argv[0] === 'pnpm') && argv[1] === 'switchboard') return argv.slice(2);
  return undefined;
}

/**
 * Parses `args` with the real `switchboard` program, running no action: an unknown command or
 * option, a missing required option or a value the CLI refuses (say, working hours it can't
 * read) is the message commander would print; undefined when the CLI takes it.
 */
export async function cliProblem(args: ReadonlyArray<string>): Promise<string | undefined> {
  const errors: string[] = [];
  const program = buildProgram({ out: () => {}, err: (text) => errors.push(text) });
  const quiet = (command: typeof program): void => {
    command.action(() => {});
    command.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync(['node', 'switchboard', ...args]);
    return undefined;
  } catch (error) {
    // Commander's own errors (exitOverride) carry a code and an exit code; anything else is a bug here.
    if (!(error instanceof Error && 'code' in error && 'exitCode' in error)) throw error;
    if (error.exitCode === 0) return undefined;
    return errors[0]?.split('\n')[0] ?? error.message;
  }
}

/** The root's scripts and each workspace package's, by package name. */
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const workspacePackages = new Map<string, Record<string, string>>(
  ['packages', 'services'].flatMap((dir) =>
    ['core', 'machines', 'store', 'bus', 'telemetry', 'salesforce', 'api', 'cli', 'console', 'router', 'server']
      .map((name) => join(ROOT, dir, name, 'package.json'))
      .filter((file) => existsSync(file))
      .map((file) => {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; scripts?: Record<string, string> };
        return [pkg.name, pkg.scripts ?? {}] as const;
      }),
  ),
);
/** pnpm's own commands that samples use. */
const PNPM_COMMANDS = new Set(['install', 'i', 'add', 'exec', 'dlx', 'run', '--help', '--version']);

/** What is wrong with a `pnpm …`, `npx pnpm@10 …` or `npm …` sample (its script must exist), or undefined. */
export function pnpmProblem(argv: ReadonlyArray<string>): string | undefined {
  const args = argv[0] === 'npx' ? argv.slice(2) : argv.slice(1);
  if (args[0] === '--filter') {
    const scripts = workspacePackages.get(args[1] ?? '');
    if (!scripts) return `pnpm --filter ${args[1]}: no workspace package of that name`;
    return args[2] && !(args[2] in scripts) && !PNPM_COMMANDS.has(args[2]) ? `${args[1]} has no script "${args[2]}"` : undefined;
  }
  const script = args[0] === 'run' ? args[1] : args[0];
  if (script === undefined) return 'pnpm with no command';
  if (script === 'switchboard' || PNPM_COMMANDS.has(script) || script in rootPackage.scripts) return undefined;
  return `package.json has no script "${script}" (it has: ${Object.keys(rootPackage.scripts).join(', ')})`;
}

interface OpenApiOperation {
  readonly requestBody?: { readonly content: Record<string, { readonly schema: object }> };
  readonly 'x-switchboard-role'?: string;
}
const openApi = JSON.parse(readFileSync(join(ROOT, 'services/api/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: object;
};
/** Served, but not in the OpenAPI document. */
const PATHS_OUTSIDE_OPENAPI = new Set(['/metrics', '/openapi.json', '/docs', '/readyz', '/activez']);
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: Node's import gives its module.exports, whose default is the plugin.
ajvFormats.default(ajv);
const bodyValidators = new Map<object, ValidateFunction>();

/** A curl sample, read. */
export interface CurlRequest {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly headers: ReadonlyArray<string>;
  readonly body: string | undefined;
}

/** Reads the method, URL, headers and body of a `curl` sample. */
export function readCurl(argv: ReadonlyArray<string>): CurlRequest {
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-X' || arg === '--request') method = argv[++i];
    else if (arg === '-H' || arg === '--header') headers.push(argv[++i]!);
    else if (arg === '-d' || arg === '--data' || arg === '--data-raw' || arg === '--data-binary') body = argv[++i];
    else if (arg === '-o' || arg === '-u' || arg === '-w') i++;
    else if (!arg.startsWith('-')) url = arg;
  }
  if (url === undefined) throw new Error(`curl without a URL: ${argv.join(' ')}`);
  const path = url.replace(/^https?:\/\//, '').replace(/^[^/]*/, '').split('?')[0]!;
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, path, headers, body };
}

/**
 * What is wrong with a curl sample against the OpenAPI document, or undefined: its method and
 * path must be an operation, a key must be sent where one is needed, and a JSON body must
 * parse and match the operation's request schema (placeholders such as "<rep-id>" aside).
 */
export function curlProblem(request: CurlRequest): string | undefined {
  if (PATHS_OUTSIDE_OPENAPI.has(request.path)) return undefined;
  const entry = Object.entries(openApi.paths).find(([template]) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(request.path),
  );
  const operation = entry?.[1][request.method.toLowerCase()];
  if (!entry || !operation) return `${request.method} ${request.path} is not an operation of services/api/openapi.json`;
  const role = operation['x-switchboard-role'];
  if (role !== 'public' && entry[0] !== '/v1/intake/{name}' && !request.headers.some((h) => /^authorization:\s*Bearer\s+\S/i.test(h))) {
    return `${request.method} ${entry[0]} needs a key (role ${role}): send -H "authorization: Bearer $KEY"`;
  }
  if (request.body === undefined || request.body.startsWith('$')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch (error) {
    return `the body of ${request.method} ${entry[0]} is not JSON: ${(error as Error).message}`;
  }
  const schema = operation.requestBody?.content['application/json']?.schema;
  if (!schema) return `${request.method} ${entry[0]} takes no JSON body`;
  let validate = bodyValidators.get(schema);
  if (!validate) {
    validate = ajv.compile({ ...schema, components: openApi.components });
    bodyValidators.set(schema, validate);
  }
  if (validate(body)) return undefined;
  const real = (validate.errors ?? []).filter((e) => {
    const segments = e.instancePath.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const value = segments.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], body);
    if (typeof value === 'string' && PLACEHOLDER.test(value)) return false;
    // The API resolves these fields from a rep's email before its schema sees them
    // (services/api/src/references.ts), but the OpenAPI document shows only the UUID.
    const field = segments.filter((s) => !/^\d+$/.test(s)).at(-1) ?? '';
    return !(REP_REFERENCE_FIELDS.has(field) && typeof value === 'string' && /^[^@\s]+@[^@\s]+$/.test(value));
  });
  // An anyOf fails as a whole when a placeholder under it fails one branch: such failures
  // don't count either.
  const placeholderPaths = (validate.errors ?? []).filter((e) => !real.includes(e)).map((e) => e.instancePath);
  const left = real.filter((e) => !(['anyOf', 'oneOf'].includes(e.keyword) && placeholderPaths.some((p) => p.startsWith(e.instancePath))));
  const described = left.map((e) => `${e.instancePath || '(the body)'} ${e.message ?? ''}${'additionalProperty' in e.params ? ` ("${String(e.params.additionalProperty)}")` : ''}`);
  return left.length === 0 ? undefined : `the body of ${request.method} ${entry[0]} does not match its schema: ${described.join('; ')}`;
}

/** Body fields that take a rep by id or email. */
const REP_REFERENCE_FIELDS = new Set(['members', 'ownerId', 'repId']);

/** Top-level keys of a routing configuration. */
const ROUTING_KEYS = ['teams', 'territories', 'rules', 'defaultQueue', 'priority', 'dedupe', 'retention'];

/**
 * What is wrong with a YAML sample, or undefined: it must parse; a routing configuration
 * must validate; a Salesforce field mapping must be one.
 */
export function yamlProblem(code: string): string | undefined {
  const document = parseDocument(code);
  if (document.errors.length > 0) return `YAML does not parse: ${document.errors[0]!.message}`;
  const value: unknown = document.toJS();
  if (typeof value !== 'object' || value === null) return undefined;
  if (Object.keys(value).some((key) => ROUTING_KEYS.includes(key))) {
    const result = parseRoutingConfig(code);
    return result.ok ? undefined : `not a valid routing configuration: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
  }
  if ('fields' in value) {
    try {
      parseFieldMap(value, 'the sample');
    } catch (error) {
      return `not a valid Salesforce field mapping: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** What is wrong with a relative link, or undefined: its file must exist, and its heading. */
export function linkProblem(link: MarkdownLink): string | undefined {
  if (/^(https?:|mailto:)/.test(link.target)) return undefined;
  const [path, anchor] = link.target.split('#') as [string, string | undefined];
  const file = path === '' ? link.file : normalize(join(dirname(link.file), decodeURI(path)));
  if (!existsSync(join(ROOT, file))) return `${link.target}: ${file} does not exist`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  return headingAnchors(ROOT, file).has(anchor) ? undefined : `${link.target}: ${file} has no heading with the anchor #${anchor}`;
}
