import { randomBytes } from 'node:crypto';
import { createDatabase, type Database, migrateToLatest } from '@switchboard/store';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';

/** A fresh, migrated schema in the test PostgreSQL; dropped when the test run ends. */
export interface TestDatabase {
  readonly db: Kysely<Database>;
  readonly schema: string;
  /** A connection URL whose connections use this schema. */
  readonly url: string;
  /** Closes its connections. The schema itself is dropped when the run ends (see global-setup.ts). */
  drop(): Promise<void>;
}

/** The PostgreSQL URL of this test run (DATABASE_URL, or the embedded server). */
export function testDatabaseUrl(): string {
  return inject('databaseUrl');
}

/** Appends `search_path=<schema>` to a postgres URL, so every pooled connection uses that schema. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Creates a fresh schema for one test file (or one test), migrated to the latest version. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  const schema = `${inject('schemaPrefix')}${randomBytes(6).toString('hex')}`;
  const admin = createDatabase({ url: base, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin);
  await admin.destroy();
  const url = withSchema(base, schema);
  const db = createDatabase({ url, poolSize: 5 });
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    db,
    schema,
    url,
    async drop() {
      await db.destroy();
    },
  };
}
