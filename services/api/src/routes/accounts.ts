import {
  type Account,
  createAccountSchema,
  type CreateAccount,
  isId,
  NotFoundError,
  repRefIndex,
  toValidationIssues,
  updateAccountSchema,
  ValidationError,
  type ValidationIssue,
} from '@switchboard/core';
import type { AccountRepository, RepRepository } from '@switchboard/store';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCOUNT_CSV_COLUMNS, type AccountCsvRow, parseAccountsCsv } from '../accounts-csv.ts';
import type { RouterClient } from '../router-client.ts';
import { errorSchema, idParams, isoDate } from '../schemas.ts';
import { references, repReference } from '../references.ts';
import { access } from '../auth/access-control.ts';

/** As people give an owner: by id or email (resolved to the id before the route runs), or null. */
const ownerReference = repReference('the owner').nullable().describe('The rep who owns the account, by id or email: its leads go to this rep. null: no owner.');

/** What the account routes need. */
export interface AccountRouteDeps {
  readonly accounts: AccountRepository;
  /** To find the owners an import names by email. */
  readonly reps: RepRepository;
  /** Told after every change, so that the next lead matches the accounts as they are now. */
  readonly router: RouterClient;
}

/** Largest CSV file `POST /v1/accounts/import` takes. */
const IMPORT_BODY_LIMIT = 4 * 1024 * 1024;
/** Most rows one import takes. */
const IMPORT_MAX_ROWS = 20_000;

const accountSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domains: z.array(z.string()).readonly().describe('Lower-case domains; a lead at one of them, or a subdomain, matches.'),
    ownerId: z.uuid().nullable().describe('The rep who gets the account’s leads; null: no owner.'),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Account' });

const importResultSchema = z
  .object({
    created: z.int().describe('Rows whose name no account had: new accounts.'),
    updated: z.int().describe('Rows that replaced the domains and owner of the account of that name.'),
  })
  .meta({ id: 'AccountImportResult' });

const csvBody = z
  .string({ error: 'send the CSV file as the body, with content-type: text/csv' })
  .describe(
    `A CSV file: a header row with the columns ${ACCOUNT_CSV_COLUMNS.join(', ')} (only name is required), then one account per row. ` +
      '`domains` holds several domains separated by `;` or spaces; `owner` is a rep’s email or id, or empty for no owner.',
  );

/**
 * Resolves each row's owner (a rep's email or id) and validates the row as a new account.
 * Answers the accounts in row order, or every problem, each naming its line.
 */
async function validateRows(
  rows: ReadonlyArray<AccountCsvRow>,
  reps: RepRepository,
): Promise<{ accounts: CreateAccount[]; issues: ValidationIssue[] }> {
  const repIdOf = rows.some((row) => row.owner !== null) ? repRefIndex(await reps.listAll()) : () => undefined;
  const accounts: CreateAccount[] = [];
  const issues: ValidationIssue[] = [];
  for (const row of rows) {
    const at = `line ${row.line}`;
    let ownerId: string | null = null;
    if (row.owner !== null) {
      const found = repIdOf(row.owner);
      if (found) ownerId = found;
      else if (isId(row.owner)) issues.push({ path: `${at}.owner`, message: `no rep with id ${row.owner}; use a rep id or email from GET /v1/reps` });
      else if (row.owner.includes('@')) issues.push({ path: `${at}.owner`, message: `no rep with email ${row.owner}; add the rep first, or leave owner empty` });
      else issues.push({ path: `${at}.owner`, message: `expected a rep’s email or id, got "${row.owner}"` });
    }
    const parsed = createAccountSchema.safeParse({ name: row.name, domains: row.domains, ownerId });
    if (parsed.success) accounts.push(parsed.data);
    else issues.push(...toValidationIssues(parsed.error, at));
  }
  return { accounts, issues };
}

/**
 * `/v1/accounts`: accounts for sticky routing (a lead whose email domain or company matches
 * an account goes to its owner), one by one or as a CSV import. A plugin, so that its
 * `text/csv` body parser stays within these routes.
 */
export const accountRoutes: FastifyPluginAsync<AccountRouteDeps> = async (app, deps) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['accounts'];
  const changed = async () => {
    await deps.router.syncPolicy();
  };

  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  api.get(
    '/v1/accounts',
    {
      schema: {
        ...access('viewer'),
        tags,
        ...references({ querystring: { owner: 'rep' } }),
        summary: 'List accounts',
        description: 'Every account, ordered by name.',
        querystring: z.object({ owner: repReference('the owner').optional().describe('Only the accounts this rep (id or email) owns.') }),
        response: { 200: z.object({ items: z.array(accountSchema) }), 400: errorSchema },
      },
    },
    async (request) => ({ items: await deps.accounts.list(request.query.owner ? { ownerId: request.query.owner } : {}) }),
  );

  api.post(
    '/v1/accounts',
    {
      schema: {
        ...access('admin'),
        tags,
        ...references({ body: { ownerId: 'rep' } }),
        summary: 'Create an account',
        description:
          'Leads from the account’s domains (and their subdomains), or whose company is the account’s name, go to its owner. ' +
          'A domain belongs to one account only; free-mail domains are refused.',
        body: createAccountSchema.safeExtend({ ownerId: ownerReference.default(null) }),
        response: { 201: accountSchema, 400: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const account = await deps.accounts.create(request.body);
      await changed();
      return reply.code(201).send(account);
    },
  );

  api.post(
    '/v1/accounts/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        ...access('admin'),
        tags,
        summary: 'Import accounts from a CSV file',
        description:
          'Creates the accounts the file names and replaces the domains and owner of those that exist (matched by name, ignoring case). ' +
          'All or nothing: if any row is wrong, nothing is imported and the answer names each bad line (`line 3.owner`). ' +
          `At most ${IMPORT_MAX_ROWS.toLocaleString('en')} rows and ${IMPORT_BODY_LIMIT / 1024 / 1024} MiB.`,
        consumes: ['text/csv'],
        body: csvBody,
        response: { 200: importResultSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const parsed = parseAccountsCsv(request.body);
      if (!parsed.ok) throw new ValidationError(parsed.issues);
      if (parsed.rows.length > IMPORT_MAX_ROWS) {
        throw new ValidationError([{ path: '', message: `the file has ${parsed.rows.length} rows; import at most ${IMPORT_MAX_ROWS} at a time` }]);
      }
      const { accounts, issues } = await validateRows(parsed.rows, deps.reps);
      if (issues.length > 0) throw new ValidationError(issues);
      const result = await deps.accounts.importMany(accounts, { rowLabel: (i) => `line ${parsed.rows[i]?.line}` });
      if (accounts.length > 0) await changed();
      return result;
    },
  );

  api.get(
    '/v1/accounts/:id',
    { schema: {
        ...access('viewer'), tags, summary: 'Read an account', params: idParams('account'), response: { 200: accountSchema, 400: errorSchema, 404: errorSchema } } },
    async (request) => {
      const account = await deps.accounts.get(request.params.id);
      if (!account) throw new NotFoundError('account', request.params.id, 'list accounts with GET /v1/accounts');
      return account;
    },
  );

  api.patch(
    '/v1/accounts/:id',
    {
      schema: {
        ...access('admin'),
        tags,
        ...references({ body: { ownerId: 'rep' } }),
        summary: 'Change an account',
        description: 'Any of name, domains (replaces the whole list) and ownerId. Takes effect for the next lead.',
        params: idParams('account'),
        body: updateAccountSchema.safeExtend({ ownerId: ownerReference.optional() }),
        response: { 200: accountSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const account: Account | undefined = await deps.accounts.update(request.params.id, request.body);
      if (!account) return reply.code(404).send({ error: 'not_found', message: `account "${request.params.id}" does not exist` });
      await changed();
      return account;
    },
  );

  api.delete(
    '/v1/accounts/:id',
    {
      schema: {
        ...access('admin'),
        tags,
        summary: 'Delete an account',
        description: 'Its leads keep their owners; new leads from its domains are routed by the other rules.',
        params: idParams('account'),
        response: { 204: z.null().describe('Deleted.'), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await deps.accounts.delete(request.params.id))) {
        return reply.code(404).send({ error: 'not_found', message: `account "${request.params.id}" does not exist` });
      }
      await changed();
      return reply.code(204).send(null);
    },
  );
};
