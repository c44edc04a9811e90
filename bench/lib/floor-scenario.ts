import { startEmbeddedPostgres } from '@switchboard/store';
import type { BenchOptions } from './bench-options.ts';
import { createBenchSchema, runStatement } from './bench-schema.ts';
import { spawnChild } from './child-process.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import { phasePattern } from './lead-body.ts';
import { type PhaseMeasurement, profileFile, runLoadPhase, runUndisturbed } from './load-phase.ts';
import type { PathDatabase } from './switchboard-scenario.ts';

/** The floor service's sustained run. */
export interface FloorRun extends PhaseMeasurement {
  /** Leads of the phase found in the database afterwards. */
  readonly stored: number;
  /** Of those, leads without their `lead.received` event row (must be 0). */
  readonly missingEvents: number;
}

/**
 * Runs the floor service (`bench/floor-service.ts`) in its own process against a fresh
 * schema of the same PostgreSQL Switchboard used (for the embedded path, the same
 * data directory started again), warms it up and drives it at max rate.
 */
export async function runFloorScenario(
  database: PathDatabase,
  options: BenchOptions,
  repoRoot: string,
  cleanup: CleanupStack,
  log: (line: string) => void,
): Promise<FloorRun> {
  let baseUrl = database.baseUrl;
  if (database.embedded) {
    const server = await startEmbeddedPostgres(database.embedded);
    cleanup.defer('stop the embedded PostgreSQL of the floor', () => server.stop());
    baseUrl = server.url;
  }
  const schema = await createBenchSchema(baseUrl, 'floor');
  cleanup.defer(`drop schema ${schema.name}`, () => schema.drop());
  const service = spawnChild({
    label: 'floor',
    script: 'bench/floor-service.ts',
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: schema.url, PORT: '0', HOST: '127.0.0.1' },
  });
  const stopService = cleanup.defer(`stop the floor service (pid ${service.pid})`, () => service.stop());
  try {
    const { url } = await service.nextMessage<{ url: string }>(60_000);
    log(`  floor service (pid ${service.pid}) at ${url}, schema ${schema.name}`);
    const context = { repoRoot, service, databaseUrl: schema.url };
    await runLoadPhase(context, { mode: 'max', url, prefix: 'warm', seconds: options.warmupSeconds, connections: options.connections });
    log(`  sustained: max rate, ${options.connections} connections, ${options.seconds} s`);
    const profiled = { ...context, ...(options.profile && { profileFile: profileFile(repoRoot, `floor-${database.embedded ? 'embedded' : 'nats'}-sustained`) }) };
    return await runUndisturbed(
      'sus',
      async (prefix) => {
        const phase = await runLoadPhase(profiled, { mode: 'max', url, prefix, seconds: options.seconds, connections: options.connections });
        // Requests cut off when the load stopped may still be committing.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const { rows } = await runStatement<{ stored: number; missing_events: number }>(
          schema.url,
          `select count(*)::int as stored,
                  count(*) filter (where not exists (select 1 from lead_events e where e.lead_id = l.id and e.type = 'lead.received'))::int as missing_events
           from leads l where external_id like $1`,
          [phasePattern(prefix)],
        );
        return { ...phase, stored: rows[0]!.stored, missingEvents: rows[0]!.missing_events };
      },
      log,
    );
  } finally {
    await stopService();
  }
}
