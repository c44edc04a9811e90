import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@switchboard/store';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
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
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return async () => {};
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
