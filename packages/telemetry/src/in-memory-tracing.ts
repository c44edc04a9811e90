import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { registerTracing } from './register-tracing.ts';

/** Tracing into memory, for tests. */
export interface InMemoryTracing {
  /** The spans ended so far, in the order they ended. */
  spans(): ReadonlyArray<ReadableSpan>;
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Unregisters tracing. */
  shutdown(): Promise<void>;
}

/**
 * Registers tracing for this process with an in-memory exporter (each span exported as
 * it ends), whatever the environment says. For tests of the spans Switchboard records.
 */
export function registerInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const handle = registerTracing({ env: {}, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  if (!handle.enabled) throw new Error('registerInMemoryTracing: tracing could not be registered');
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: () => handle.shutdown(),
  };
}

export type { ReadableSpan };
