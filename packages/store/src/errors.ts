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
