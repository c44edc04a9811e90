import { configFromEnv, startSwitchboard } from '@switchboard/server';

/**
 * `switchboard start`: runs the service in the foreground until Ctrl-C (SIGINT) or
 * SIGTERM, then shuts down cleanly: stops taking requests, finishes in-flight work,
 * drains the bus and stops the embedded PostgreSQL.
 */
export async function start(options: { port?: number; role?: string }): Promise<void> {
  const config = configFromEnv({
    ...process.env,
    ...(options.port !== undefined && { PORT: String(options.port) }),
    ...(options.role !== undefined && { SWITCHBOARD_ROLE: options.role }),
  });
  const running = await startSwitchboard(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down…\n`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a Ctrl-C under `pnpm start` arrives twice (from the terminal, and
  // forwarded by pnpm), and a second one with no listener would kill the process mid-shutdown.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
