import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type BenchOptions, BenchPath } from './bench-options.ts';
import { createBenchSchema } from './bench-schema.ts';
import { spawnChild } from './child-process.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import { freePort } from '@switchboard/testing';
import { type DrainResult, type LeadOutcomes, readLeadOutcomes, waitForAssignments } from './lead-outcomes.ts';
import { type PhaseMeasurement, profileFile, runLoadPhase, runUndisturbed } from './load-phase.ts';
import { deleteNamespaceStreams } from './nats-streams.ts';
import { postJson } from './http-json.ts';

/** A load phase of Switchboard, with what became of its leads. */
export interface RoutedPhase extends PhaseMeasurement {
  readonly drain: DrainResult;
  readonly outcomes: LeadOutcomes;
}

/** Everything measured on Switchboard on one path. */
export interface SwitchboardRun {
  readonly path: BenchPath;
  readonly postgresVersion: string;
  /** Fixed rate (`BENCH_RATE`): latency intake → assigned. */
  readonly latency: RoutedPhase;
  /** Max rate: sustained throughput. */
  readonly sustained: RoutedPhase;
}

/** Where a path's PostgreSQL lives, so that the floor can be measured against the same one. */
export interface PathDatabase {
  /** A URL to the database Switchboard used (the floor creates its own schema there). */
  readonly baseUrl: string;
  /** Embedded path only: the data directory and port, to start the same server again. */
  readonly embedded?: { readonly dataDir: string; readonly port: number };
}

/** The embedded server's fixed credentials (see `startEmbeddedPostgres` in @switchboard/store). */
function embeddedUrl(port: number): string {
  return `postgres://postgres:switchboard@127.0.0.1:${port}/postgres`;
}

/** Creates the bench's reps and the team of them (the first team: the default team). */
async function createRepsAndTeam(baseUrl: string, reps: number): Promise<void> {
  const members: string[] = [];
  for (let i = 1; i <= reps; i++) {
    members.push((await postJson(`${baseUrl}/v1/reps`, { name: `Bench Rep ${i}`, email: `rep-${i}@bench.example` })).id);
  }
  await postJson(`${baseUrl}/v1/teams`, { name: 'Bench', members });
}

/**
 * Starts Switchboard on one path in its own process, creates 5 reps and a team, warms
 * it up, then measures latency at a fixed rate and throughput at max rate, reading
 * each lead's outcome back from PostgreSQL. Returns the database for the floor run;
 * everything it created is registered on `cleanup`.
 */
export async function runSwitchboardScenario(
  path: BenchPath,
  options: BenchOptions,
  repoRoot: string,
  cleanup: CleanupStack,
  log: (line: string) => void,
): Promise<{ run: SwitchboardRun; database: PathDatabase }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.NATS_URL;
  let database: PathDatabase;
  let queryUrl: string;
  if (path === BenchPath.nats) {
    const schema = await createBenchSchema(options.databaseUrl, 'sb');
    cleanup.defer(`drop schema ${schema.name}`, () => schema.drop());
    const namespace = `bench${randomBytes(4).toString('hex')}`;
    cleanup.defer(`delete streams of ${namespace}`, () => deleteNamespaceStreams(options.natsUrl, namespace));
    Object.assign(env, { DATABASE_URL: schema.url, NATS_URL: options.natsUrl, SWITCHBOARD_NAMESPACE: namespace });
    database = { baseUrl: options.databaseUrl };
    queryUrl = schema.url;
    log(`  schema ${schema.name}, namespace ${namespace}`);
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
    cleanup.defer(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    Object.assign(env, { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_EMBEDDED_PG_PORT: String(port), SWITCHBOARD_NAMESPACE: 'bench' });
    database = { baseUrl: embeddedUrl(port), embedded: { dataDir: join(dir, 'pg'), port } };
    queryUrl = embeddedUrl(port);
    log(`  data dir ${dir}, embedded PostgreSQL on port ${port}`);
  }

  const service = spawnChild({ label: `switchboard:${path}`, script: 'bench/serve-switchboard.ts', cwd: repoRoot, env });
  const stopService = cleanup.defer(`stop Switchboard (pid ${service.pid})`, () => service.stop());
  const { url } = await service.nextMessage<{ url: string }>(180_000);
  log(`  Switchboard (pid ${service.pid}) at ${url}`);

  const pool = new pg.Pool({ connectionString: queryUrl, max: 2 });
  pool.on('error', () => {});
  const closePool = cleanup.defer('close the result pool', () => pool.end());
  try {
    const postgresVersion = (await pool.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    await createRepsAndTeam(url, 5);

    const context = { repoRoot, service, databaseUrl: queryUrl };
    const profiled = (phase: string) => ({ ...context, ...(options.profile && { profileFile: profileFile(repoRoot, `switchboard-${path}-${phase}`) }) });
    const routedPhase = async (phase: PhaseMeasurement, prefix: string): Promise<RoutedPhase> => {
      const drain = await waitForAssignments(pool, prefix);
      return { ...phase, drain, outcomes: await readLeadOutcomes(pool, prefix) };
    };

    log(`  warm-up: ${options.warmupSeconds} s at max rate`);
    await runLoadPhase(context, { mode: 'max', url, prefix: 'warm', seconds: options.warmupSeconds, connections: options.connections });
    await waitForAssignments(pool, 'warm');

    log(`  latency: ${options.rate} leads/s for ${options.seconds} s`);
    const latency = await runUndisturbed(
      'lat',
      async (prefix) =>
        routedPhase(
          await runLoadPhase(profiled('latency'), {
            mode: 'paced',
            url,
            prefix,
            seconds: options.seconds,
            connections: options.pacedConnections,
            rate: options.rate,
          }),
          prefix,
        ),
      log,
    );

    log(`  sustained: max rate, ${options.connections} connections, ${options.seconds} s`);
    const sustained = await runUndisturbed(
      'sus',
      async (prefix) =>
        routedPhase(
          await runLoadPhase(profiled('sustained'), { mode: 'max', url, prefix, seconds: options.seconds, connections: options.connections }),
          prefix,
        ),
      log,
    );
    return { run: { path, postgresVersion, latency, sustained }, database };
  } finally {
    await closePool();
    await stopService();
  }
}
