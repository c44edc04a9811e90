/**
 * The load generator, run by `bench/run.ts` in its own process so that its CPU time is
 * not the service's. Reads a `LoadRequest` as JSON from `BENCH_LOAD`, prints
 * `{"event":"ready"}`, waits for `{"go":true}` on its IPC channel (so that the bench
 * can take its samples first), and prints `{"event":"done","result":…}` at the end.
 */
import type { LoadRequest, LoadResult } from './lib/load-result.ts';
import { runMaxRateLoad } from './lib/max-rate-load.ts';
import { runPacedLoad } from './lib/paced-load.ts';

const request = JSON.parse(process.env.BENCH_LOAD ?? 'null') as LoadRequest | null;
if (!request) {
  console.error('BENCH_LOAD is not set: this file is started by bench/run.ts with a JSON load request');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
if (process.send) {
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.channel?.unref();
}
const result: LoadResult = request.mode === 'max' ? await runMaxRateLoad(request) : await runPacedLoad(request);
process.stdout.write(`${JSON.stringify({ event: 'done', result })}\n`);
