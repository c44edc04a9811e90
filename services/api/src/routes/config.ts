import { NotFoundError } from '@switchboard/core';
import type { ConfigVersionRepository, ConfigVersionSummary } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConfigService, ConfigSubmission } from '../config-service.ts';
import type { RouterClient } from '../router-client.ts';
import { errorSchema, isoDate } from '../schemas.ts';
import { access } from '../auth/access-control.ts';

// Not text/plain: a browser sends that from any site without asking (a cross-site write).
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** Configuration versions are stored as 32-bit integers. */
const MAX_VERSION = 2_147_483_647;
const pastMaxVersion = { error: `is past the highest version number there can be (${MAX_VERSION}); list versions with GET /v1/config/versions` };
/** A configuration version number in a path or query string. */
const versionNumber = z.coerce.number().int().min(1).max(MAX_VERSION, pastMaxVersion);

const versionSummarySchema = z
  .object({
    version: z.int(),
    author: z.string(),
    comment: z.string().nullable(),
    format: z.enum(['yaml', 'json']),
    rolledBackFrom: z.int().nullable().describe('The version this one restored, for a rollback.'),
    createdAt: isoDate,
  })
  .meta({ id: 'ConfigVersionSummary' });

const versionSchema = versionSummarySchema
  .extend({
    config: z.unknown().describe('The validated configuration, with defaults filled in.'),
    source: z.string().describe('The document as submitted.'),
  })
  .meta({ id: 'ConfigVersion' });

const appliedSchema = z
  .object({
    version: z.int().nullable().describe('The new version; null for a dry run.'),
    dryRun: z.boolean(),
    teams: z.int(),
    territories: z.int(),
    rules: z.int(),
    createdAt: isoDate.nullable(),
    routerNotified: z.boolean().describe('False if no router answered: it picks the version up when it starts.'),
  })
  .meta({ id: 'AppliedConfig' });

const applyQuery = z.object({
  comment: z.string().max(1000).optional().describe('Why the change was made, kept with the version.'),
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Validate only; store nothing.'),
});

const authorHeader = z.object({
  'sb-author': z.string().max(200).optional().describe('Who applies the configuration (kept with the version); defaults to "api".'),
});

/** `/v1/config`: the versioned routing configuration. */
export function configRoutes(
  app: FastifyInstance,
  deps: { config: ConfigService; versions: ConfigVersionRepository; router: RouterClient },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['config'];

  // YAML documents arrive as text; JSON bodies are parsed by fastify and kept as text for the record.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  const present = (v: ConfigVersionSummary) => ({
    version: v.version,
    author: v.author,
    comment: v.comment,
    format: v.format,
    rolledBackFrom: v.rolledBackFrom,
    createdAt: v.createdAt,
  });

  api.get(
    '/v1/config',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'Read the current routing configuration',
        description: 'The configuration that decides the next lead. `version` is null when none was ever applied (built-in policy: the team a lead names, else the first team).',
        response: {
          200: z.union([versionSchema, z.object({ version: z.null(), config: z.null(), source: z.null() })]),
        },
      },
    },
    async () => {
      const current = await deps.versions.current();
      if (!current) return { version: null, config: null, source: null };
      return { ...present(current), config: current.document, source: current.source };
    },
  );

  api.put(
    '/v1/config',
    {
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        ...access('admin'),
        tags,
        summary: 'Apply a routing configuration',
        description:
          'Send the whole document as YAML (`Content-Type: application/yaml`) or JSON. It is validated — its shape, the teams, territories and queues it names, and every rep it names, all at once — and stored as a new version together with the teams it defines; the router uses it for the next lead. An invalid document answers 400 with every problem in `errors: [{ path, message, line, column }]`, in the order of the document, and changes nothing; `line` and `column` (1-based) are given for YAML text only, as a JSON body reaches the service already parsed.',
        querystring: applyQuery,
        headers: authorHeader,
        consumes: ['application/json', ...YAML_TYPES],
        body: z.unknown().describe('The configuration document (YAML text or a JSON object).'),
        response: { 200: appliedSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const body = request.body;
      const submission: ConfigSubmission =
        typeof body === 'string' ? { format: isJson(request.headers['content-type']) ? 'json' : 'yaml', text: body } : { format: 'json', value: body, text: JSON.stringify(body, null, 2) };
      const applied = await deps.config.apply(submission, {
        author: request.headers['sb-author'] ?? 'api',
        comment: request.query.comment ?? null,
        dryRun: request.query.dryRun,
      });
      const routerNotified = applied.dryRun ? false : (await deps.router.syncPolicy()) !== undefined;
      return { ...applied, routerNotified };
    },
  );

  api.get(
    '/v1/config/versions',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'List configuration versions, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ items: z.array(versionSummarySchema) }) },
      },
    },
    async (request) => ({ items: (await deps.versions.list({ limit: request.query.limit })).map(present) }),
  );

  api.get(
    '/v1/config/versions/:version',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'Read one configuration version',
        params: z.object({ version: versionNumber }),
        response: { 200: versionSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const found = await deps.versions.get(request.params.version);
      if (!found) throw new NotFoundError('configuration version', String(request.params.version), 'list versions with GET /v1/config/versions');
      return { ...present(found), config: found.document, source: found.source };
    },
  );

  api.get(
    '/v1/config/diff',
    {
      schema: {
        ...access('viewer'),
        tags,
        summary: 'Diff two configuration versions',
        description: 'A unified diff of the two documents, normalised to YAML. `to` defaults to the current version.',
        querystring: z.object({ from: versionNumber, to: versionNumber.optional() }),
        response: { 200: z.object({ from: z.int(), to: z.int(), diff: z.string() }), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const to = request.query.to ?? (await deps.versions.current())?.version;
      if (to === undefined) throw new NotFoundError('configuration version', 'current', 'no configuration was applied yet');
      return { from: request.query.from, to, diff: await deps.config.diff(request.query.from, to) };
    },
  );

  api.post(
    '/v1/config/rollback',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Roll back to an earlier version',
        description: 'Applies the document of `version` again, as a new version that records which one it restored.',
        headers: authorHeader,
        body: z.strictObject({ version: z.int().min(1).max(MAX_VERSION, pastMaxVersion), comment: z.string().max(1000).optional() }),
        response: { 200: appliedSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const applied = await deps.config.rollback(request.body.version, {
        author: request.headers['sb-author'] ?? 'api',
        comment: request.body.comment ?? null,
      });
      return { ...applied, routerNotified: (await deps.router.syncPolicy()) !== undefined };
    },
  );
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.includes('json') ?? false;
}
