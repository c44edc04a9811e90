/** Which deployment shape a measurement runs on. */
export const BenchPath = {
  /** `DATABASE_URL` and `NATS_URL` set: the system PostgreSQL and NATS JetStream. */
  nats: 'nats',
  /** Nothing set: the embedded PostgreSQL and the in-process bus. */
  embedded: 'embedded',
} as const;
export type BenchPath = (typeof BenchPath)[keyof typeof BenchPath];

/** Everything `pnpm bench` reads from its environment. */
export interface BenchOptions {
  /** Length of each measured load phase, in seconds (`BENCH_SECONDS`). @default 15 */
  readonly seconds: number;
  /** Length of the warm-up before the measurements, in seconds. @default min(3, seconds) */
  readonly warmupSeconds: number;
  /** Connections of the max-rate load (`BENCH_CONNECTIONS`). @default 100 */
  readonly connections: number;
  /** Leads per second of the fixed-rate latency phase (`BENCH_RATE`). @default 1000 */
  readonly rate: number;
  /** Connections available to the fixed-rate load. @default 50 */
  readonly pacedConnections: number;
  /** The paths to measure (`BENCH_PATHS`, comma-separated). @default ['nats', 'embedded'] */
  readonly paths: ReadonlyArray<BenchPath>;
  /** The PostgreSQL of the NATS path (`BENCH_DATABASE_URL`). @default 'postgres://postgres@127.0.0.1:5432/test' */
  readonly databaseUrl: string;
  /** The NATS server of the NATS path (`BENCH_NATS_URL`). @default 'nats://127.0.0.1:4222' */
  readonly natsUrl: string;
  /** Write a V8 CPU profile of the service during each measured phase into `bench/profiles/` (`BENCH_PROFILE=1`). @default false */
  readonly profile: boolean;
  /** Where the report goes (`BENCH_RESULTS`). @default 'bench/RESULTS.md' */
  readonly resultsFile: string;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}="${raw}" is not a positive number; unset it to use the default (${fallback})`);
  }
  return value;
}

/** Reads the benchmark options from the environment; throws naming the bad variable. */
export function benchOptionsFromEnv(env: NodeJS.ProcessEnv, defaultResultsFile: string): BenchOptions {
  const seconds = positiveNumber(env, 'BENCH_SECONDS', 15);
  const paths = (env.BENCH_PATHS ?? 'nats,embedded')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  for (const path of paths) {
    if (!Object.values(BenchPath).includes(path as BenchPath)) {
      throw new Error(`BENCH_PATHS lists "${path}"; use a comma-separated subset of: ${Object.values(BenchPath).join(', ')}`);
    }
  }
  return Object.freeze({
    seconds,
    warmupSeconds: Math.min(3, seconds),
    connections: Math.round(positiveNumber(env, 'BENCH_CONNECTIONS', 100)),
    rate: positiveNumber(env, 'BENCH_RATE', 1000),
    pacedConnections: 50,
    paths: Object.freeze(paths as BenchPath[]),
    databaseUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    natsUrl: env.BENCH_NATS_URL || 'nats://127.0.0.1:4222',
    profile: env.BENCH_PROFILE === '1' || env.BENCH_PROFILE === 'true',
    resultsFile: env.BENCH_RESULTS || defaultResultsFile,
  });
}
