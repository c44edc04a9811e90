import { NotFoundError, type RoutingConfig } from '@switchboard/core';
import type { Kysely } from 'kysely';
import type { ConfigVersionRow, Database } from './database.ts';
import { isForeignKeyViolation } from './errors.ts';
import { lockInSchema } from './schema-lock.ts';

/** The formats a routing configuration is submitted in. */
export const ConfigFormat = { yaml: 'yaml', json: 'json' } as const;
export type ConfigFormat = (typeof ConfigFormat)[keyof typeof ConfigFormat];

/** One applied routing configuration, without its bodies: what a history lists. */
export interface ConfigVersionSummary {
  /** 1, 2, 3, ...: the highest is the one in force. */
  readonly version: number;
  readonly format: ConfigFormat;
  /** Who applied it (a user name or an email, as the caller says). */
  readonly author: string;
  readonly comment: string | null;
  /** Set on a version made by a rollback: the earlier version whose configuration it restored. */
  readonly rolledBackFrom: number | null;
  readonly createdAt: Date;
}

/** One applied routing configuration. */
export interface ConfigVersion extends ConfigVersionSummary {
  /** The validated configuration. */
  readonly document: RoutingConfig;
  /** The text as submitted, comments and all. */
  readonly source: string;
}

/** What `append` writes; the version number is the next one. */
export interface NewConfigVersion {
  readonly document: RoutingConfig;
  readonly source: string;
  readonly format: ConfigFormat;
  readonly author: string;
  /** @default null */
  readonly comment?: string | null;
  /** @default null */
  readonly rolledBackFrom?: number | null;
}

/** The history of the routing configuration: append-only, numbered from 1. */
export interface ConfigVersionRepository {
  /**
   * Stores a new version numbered one above the highest, which makes it the one in force.
   * Concurrent appends get consecutive numbers. Throws `NotFoundError` if `rolledBackFrom`
   * names a version that does not exist.
   *
   * @param executor A transaction to append in (with the teams it configures, say); the
   *   version is then visible when that transaction commits. @default the repository's pool
   */
  append(input: NewConfigVersion, executor?: Kysely<Database>): Promise<ConfigVersion>;
  /** The version in force (the highest), or undefined before the first. */
  current(): Promise<ConfigVersion | undefined>;
  get(version: number): Promise<ConfigVersion | undefined>;
  /** Newest first, without the documents and their source text. */
  list(options?: {
    /** @default 50 */
    readonly limit?: number;
  }): Promise<ConfigVersionSummary[]>;
}

function toConfigVersion(row: ConfigVersionRow): ConfigVersion {
  return {
    version: row.version,
    document: row.document as RoutingConfig,
    source: row.source,
    format: row.format,
    author: row.author,
    comment: row.comment,
    rolledBackFrom: row.rolled_back_from,
    createdAt: row.created_at,
  };
}

/** Creates the PostgreSQL configuration history. */
export function createConfigVersionRepository(db: Kysely<Database>): ConfigVersionRepository {
  return {
    async append(input, executor = db) {
      const inTransaction = async (trx: Kysely<Database>): Promise<ConfigVersion> => {
        // max + 1 under a lock: two appends at once would otherwise both read the same max.
        await lockInSchema(trx, 'config_versions');
        const { max } = await trx
          .selectFrom('config_versions')
          .select((eb) => eb.fn.max('version').as('max'))
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('config_versions')
          .values({
            version: (max ?? 0) + 1,
            document: JSON.stringify(input.document),
            source: input.source,
            format: input.format,
            author: input.author,
            comment: input.comment ?? null,
            rolled_back_from: input.rolledBackFrom ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((error: unknown) => {
            if (isForeignKeyViolation(error, 'config_versions_rolled_back_from_fkey')) {
              throw new NotFoundError('rolledBackFrom: configuration version', String(input.rolledBackFrom), undefined, { cause: error });
            }
            throw error;
          });
        return toConfigVersion(row);
      };
      return executor.isTransaction ? inTransaction(executor) : executor.transaction().execute(inTransaction);
    },

    async current() {
      const row = await db.selectFrom('config_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row && toConfigVersion(row);
    },

    async get(version) {
      const row = await db.selectFrom('config_versions').selectAll().where('version', '=', version).executeTakeFirst();
      return row && toConfigVersion(row);
    },

    async list(options = {}) {
      const rows = await db
        .selectFrom('config_versions')
        .select(['version', 'format', 'author', 'comment', 'rolled_back_from', 'created_at'])
        .orderBy('version', 'desc')
        .limit(options.limit ?? 50)
        .execute();
      return rows.map((row) => ({
        version: row.version,
        format: row.format,
        author: row.author,
        comment: row.comment,
        rolledBackFrom: row.rolled_back_from,
        createdAt: row.created_at,
      }));
    },
  };
}
