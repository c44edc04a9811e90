import { createServer } from 'node:net';
import { diag } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { logTelemetryDiagnostics, registerTracing, trace } from '../src/index.ts';

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('OpenTelemetry diagnostics', () => {
  const lines: Array<{ level: string; object: object; message: string | undefined }> = [];
  const log = {
    warn: (object: object, message?: string) => lines.push({ level: 'warn', object, message }),
    error: (object: object, message?: string) => lines.push({ level: 'error', object, message }),
  };
  afterAll(() => diag.disable());

  it('logs a failed export to an unreachable collector instead of dropping it silently', async () => {
    logTelemetryDiagnostics(log);
    const tracing = registerTracing({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`, OTEL_EXPORTER_OTLP_TIMEOUT: '1000', OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    expect(tracing.enabled).toBe(true);
    // The batch processor exports on its schedule, as in the service; its failure goes to the log.
    trace.getTracer('test').startSpan('lead.route').end();
    await expect.poll(() => lines.filter((l) => l.level === 'error').length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(lines.find((l) => l.level === 'error')?.message).toMatch(/^OpenTelemetry: /);
    await tracing.shutdown().catch(() => undefined);
  });

  it('passes warnings on, and keeps OpenTelemetry’s info and debug chatter out of the log', () => {
    lines.length = 0;
    logTelemetryDiagnostics(log);
    diag.info('exporter started');
    diag.debug('batch of 3');
    diag.warn('dropped 2 spans', 'queue full');
    expect(lines).toEqual([{ level: 'warn', object: { otel: ['queue full'] }, message: 'OpenTelemetry: dropped 2 spans' }]);
  });
});
