/**
 * `@switchboard/telemetry`: OpenTelemetry tracing and metrics for Switchboard, and the
 * span, attribute and metric names every component uses.
 *
 * Tracing is registered only when asked for (an OTLP endpoint in the environment);
 * otherwise the OpenTelemetry API's no-op tracer is used. Metrics are always kept and
 * scraped in the Prometheus format at the API's `GET /metrics`.
 */
export { Attr, MessagingOperation, MetricAttr, MetricName, SpanName } from './telemetry-names.ts';
export { registerTracing, type TracingHandle, type TracingOptions } from './register-tracing.ts';
export { createMetrics, type MetricsOptions, type SwitchboardMetrics } from './switchboard-metrics.ts';
export { tracingActive } from './tracing-state.ts';
export { inSpan, recordFailure, startSpan, tracer } from './spans.ts';
export {
  contextOfHeaders,
  contextOfTraceparent,
  linksToOtherTrace,
  spanContextOf,
  traceIdOf,
  traceparentOf,
  withTraceHeaders,
} from './trace-context.ts';
export { inProcessSpan, type MessageDestination, messagingSystemOf, startSendSpan } from './messaging-spans.ts';
export { registerInMemoryTracing, type InMemoryTracing, type ReadableSpan } from './in-memory-tracing.ts';
export { TelemetryConfigError } from './errors.ts';
export { type DiagnosticsLog, logTelemetryDiagnostics } from './diagnostics.ts';
export type { TelemetryEnv } from './telemetry-env.ts';
export { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
