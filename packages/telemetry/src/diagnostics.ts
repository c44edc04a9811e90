import { diag, type DiagLogger, DiagLogLevel } from '@opentelemetry/api';

/** Where OpenTelemetry's own warnings and errors go: the service's logger (pino). */
export interface DiagnosticsLog {
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/**
 * Sends OpenTelemetry's own warnings and errors — a collector that can't be reached, an
 * export it refused, a bad variable — to the service's log. Without this they are
 * silent, and an operator sees no traces without being told why.
 */
export function logTelemetryDiagnostics(log: DiagnosticsLog): void {
  const write =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]): void =>
      log[level](args.length > 0 ? { otel: args.map((a) => (a instanceof Error ? a.message : String(a))) } : {}, `OpenTelemetry: ${message}`);
  const logger: DiagLogger = { error: write('error'), warn: write('warn'), info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
