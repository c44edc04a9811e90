/**
 * Switchboard in a child process, for crash tests: configured from the environment like
 * `switchboard start`, it prints `{"url":…}` on stdout once it listens.
 */
import { configFromEnv, startSwitchboard } from '@switchboard/server';
import pino from 'pino';

const running = await startSwitchboard(configFromEnv({ PORT: '0', HOST: '127.0.0.1', ...process.env }), {
  logger: pino({ level: process.env.LOG_LEVEL || 'warn' }, pino.destination(2)),
});
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
