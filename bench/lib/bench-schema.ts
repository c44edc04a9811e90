import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Appends `search_path=<schema>` to a postgres URL, so that every pooled connection uses that schema. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A fresh PostgreSQL schema for one run. */
export interface BenchSchema {
  readonly name: string;
  /** `baseUrl` with this schema as its search path. */
  readonly url: string;
  drop(): Promise<void>;
}

/** Runs one statement on a short-lived connection. */
export async function runStatement<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

/** Creates `bench_<random>` in the database of `baseUrl`; `drop()` removes it with everything in it. */
export async function createBenchSchema(baseUrl: string, purpose: string): Promise<BenchSchema> {
  const name = `bench_${purpose}_${randomBytes(4).toString('hex')}`;
  await runStatement(baseUrl, `create schema "${name}"`);
  return {
    name,
    url: withSchema(baseUrl, name),
    drop: async () => {
      await runStatement(baseUrl, `drop schema if exists "${name}" cascade`);
    },
  };
}
