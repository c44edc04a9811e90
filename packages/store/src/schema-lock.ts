import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/**
 * Takes a transaction-scoped lock named `name` within the current schema, released when the
 * transaction ends: writers of one table wait for each other, while deployments and test
 * files that share a server (each in its own schema) don't.
 */
export async function lockInSchema(trx: Kysely<Database>, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.' || ${name}))`.execute(trx);
}
