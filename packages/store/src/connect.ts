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
  /**
   * Hears of a connection that failed outside a query (the server restarted, or ended the
   * backend). The pool drops that connection and opens a new one on demand. @default ignore
   */
  readonly onConnectionError?: (error: Error) => void;
  /** How long a query waits for a connection before failing as unavailable. @default 5000 */
  readonly connectTimeoutMs?: number;
  /**
   * How long a query waits for its answer before failing (`Query read timeout`, unavailable). A
   * server that stops answering without closing its connections (frozen, a network partition)
   * otherwise holds every request and every routing step for good. The query is not cancelled:
   * it may still take effect once the server answers again. @default none
   */
  readonly queryTimeoutMs?: number;
}

/** Opens a Kysely connection pool to PostgreSQL. */
export function createDatabase(options: DatabaseOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    ...(options.queryTimeoutMs !== undefined && options.queryTimeoutMs > 0 && { query_timeout: options.queryTimeoutMs }),
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const onError = options.onConnectionError ?? (() => {});
  // A connection can fail while no query runs on it: idle in the pool (the pool's 'error'),
  // or checked out between two queries of a transaction, when pg-pool has taken its own
  // listener off. An 'error' event nobody listens to kills the process (57P01 on a server
  // restart under load), so every client gets a listener of its own for its whole life; the
  // pool then drops the broken client on release, and the next query opens a new one.
  pool.on('error', (error) => onError(error));
  pool.on('connect', (client) => {
    client.on('error', (error) => onError(error));
  });
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
