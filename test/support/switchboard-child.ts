import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_ADMIN_KEY } from './test-keys.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A Switchboard in a child process: what it printed, and a way to fail fast when it exits. */
export interface SwitchboardChild {
  readonly process: ChildProcess;
  readonly url: string;
  /** The last of what it wrote on stdout and stderr. */
  output(): string;
  /** Resolves with `work`, or rejects as soon as the process exits. */
  whileUp<T>(work: Promise<T>): Promise<T>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
}

/**
 * Starts `test/support/switchboard-process.ts` (configured from `env` like `switchboard start`) and
 * resolves once it listens.
 */
export async function startSwitchboardChild(env: Record<string, string | undefined>): Promise<SwitchboardChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/switchboard-process.ts'], {
    cwd: root,
    env: { ...process.env, SWITCHBOARD_ADMIN_KEY: TEST_ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: unknown) => (output = (output + String(chunk)).slice(-30_000));
  child.stderr?.on('data', keep);
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`the service exited (code ${code}, signal ${signal}):\n${output.slice(-6_000)}`)));
  });
  // Awaited in whileUp only: don't let an exit nobody waits for be an unhandled rejection.
  exited.catch(() => {});
  const url = await Promise.race([
    new Promise<string>((resolve) => {
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += String(chunk);
        keep(chunk);
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
    }),
    exited,
  ]);
  return { process: child, url, output: () => output, whileUp: (work) => Promise.race([work, exited]), exited: gone };
}

/** Kills a child (SIGKILL unless told otherwise) and waits until it is gone. */
export async function killChild(child: SwitchboardChild | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill(signal);
  await child.exited;
}
