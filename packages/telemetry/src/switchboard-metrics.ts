import type { Meter } from '@opentelemetry/api';
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { type IMetricReader, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { serviceResource } from './service-resource.ts';
import { numberFromEnv, otlpEnabled, otlpProtocol, type TelemetryEnv } from './telemetry-env.ts';

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /**
   * The environment Switchboard decides from (whether to export, the protocol, ...). The OTLP
   * exporters read their own settings (endpoint, headers, timeout) from `process.env`.
   * @default process.env
   */
  readonly env?: TelemetryEnv;
  /** `service.name` unless `OTEL_SERVICE_NAME` says otherwise. @default 'switchboard' */
  readonly serviceName?: string;
}

/** The metrics of one running Switchboard: where instruments are made, and how they are read. */
export interface SwitchboardMetrics {
  /** Makes the instruments (counters, histograms, observable gauges). */
  readonly meter: Meter;
  /** True when the metrics are also pushed over OTLP. */
  readonly otlp: boolean;
  /** The current value of every instrument in the Prometheus text format (for `GET /metrics`). */
  scrape(): Promise<string>;
  /** Pushes the last values (OTLP) and stops. */
  shutdown(): Promise<void>;
}

/**
 * Creates the metrics of one Switchboard. They can always be scraped in the Prometheus
 * format (`scrape()`, served at `GET /metrics`); with `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`) set they are also pushed over OTLP every
 * `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60000).
 *
 * Not process-global: two Switchboards in one process (tests) count apart.
 */
export function createMetrics(options: MetricsOptions = {}): SwitchboardMetrics {
  const env = options.env ?? process.env;
  // The exporter only collects when asked: no HTTP server of its own, the API serves it.
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  const readers: IMetricReader[] = [prometheus];
  const otlp = otlpEnabled(env, 'METRICS');
  if (otlp) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: otlpProtocol(env, 'METRICS') === 'http/json' ? new OtlpJsonMetricExporter() : new OtlpProtoMetricExporter(),
        exportIntervalMillis: numberFromEnv(env, 'OTEL_METRIC_EXPORT_INTERVAL', 60_000),
        exportTimeoutMillis: numberFromEnv(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 30_000),
      }),
    );
  }
  const provider = new MeterProvider({ resource: serviceResource(options.serviceName ?? 'switchboard'), readers });
  return {
    meter: provider.getMeter('switchboard'),
    otlp,
    async scrape() {
      const { resourceMetrics } = await prometheus.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}
