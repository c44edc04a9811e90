import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** The answer to the `elu` probe: the process's cumulative event-loop utilization. */
export type EventLoopSample = EventLoopUtilization;

/** Questions a service started by the bench answers over its IPC channel. */
export type ProbeQuestion =
  /** Event-loop utilization so far (an `EventLoopSample`). */
  | 'elu'
  /** Starts the V8 CPU profiler (sampling every 500 µs). */
  | 'profile:start'
  /** Stops it and writes the profile to the file named after the colon; answers the file name. */
  | `profile:stop:${string}`;

let session: Session | undefined;

async function answer(question: string): Promise<unknown> {
  if (question === 'elu') return performance.eventLoopUtilization();
  if (question === 'profile:start') {
    session ??= new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    return true;
  }
  if (question.startsWith('profile:stop:') && session) {
    const file = question.slice('profile:stop:'.length);
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    session = undefined;
    await writeFile(file, JSON.stringify(profile));
    return file;
  }
  return null;
}

/**
 * Run inside a service started by `spawnChild`: answers the bench's probes (see
 * `ProbeQuestion`) over the IPC channel, without keeping the process alive.
 */
export function answerProbes(): void {
  if (!process.send) return;
  process.on('message', (message: { probe?: number; question?: string }) => {
    if (typeof message?.probe !== 'number') return;
    const reply = (value: unknown) => process.send?.({ probe: message.probe, answer: value });
    answer(message.question ?? '').then(reply, (error: unknown) => reply({ error: String(error) }));
  });
  process.channel?.unref();
}

/** The share of time the event loop was busy between two samples (0–1). */
export function eventLoopBusyBetween(before: EventLoopSample, after: EventLoopSample): number {
  return performance.eventLoopUtilization(after, before).utilization;
}
