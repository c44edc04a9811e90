import { SwitchboardError } from '@switchboard/core';

/** A database operation failed; `cause` has the driver's error. */
export class StoreError extends SwitchboardError {
  override name = 'StoreError';
}

/** The schema could not be migrated. */
export class MigrationError extends StoreError {
  override name = 'MigrationError';
}

/** The embedded PostgreSQL server could not be started. */
export class EmbeddedPostgresError extends StoreError {
  override name = 'EmbeddedPostgresError';
}

/**
 * PostgreSQL can't be reached or dropped the connection: the operation changed nothing that
 * was acknowledged, and the same request may be sent again once the database is back.
 */
export class DatabaseUnavailableError extends StoreError {
  override name = 'DatabaseUnavailableError';
}

// Class 08 (connection exception) and 57P0x (the server is shutting down or starting up).
const UNAVAILABLE_CODES = /^(08...|57P0[1-4]|53300)$/;
const UNAVAILABLE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres reports a lost or refused connection in words, without a code.
const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|connection timeout|Client was closed|Cannot use a pool after calling end|Query read timeout/i;
// node-postgres's `query_timeout`: the server did not answer in time, and the query may still run.
const UNANSWERED_MESSAGE = /Query read timeout/i;

/**
 * True if `error` means the database is unavailable (down, restarting, unreachable, out
 * of connections) rather than that the operation was wrong: retry later, don't blame the input.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.test(code) || UNAVAILABLE_SYSTEM_CODES.has(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    // Kysely and pg wrap several attempts in an AggregateError (e.g. IPv4 and IPv6 refused).
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/**
 * True if `error` is a query the database did not answer in time (see `queryTimeoutMs`): it is
 * unavailable, and unlike a refused connection, what the query did is unknown until it answers.
 */
export function isDatabaseUnanswered(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message } = e as { message?: unknown };
    if (typeof message === 'string' && UNANSWERED_MESSAGE.test(message)) return true;
  }
  return false;
}

/** Another router holds this database's router lock; see `acquireRouterLock`. */
export class RouterLockedError extends StoreError {
  override name = 'RouterLockedError';
  /** The `application_name` of the connection that holds the lock, if it could be read. */
  readonly holder: string | null;
  /** The database schema the lock is for. */
  readonly schema: string | null;

  constructor(message: string, details: { holder: string | null; schema: string | null }, options?: ErrorOptions) {
    super(message, options);
    this.holder = details.holder;
    this.schema = details.schema;
  }
}

/** PostgreSQL's code for a unique violation. */
export const UNIQUE_VIOLATION = '23505';

/** True if `error` is a PostgreSQL unique violation (optionally on `constraint`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; constraint?: string };
  return e.code === UNIQUE_VIOLATION && (constraint === undefined || e.constraint === constraint);
}

/** PostgreSQL's code for a foreign key violation. */
export const FOREIGN_KEY_VIOLATION = '23503';

/** True if `error` is a PostgreSQL foreign key violation (optionally of `constraint`). */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; constraint?: string };
  return e.code === FOREIGN_KEY_VIOLATION && (constraint === undefined || e.constraint === constraint);
}

/**
 * True if PostgreSQL refused the operation for its data (SQLSTATE class 22, data exception,
 * or 23, integrity constraint violation): sending it again fails the same way.
 */
export function isDataError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
