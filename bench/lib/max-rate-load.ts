import autocannon from 'autocannon';
import { leadBody } from './lead-body.ts';
import type { LoadRequest, LoadResult } from './load-result.ts';
import { benchAuthorization } from './bench-key.ts';

/**
 * Drives `POST /v1/leads` as fast as the service answers (closed loop, one request in
 * flight per connection) with autocannon, each request a new lead.
 */
export async function runMaxRateLoad(request: LoadRequest): Promise<LoadResult> {
  let n = 0;
  const cpuBefore = process.cpuUsage();
  const urls = request.urls ?? [request.url];
  const results = await Promise.all(
    urls.map((url, i) =>
      autocannon({
        url,
        // The connections split evenly; the first URLs take what does not divide.
        connections: Math.floor(request.connections / urls.length) + (i < request.connections % urls.length ? 1 : 0),
        duration: request.seconds,
        pipelining: 1,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/v1/leads',
            headers: { ...benchAuthorization, 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: leadBody(request.prefix, ++n) }),
          },
        ],
      }),
    ),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
  const seconds = Math.max(...results.map((r) => r.duration));
  // Percentiles of several runs can't be merged exactly: the worst of them is reported.
  return {
    mode: 'max',
    seconds,
    connections: request.connections,
    sent: n,
    ok,
    notOk: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    okPerSecond: ok / seconds,
    httpLatency: { p50: Math.max(...results.map((r) => r.latency.p50)), p99: Math.max(...results.map((r) => r.latency.p99)), max: Math.max(...results.map((r) => r.latency.max)) },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
