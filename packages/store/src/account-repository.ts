import {
  type Account,
  type AccountId,
  ConflictError,
  type CreateAccount,
  normaliseCompanyName,
  type RepId,
  type UpdateAccount,
  ValidationError,
  type ValidationIssue,
} from '@switchboard/core';
import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AccountRow, Database } from './database.ts';
import { isForeignKeyViolation, isUniqueViolation } from './errors.ts';
import { lockInSchema } from './schema-lock.ts';

/** What `importMany` did. */
export interface AccountImportResult {
  /** Rows whose name no account had (ignoring case): new accounts. */
  readonly created: number;
  /** Rows that replaced the domains and owner of the account of that name. */
  readonly updated: number;
}

/** Options of `importMany`. */
export interface AccountImportOptions {
  /**
   * How errors name a row, e.g. `(i) => \`line ${i + 2}\`` for a CSV file with a header.
   * @default (i) => `rows[${i}]`
   */
  readonly rowLabel?: (index: number) => string;
}

/** Reads and writes accounts. One domain belongs to one account. */
export interface AccountRepository {
  /**
   * Creates an account. Throws `ConflictError` if its name (ignoring case) or one of its
   * domains is taken, and `ValidationError` naming `ownerId` if the owner is not a rep.
   */
  create(input: CreateAccount): Promise<Account>;
  get(id: string): Promise<Account | undefined>;
  /** Accounts ordered by name, optionally only those of one owner. */
  list(options?: { readonly ownerId?: string }): Promise<Account[]>;
  /** Changes the fields given (`domains` replaces the list); undefined if there is no such account. Throws like `create`. */
  update(id: string, patch: UpdateAccount): Promise<Account | undefined>;
  /** Deletes an account; false if there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * Creates or replaces accounts by name (ignoring case), all in one transaction: either
   * every row is written or none is. Throws `ValidationError` naming each bad row
   * (a name twice, a domain of another account, an owner that is not a rep).
   */
  importMany(rows: ReadonlyArray<CreateAccount>, options?: AccountImportOptions): Promise<AccountImportResult>;
  /** Every account, to build the router's account index. */
  all(): Promise<Account[]>;
}

/** Maps a database row to the domain type. */
function toAccount(row: AccountRow): Account {
  return {
    id: row.id as AccountId,
    name: row.name,
    domains: row.domains,
    ownerId: row.owner_id as RepId | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// Rows per insert statement: 4 parameters each, far below PostgreSQL's 65,535.
const IMPORT_CHUNK = 1_000;

/**
 * Serialises account writes, so that the one-domain-one-account check made inside a
 * transaction can't pass in two at once. Per schema: deployments and test files that
 * share a server don't wait for each other.
 */
async function lockAccounts(trx: Transaction<Database>): Promise<void> {
  await lockInSchema(trx, 'accounts');
}

/** Domains among `domains` that more than one account lists, with those accounts. */
async function sharedDomains(
  trx: Transaction<Database>,
  domains: ReadonlyArray<string>,
): Promise<Array<{ domain: string; accounts: Array<{ id: string; name: string }> }>> {
  if (domains.length === 0) return [];
  const { rows } = await sql<{ domain: string; ids: string[]; names: string[] }>`
    select d as domain, array_agg(a.id::text order by a.name) as ids, array_agg(a.name order by a.name) as names
    from accounts a cross join lateral unnest(a.domains) as d
    where a.domains && ${[...domains]}::text[] and d = any(${[...domains]}::text[])
    group by d
    having count(*) > 1
    order by d`.execute(trx);
  return rows.map((r) => ({ domain: r.domain, accounts: r.ids.map((id, i) => ({ id, name: r.names[i] as string })) }));
}

/** Throws `ConflictError` if a domain of account `id` is listed by another account too. */
async function assertDomainsFree(trx: Transaction<Database>, id: string, domains: ReadonlyArray<string>): Promise<void> {
  const [shared] = await sharedDomains(trx, domains);
  if (!shared) return;
  const other = shared.accounts.find((a) => a.id !== id) ?? shared.accounts[0];
  throw new ConflictError(
    `domain "${shared.domain}" already belongs to account "${other?.name}" (${other?.id}); a domain can belong to one account only, so remove it there first`,
  );
}

function ownerIssue(path: string, ownerId: string): ValidationIssue {
  return { path, message: `no rep with id "${ownerId}"; use a rep id from GET /v1/reps, or null for no owner` };
}

/** Translates a write's failure: a taken name, an owner that is not a rep. */
function translate(error: unknown, input: { name?: string; ownerId?: string | null }): never {
  if (isUniqueViolation(error, 'accounts_name_unique')) {
    throw new ConflictError(`an account named "${input.name}" already exists; account names are unique regardless of case`, { cause: error });
  }
  if (isForeignKeyViolation(error, 'accounts_owner_id_fkey')) {
    throw new ValidationError([ownerIssue('ownerId', String(input.ownerId))], { cause: error });
  }
  throw error;
}

/** Creates the PostgreSQL account repository. */
export function createAccountRepository(db: Kysely<Database>): AccountRepository {
  return {
    async create(input) {
      return db.transaction().execute(async (trx) => {
        await lockAccounts(trx);
        const row = await trx
          .insertInto('accounts')
          .values({
            id: uuidv7(),
            name: input.name,
            normalized_name: normaliseCompanyName(input.name),
            domains: [...input.domains],
            owner_id: input.ownerId,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((error: unknown) => translate(error, input));
        await assertDomainsFree(trx, row.id, row.domains);
        return toAccount(row);
      });
    },

    async get(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccount(row);
    },

    async list(options = {}) {
      let query = db.selectFrom('accounts').selectAll().orderBy(sql`lower(name)`).orderBy('id');
      if (options.ownerId !== undefined) query = query.where('owner_id', '=', options.ownerId);
      return (await query.execute()).map(toAccount);
    },

    async update(id, patch) {
      return db.transaction().execute(async (trx) => {
        await lockAccounts(trx);
        const row = await trx
          .updateTable('accounts')
          .set({
            ...(patch.name !== undefined && { name: patch.name, normalized_name: normaliseCompanyName(patch.name) }),
            ...(patch.domains !== undefined && { domains: [...patch.domains] }),
            ...(patch.ownerId !== undefined && { owner_id: patch.ownerId }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst()
          .catch((error: unknown) => translate(error, patch));
        if (!row) return undefined;
        if (patch.domains !== undefined) await assertDomainsFree(trx, row.id, row.domains);
        return toAccount(row);
      });
    },

    async delete(id) {
      const result = await db.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async importMany(rows, options = {}) {
      const label = options.rowLabel ?? ((i: number) => `rows[${i}]`);
      const issues: ValidationIssue[] = [];
      // The same name twice would make one upsert statement touch a row twice.
      const rowByName = new Map<string, number>();
      rows.forEach((row, i) => {
        const key = row.name.toLowerCase();
        const first = rowByName.get(key);
        if (first === undefined) rowByName.set(key, i);
        else issues.push({ path: `${label(i)}.name`, message: `"${row.name}" is already in ${label(first)}; give each account once` });
      });
      if (issues.length > 0) throw new ValidationError(issues);
      if (rows.length === 0) return { created: 0, updated: 0 };

      return db.transaction().execute(async (trx) => {
        await lockAccounts(trx);
        const owners = [...new Set(rows.flatMap((r) => (r.ownerId === null ? [] : [r.ownerId])))];
        if (owners.length > 0) {
          const found = new Set((await trx.selectFrom('reps').select('id').where('id', 'in', owners).execute()).map((r) => r.id));
          rows.forEach((row, i) => {
            if (row.ownerId !== null && !found.has(row.ownerId)) issues.push(ownerIssue(`${label(i)}.ownerId`, row.ownerId));
          });
          if (issues.length > 0) throw new ValidationError(issues);
        }

        let created = 0;
        for (let start = 0; start < rows.length; start += IMPORT_CHUNK) {
          const chunk = rows.slice(start, start + IMPORT_CHUNK);
          const written = await trx
            .insertInto('accounts')
            .values(
              chunk.map((row) => ({
                id: uuidv7(),
                name: row.name,
                normalized_name: normaliseCompanyName(row.name),
                domains: [...row.domains],
                owner_id: row.ownerId,
              })),
            )
            .onConflict((oc) =>
              oc.expression(sql`lower(name)`).doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                normalized_name: eb.ref('excluded.normalized_name'),
                domains: eb.ref('excluded.domains'),
                owner_id: eb.ref('excluded.owner_id'),
                updated_at: new Date(),
              })),
            )
            // xmax is 0 on a freshly inserted row version and set on an updated one.
            .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
            .execute();
          created += written.filter((w) => w.inserted).length;
        }

        // One domain, one account: checked on the written rows, so that a file may move a
        // domain from one account to another that it also lists.
        const clashes: Array<{ row: number; issue: ValidationIssue }> = [];
        for (const shared of await sharedDomains(trx, [...new Set(rows.flatMap((r) => r.domains))])) {
          const inFile = rows.flatMap((row, i) => (row.domains.includes(shared.domain) ? [i] : []));
          const names = new Set(inFile.map((i) => (rows[i] as CreateAccount).name.toLowerCase()));
          const [first, ...later] = inFile;
          if (first === undefined) continue;
          for (const row of later) {
            clashes.push({
              row,
              issue: { path: `${label(row)}.domains`, message: `"${shared.domain}" is also in ${label(first)}; a domain can belong to one account only` },
            });
          }
          const other = shared.accounts.find((a) => !names.has(a.name.toLowerCase()));
          if (other) {
            clashes.push({
              row: first,
              issue: {
                path: `${label(first)}.domains`,
                message: `"${shared.domain}" already belongs to account "${other.name}"; a domain can belong to one account only, so remove it there (or list that account in the file without it)`,
              },
            });
          }
        }
        if (clashes.length > 0) throw new ValidationError(clashes.sort((a, b) => a.row - b.row).map((c) => c.issue));
        return { created, updated: rows.length - created };
      });
    },

    async all() {
      return (await db.selectFrom('accounts').selectAll().orderBy(sql`lower(name)`).orderBy('id').execute()).map(toAccount);
    },
  };
}
