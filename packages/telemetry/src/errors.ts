/** A telemetry environment variable has a value Switchboard can't use. */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
  /** The environment variable at fault, e.g. `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  readonly variable: string;

  constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super(`${variable}: ${message}`, options);
    this.variable = variable;
  }
}
