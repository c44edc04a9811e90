import { type Kysely, Migrator, sql } from 'kysely';
import type { Database } from './database.ts';
import { MigrationError } from './errors.ts';
import { migrations } from './migrations/index.ts';

/**
 * Brings the schema to the latest migration. Safe to call from several processes at
 * once: Kysely's Migrator takes an advisory lock.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<ReadonlyArray<string>> {
  // Name the schema explicitly: otherwise Kysely finds its bookkeeping tables in any
  // schema on the server and skips creating them in ours (one schema per deployment or test).
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableSchema: rows[0]?.schema ?? 'public',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new MigrationError(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}. Nothing after it was applied; fix the database and start again.`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
