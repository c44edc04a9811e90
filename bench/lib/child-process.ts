import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A TypeScript entry point started in its own Node process (through tsx). */
export interface BenchChild {
  readonly pid: number;
  readonly label: string;
  /** The next JSON line the child prints on stdout (other lines are passed through to stderr). */
  nextMessage<T>(timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Sends a message over the child's IPC channel. */
  tell(message: unknown): void;
  /** Asks the child over its IPC channel (see `answerProbes`) and resolves with its answer. */
  probe<T>(question: string, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of `spawnChild`. */
export interface SpawnChildOptions {
  /** A name for log lines, e.g. `switchboard`. */
  readonly label: string;
  /** The `.ts` file to run. */
  readonly script: string;
  /** Working directory (where `tsx` resolves). */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Extra `node` flags, e.g. `--cpu-prof`. @default [] */
  readonly nodeArgs?: ReadonlyArray<string>;
}

/**
 * Starts a TypeScript file with `node --import tsx` (not the `tsx` CLI, which would
 * put a second process between us and the one we measure). The child talks back with
 * JSON lines on stdout; its stderr is passed through with a label.
 */
export function spawnChild(options: SpawnChildOptions): BenchChild {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.script}`);
  const pid = child.pid;
  const messages: unknown[] = [];
  const waiters: Array<(message: unknown) => void> = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    });
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: unknown;
    try {
      message = line.startsWith('{') ? JSON.parse(line) : undefined;
    } catch {
      message = undefined;
    }
    if (message === undefined) {
      process.stderr.write(`[${options.label}] ${line}\n`);
      return;
    }
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${options.label}] ${line}\n`));

  let probes = 0;
  const answers = new Map<number, (answer: unknown) => void>();
  child.on('message', (message: { probe?: number; answer?: unknown }) => {
    if (typeof message?.probe !== 'number') return;
    answers.get(message.probe)?.(message.answer);
    answers.delete(message.probe);
  });

  return {
    pid,
    label: options.label,
    exited,
    tell(message: unknown) {
      child.send(message as object);
    },
    probe<T>(question: string, timeoutMs = 5_000): Promise<T> {
      const id = ++probes;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          answers.delete(id);
          reject(new Error(`${options.label} (pid ${pid}) did not answer the probe "${question}" within ${timeoutMs} ms`));
        }, timeoutMs);
        answers.set(id, (answer) => {
          clearTimeout(timer);
          resolve(answer as T);
        });
        child.send({ probe: id, question });
      });
    },
    nextMessage<T>(timeoutMs = 120_000): Promise<T> {
      if (messages.length > 0) return Promise.resolve(messages.shift() as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          const index = waiters.indexOf(onMessage);
          if (index >= 0) waiters.splice(index, 1);
          reject(new Error(`${options.label} (pid ${pid}) sent nothing within ${timeoutMs} ms`));
        }, timeoutMs);
        const onMessage = (message: unknown) => {
          clearTimeout(timer);
          resolve(message as T);
        };
        waiters.push(onMessage);
        void exited.then((code) => {
          if (!waiters.includes(onMessage)) return;
          waiters.splice(waiters.indexOf(onMessage), 1);
          clearTimeout(timer);
          reject(new Error(`${options.label} (pid ${pid}) exited with code ${code} before it answered; see its log lines above`));
        });
      });
    },
    async stop(graceMs = 30_000) {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}
