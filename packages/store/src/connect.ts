import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

// int8 (bigint) columns and count(*) come back as numbers: every value we keep in
// them (sequences, counts) stays far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/** Options of a database connection. */
export interface DatabaseOptions {
  /** A `postgres://` URL. */
  readonly url: string;
  /** @default 10 */
  readonly poolSize?: number;
  /** Schema to use instead of `public` (tests give each file its own). */
  readonly schema?: string;
}

/** Opens a Kysely connection pool to PostgreSQL. */
export function createDatabase(options: DatabaseOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client's error (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Answers true if the database answers a trivial query. */
export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  try {
    await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    return true;
  } catch {
    return false;
  }
}
