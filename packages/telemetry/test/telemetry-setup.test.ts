import { context, metrics, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  contextOfTraceparent,
  createMetrics,
  inSpan,
  registerInMemoryTracing,
  registerTracing,
  TelemetryConfigError,
  traceIdOf,
  traceparentOf,
  tracingActive,
  withTraceHeaders,
} from '../src/index.ts';

describe('tracing setup', () => {
  it('registers nothing without an OTLP endpoint: the API stays a no-op and headers carry nothing', async () => {
    const handle = registerTracing({ env: {} });
    expect(handle.enabled).toBe(false);
    expect(tracingActive()).toBe(false);
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
    expect(propagation.fields()).toEqual([]);
    const headers = { 'Sb-Lead-Id': 'L1' };
    expect(withTraceHeaders(context.active(), headers)).toBe(headers);
    await inSpan('lead.route', {}, undefined, (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceparentOf()).toBeNull();
    });
  });

  it('registers nothing when OTEL_SDK_DISABLED is true or OTEL_TRACES_EXPORTER is none, even with an endpoint', () => {
    expect(registerTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' } }).enabled).toBe(false);
    expect(registerTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' } }).enabled).toBe(false);
    expect(tracingActive()).toBe(false);
  });

  it('rejects an OTLP protocol it cannot speak, naming the variable', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    expect(() => registerTracing({ env })).toThrow(TelemetryConfigError);
    expect(() => registerTracing({ env })).toThrow(/^OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported; use "http\/protobuf" or "http\/json"/);
    expect(tracingActive()).toBe(false);
  });

  it('registers the SDK when an OTLP endpoint is set, and unregisters it on shutdown', async () => {
    const handle = registerTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    try {
      expect(handle.enabled).toBe(true);
      expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(true);
      expect(propagation.fields()).toContain('traceparent');
    } finally {
      await handle.shutdown();
    }
    expect(tracingActive()).toBe(false);
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
  });

  it('stores a span context as a traceparent and continues it later as the parent', async () => {
    const tracing = registerInMemoryTracing();
    try {
      let stored: string | null = null;
      await inSpan('lead.intake', {}, ROOT_CONTEXT, () => {
        stored = traceparentOf();
      });
      expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      await inSpan('lead.sla_expired', {}, contextOfTraceparent(stored), () => {});
      const [intake, timer] = tracing.spans();
      expect(timer?.spanContext().traceId).toBe(intake?.spanContext().traceId);
      expect(timer?.parentSpanContext?.spanId).toBe(intake?.spanContext().spanId);
      expect(traceIdOf(stored)).toBe(intake?.spanContext().traceId);
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('metrics', () => {
  it('are scraped in the Prometheus format without any OTLP endpoint, and are not process-global', async () => {
    const a = createMetrics({ env: {} });
    const b = createMetrics({ env: {} });
    expect(a.otlp).toBe(false);
    a.meter.createCounter('switchboard.assignments').add(2, { rep: 'r1', team: 't1' });
    expect(await a.scrape()).toMatch(/^switchboard_assignments_total\{rep="r1",team="t1"\} 2$/m);
    expect(await b.scrape()).not.toContain('switchboard_assignments_total');
    expect(metrics.getMeterProvider().getMeter('x').createCounter('c')).toBeDefined();
    await a.shutdown();
    await b.shutdown();
  });
});
