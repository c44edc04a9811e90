/**
 * Switchboard as the service under test, in its own process. Configured from the
 * environment exactly like `switchboard start` (`DATABASE_URL`, `NATS_URL`,
 * `SWITCHBOARD_NAMESPACE`, `SWITCHBOARD_DATA_DIR`, `SWITCHBOARD_EMBEDDED_PG_PORT`,
 * `PORT`, `HOST`). Prints `{"url":…,"pid":…}` on stdout once it listens, logs (at
 * `LOG_LEVEL`, default `warn`) to stderr, answers the bench's probes over IPC when started
 * by it, and stops cleanly on SIGTERM or SIGINT.
 *
 * @example
 * PORT=0 HOST=127.0.0.1 tsx bench/serve-switchboard.ts   # embedded PostgreSQL, in-process bus
 */
import { configFromEnv, startSwitchboard } from '@switchboard/server';
import pino from 'pino';
import { answerProbes } from './lib/service-probes.ts';
import { benchSwitchboardEnv } from './lib/bench-key.ts';

const logger = pino({ level: process.env.LOG_LEVEL || 'warn' }, pino.destination(2));
const config = configFromEnv({ PORT: '0', HOST: '127.0.0.1', ...benchSwitchboardEnv, ...process.env });
const running = await startSwitchboard(config, { logger });

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  try {
    await running.stop();
  } catch (error) {
    logger.error({ err: error }, 'stopping Switchboard failed');
    process.exitCode = 1;
  }
  // Exit normally (not killed) so that --cpu-prof writes its profile.
  process.exit();
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
answerProbes();

process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid, bus: running.bus.kind })}\n`);
