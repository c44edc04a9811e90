import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { TelemetryConfigError } from './errors.ts';
import { serviceResource } from './service-resource.ts';
import { setTracingActive } from './tracing-state.ts';
import { numberFromEnv, otlpEnabled, otlpProtocol, stringFromEnv, type TelemetryEnv } from './telemetry-env.ts';

/** Options of `registerTracing`. */
export interface TracingOptions {
  /**
   * The environment Switchboard decides from (whether to export, the protocol, ...). The OTLP
   * exporters read their own settings (endpoint, headers, timeout) from `process.env`.
   * @default process.env
   */
  readonly env?: TelemetryEnv;
  /** `service.name` unless `OTEL_SERVICE_NAME` says otherwise. @default 'switchboard' */
  readonly serviceName?: string;
  /**
   * Span processors to register in addition to the OTLP exporter. Given any, tracing is
   * registered even without an OTLP endpoint (tests pass an in-memory exporter here).
   */
  readonly spanProcessors?: ReadonlyArray<SpanProcessor>;
}

/** Tracing as registered (or not) in this process. */
export interface TracingHandle {
  /** True when spans are recorded in this process (an SDK is registered). */
  readonly enabled: boolean;
  /** Exports the spans ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes and unregisters the SDK, if this handle registered it; otherwise only flushes. */
  shutdown(): Promise<void>;
}

let registered: { provider: TracerProvider } | undefined;

const DISABLED: TracingHandle = Object.freeze({ enabled: false, forceFlush: async () => {}, shutdown: async () => {} });

/**
 * Registers the OpenTelemetry tracing SDK for this process when it is asked for: an OTLP
 * endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
 * or span processors are given. Otherwise it registers nothing, and the API's no-op
 * tracer stays in place: spans cost one small object and no attributes are built.
 *
 * Honours `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER` (`otlp`, `none`),
 * `OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL` (`http/protobuf`, `http/json`), the exporter's
 * own `OTEL_EXPORTER_OTLP_*` variables (endpoint, headers, timeout, compression),
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER[_ARG]` and
 * `OTEL_BSP_*`.
 *
 * Tracing is process-wide (one context manager, one propagator): a second call while
 * registered answers a handle on the first registration, whose `shutdown` only flushes.
 *
 * @example
 * const tracing = registerTracing(); // at process start
 * // ...
 * await tracing.shutdown(); // at exit, to export the last spans
 */
export function registerTracing(options: TracingOptions = {}): TracingHandle {
  const env = options.env ?? process.env;
  if (registered) {
    const { provider } = registered;
    return { enabled: true, forceFlush: () => provider.forceFlush(), shutdown: () => provider.forceFlush() };
  }
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (otlpEnabled(env, 'TRACES')) {
    processors.push(
      new BatchSpanProcessor({
        exporter: otlpTraceExporter(env),
        scheduledDelayMillis: numberFromEnv(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
        exportTimeoutMillis: numberFromEnv(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000),
        maxQueueSize: numberFromEnv(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
        maxExportBatchSize: numberFromEnv(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
      }),
    );
  }
  if (processors.length === 0) return DISABLED;

  const provider = new TracerProvider({
    resource: serviceResource(options.serviceName ?? 'switchboard'),
    sampler: samplerFromEnv(env),
    spanProcessors: processors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  registered = { provider };
  setTracingActive(true);
  return {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      if (registered?.provider !== provider) return;
      registered = undefined;
      setTracingActive(false);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

function otlpTraceExporter(env: TelemetryEnv): SpanExporter {
  // Endpoint, headers, timeout and compression come from the OTEL_EXPORTER_OTLP_* variables.
  return otlpProtocol(env, 'TRACES') === 'http/json' ? new OtlpJsonTraceExporter() : new OtlpProtoTraceExporter();
}

/** `OTEL_TRACES_SAMPLER` (SDK 3 no longer reads it itself). @default parentbased_always_on */
function samplerFromEnv(env: TelemetryEnv): Sampler {
  const name = stringFromEnv(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  const ratio = () => {
    const arg = numberFromEnv(env, 'OTEL_TRACES_SAMPLER_ARG', 1);
    if (arg > 1) throw new TelemetryConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a ratio between 0 and 1, got ${arg}`);
    return new TraceIdRatioBasedSampler(arg);
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      throw new TelemetryConfigError(
        'OTEL_TRACES_SAMPLER',
        `"${name}" is not supported; use always_on, always_off, traceidratio or their parentbased_ forms`,
      );
  }
}
