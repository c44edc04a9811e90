import { type Kysely, Migrator } from 'kysely';
import type { Database } from './database.ts';
import { MigrationError } from './errors.ts';
import { migrations } from './migrations/index.ts';

/**
 * Brings the schema to the latest migration. Safe to call from several processes at
 * once: Kysely's Migrator takes an advisory lock.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<ReadonlyArray<string>> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
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
