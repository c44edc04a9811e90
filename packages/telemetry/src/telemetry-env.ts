import { TelemetryConfigError } from './errors.ts';

/** Environment variables, as `process.env` holds them. */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** The OTLP wire formats Switchboard can export in. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

const value = (env: TelemetryEnv, name: string): string | undefined => {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
};

/** `OTEL_SDK_DISABLED=true` turns every OpenTelemetry SDK off (the Prometheus endpoint stays). */
export function sdkDisabled(env: TelemetryEnv): boolean {
  return value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
}

/**
 * Whether a signal (`TRACES`, `METRICS`) is exported over OTLP: an endpoint is set
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT`), the SDK is
 * not disabled, and `OTEL_<SIGNAL>_EXPORTER` does not say `none`.
 */
export function otlpEnabled(env: TelemetryEnv, signal: 'TRACES' | 'METRICS'): boolean {
  if (sdkDisabled(env)) return false;
  const exporter = value(env, `OTEL_${signal}_EXPORTER`)?.toLowerCase();
  if (exporter === 'none') return false;
  if (exporter !== undefined && exporter !== 'otlp') {
    throw new TelemetryConfigError(`OTEL_${signal}_EXPORTER`, `"${exporter}" is not supported; use "otlp" or "none"`);
  }
  return value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined || value(env, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`) !== undefined;
}

/** The OTLP protocol of a signal: the signal's own variable, else the general one, else `http/protobuf` (the spec's default). */
export function otlpProtocol(env: TelemetryEnv, signal: 'TRACES' | 'METRICS'): OtlpProtocol {
  const specific = `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`;
  const name = value(env, specific) !== undefined ? specific : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(env, name) ?? 'http/protobuf';
  if (protocol === 'http/protobuf' || protocol === 'http/json') return protocol;
  throw new TelemetryConfigError(
    name,
    `"${protocol}" is not supported; use "http/protobuf" or "http/json" (for gRPC, point Switchboard at an OpenTelemetry Collector over HTTP)`,
  );
}

/** A whole number from the environment, or `fallback` when unset. */
export function numberFromEnv(env: TelemetryEnv, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const number = Number(raw);
  if (!Number.isFinite(number) || number < 0) throw new TelemetryConfigError(name, `must be a number ≥ 0, got "${raw}"`);
  return number;
}

/** A string from the environment, or undefined. */
export function stringFromEnv(env: TelemetryEnv, name: string): string | undefined {
  return value(env, name);
}
