import { Pool } from 'undici';
import { leadBody } from './lead-body.ts';
import { type LoadRequest, type LoadResult, summarizeLatencies } from './load-result.ts';
import { benchAuthorization } from './bench-key.ts';

/**
 * Sends `POST /v1/leads` at a fixed rate (open loop): request `i` is due at
 * `start + i / rate`, whether or not earlier ones were answered. autocannon's
 * `overallRate` is not used because it sends each second's quota back to back at the
 * start of the second and then idles, which measures bursts, not a steady rate.
 */
export async function runPacedLoad(request: LoadRequest): Promise<LoadResult> {
  const rate = request.rate ?? 1000;
  const total = Math.round(rate * request.seconds);
  const pool = new Pool(request.url, { connections: request.connections, pipelining: 1 });
  const httpLatencies: number[] = [];
  const scheduledLatencies: number[] = [];
  let ok = 0;
  let notOk = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (n: number, dueAt: number): void => {
    const sentAt = performance.now();
    const task = pool
      .request({ method: 'POST', path: '/v1/leads', headers: { ...benchAuthorization, 'content-type': 'application/json' }, body: leadBody(request.prefix, n) })
      .then(async (response) => {
        await response.body.dump();
        const now = performance.now();
        httpLatencies.push(now - sentAt);
        scheduledLatencies.push(now - dueAt);
        if (response.statusCode >= 200 && response.statusCode < 300) ok += 1;
        else notOk += 1;
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) {
        send(sent + 1, start + (sent * 1000) / rate);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all([...inFlight]);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  return {
    mode: 'paced',
    seconds,
    connections: request.connections,
    sent,
    ok,
    notOk,
    errors,
    okPerSecond: ok / seconds,
    httpLatency: summarizeLatencies(httpLatencies),
    scheduledLatency: summarizeLatencies(scheduledLatencies),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
