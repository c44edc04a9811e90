import {
  type Context,
  context,
  isSpanContextValid,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import { tracingActive } from './tracing-state.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` of the span in `ctx` (stored with a lead, so that a timer firing
 * hours later continues its trace), or null when there is no valid span.
 */
export function traceparentOf(ctx: Context = context.active()): string | null {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return null;
  const flags = spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The trace id inside a `traceparent` (what `lead_events.trace_id` holds), or null. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  return match ? (match[1] as string) : null;
}

/** A stored `traceparent` as a remote span context, or undefined if it is missing or malformed. */
export function spanContextOf(traceparent: string | null | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return undefined;
  const spanContext: SpanContext = {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: Number.parseInt(match[3] as string, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * The context to continue a lead's trace in: the stored `traceparent` as parent. Without
 * one (a lead stored while tracing was off) the step starts a trace of its own.
 */
export function contextOfTraceparent(traceparent: string | null | undefined): Context {
  const spanContext = spanContextOf(traceparent);
  return spanContext ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}

/**
 * A link to the span active in `ctx` when it belongs to another trace than `traceparent`
 * (a touch arriving through an HTTP request, linked from the lead's own trace).
 */
export function linksToOtherTrace(ctx: Context, traceparent: string | null | undefined): Link[] | undefined {
  const active = trace.getSpanContext(ctx);
  if (!active || !isSpanContextValid(active) || active.traceId === traceIdOf(traceparent)) return undefined;
  return [{ context: active }];
}

/**
 * Adds the trace context of `ctx` (`traceparent`, `tracestate`, `baggage`) to message
 * headers. Answers `headers` itself, untouched, when tracing is off.
 */
export function withTraceHeaders(
  ctx: Context,
  headers?: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> | undefined {
  if (!tracingActive()) return headers;
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The trace context carried by message (or HTTP) headers, or the root context when there is none or tracing is off. */
export function contextOfHeaders(headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>): Context {
  if (!tracingActive()) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers);
}
