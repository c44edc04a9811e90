import { TEST_ADMIN_KEY } from '@switchboard/testing';
import { buildProgram } from '../src/index.ts';

/** What one CLI run printed, and its exit code. */
export interface CliRun {
  readonly out: string;
  readonly err: string;
  readonly exitCode: number;
}

/**
 * Runs one `switchboard ...` command against the service at `url`, in process, and returns
 * what it printed. Commander's exits (help, a missing option) become the exit code.
 */
export async function runCli(url: string, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const previous = process.exitCode;
  process.exitCode = 0;
  const program = buildProgram({ out: (t) => out.push(t), err: (t) => err.push(t) });
  try {
    await program.parseAsync(['node', 'switchboard', '--url', url, '--key', TEST_ADMIN_KEY, ...args]);
  } catch (error) {
    if (!(error instanceof Error && 'exitCode' in error)) throw error;
    process.exitCode = Number((error as { exitCode: number }).exitCode);
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = previous;
  return { out: out.join('\n'), err: err.join('\n'), exitCode };
}
