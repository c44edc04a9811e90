import { type Context, context, type Span, type SpanOptions, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { tracingActive } from './tracing-state.ts';

const TRACER_NAME = 'switchboard';

/** Switchboard's tracer (a proxy: it records once an SDK is registered, and is a no-op before). */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** A span that records nothing: what the no-op tracer hands out, shared. */
const NOT_RECORDING: Span = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });

/**
 * Runs `work` inside a new span (active for everything `work` starts), ends the span when
 * `work` settles, and marks it failed if `work` throws. With tracing off, `work` runs
 * directly with a shared non-recording span: no span, context or attribute is built.
 * Check `span.isRecording()` before computing attributes that cost something.
 *
 * @param parent the parent context. @default the active context
 */
export async function inSpan<T>(name: string, options: SpanOptions, parent: Context | undefined, work: (span: Span) => Promise<T> | T): Promise<T> {
  if (!tracingActive()) return work(NOT_RECORDING);
  const span = tracer().startSpan(name, options, parent ?? context.active());
  try {
    return await context.with(trace.setSpan(parent ?? context.active(), span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Starts a span that the caller ends (for work that does not fit one call). Non-recording when tracing is off. */
export function startSpan(name: string, options: SpanOptions, parent?: Context): Span {
  if (!tracingActive()) return NOT_RECORDING;
  return tracer().startSpan(name, options, parent ?? context.active());
}

/** Marks a span failed with the error's message, and records the exception. */
export function recordFailure(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
