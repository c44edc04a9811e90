import autocannon from 'autocannon';
import { leadBody } from './lead-body.ts';
import type { LoadRequest, LoadResult } from './load-result.ts';

/**
 * Drives `POST /v1/leads` as fast as the service answers (closed loop, one request in
 * flight per connection) with autocannon, each request a new lead.
 */
export async function runMaxRateLoad(request: LoadRequest): Promise<LoadResult> {
  let n = 0;
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.seconds,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/v1/leads',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: leadBody(request.prefix, ++n) }),
      },
    ],
  });
  const cpu = process.cpuUsage(cpuBefore);
  const ok = result['2xx'];
  return {
    mode: 'max',
    seconds: result.duration,
    connections: request.connections,
    sent: n,
    ok,
    notOk: result.non2xx,
    errors: result.errors + result.timeouts,
    okPerSecond: ok / result.duration,
    httpLatency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
