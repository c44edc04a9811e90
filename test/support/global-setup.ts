import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, startEmbeddedPostgres } from '@switchboard/store';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** Every test schema of this run starts with it, so that the run's end can drop them all. */
    schemaPrefix: string;
  }
}

/**
 * Drops the run's test schemas. Only now, and not as each test file ends: Kysely's migrator
 * looks at the tables of every schema on the server, and fails when a schema disappears
 * under it, so a file dropping its schema while another file migrates breaks the other.
 */
async function dropSchemas(url: string, prefix: string): Promise<void> {
  const db = createDatabase({ url, poolSize: 1 });
  try {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_namespace where starts_with(nspname, ${prefix})`.execute(db);
    for (const { name } of rows) await sql`drop schema if exists ${sql.id(name)} cascade`.execute(db);
  } finally {
    await db.destroy();
  }
}


/**
 * Runs once before all test files: uses `DATABASE_URL` if set, else starts an
 * embedded PostgreSQL for the run. Says plainly which suites cannot run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.SWITCHBOARD_FORBID_SKIPS && (!process.env.NATS_URL || !process.env.DATABASE_URL)) {
    throw new Error('SWITCHBOARD_FORBID_SKIPS is set, so every suite must run: set both DATABASE_URL and NATS_URL');
  }
  if (!process.env.NATS_URL) {
    console.warn(
      '\n[switchboard] NATS_URL is not set: the suites that need a NATS server are SKIPPED ' +
        '(set NATS_URL=nats://127.0.0.1:4222 to run them; CI always does).\n',
    );
  }
  // Tests run the built `switchboard` command too (Ctrl-C, timing): build it from the sources
  // as they are now, not as they were at install.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../services/cli/build.mjs', import.meta.url))], { stdio: 'inherit' });
  const schemaPrefix = `t_${randomBytes(4).toString('hex')}_`;
  project.provide('schemaPrefix', schemaPrefix);
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    project.provide('databaseUrl', url);
    return () => dropSchemas(url, schemaPrefix);
  }
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-test-pg-'));
  const port = await freePort();
  console.warn(`[switchboard] DATABASE_URL is not set: tests use an embedded PostgreSQL on port ${port}`);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port });
  project.provide('databaseUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
