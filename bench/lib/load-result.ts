/** Latency percentiles, in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** What one load phase did, as the load generator saw it. */
export interface LoadResult {
  /** `max`: closed loop, every connection sends its next request as soon as the last is answered. `paced`: open loop at a fixed rate. */
  readonly mode: 'max' | 'paced';
  /** Measured length of the phase, in seconds. */
  readonly seconds: number;
  readonly connections: number;
  /** Requests sent. */
  readonly sent: number;
  /** Answers with a 2xx status. */
  readonly ok: number;
  /** Answers with another status. */
  readonly notOk: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** 2xx answers per second. */
  readonly okPerSecond: number;
  /** From sending a request to its answer. */
  readonly httpLatency: LatencySummary;
  /**
   * Paced only: from the moment the schedule said the request was due to its answer,
   * so that a stalled server is not hidden by requests that could not be sent.
   */
  readonly scheduledLatency?: LatencySummary;
  /** CPU time the load generator itself used during the phase, in seconds. */
  readonly cpuSeconds: number;
}

/** What the load generator is asked to do (passed as JSON in `BENCH_LOAD`). */
export interface LoadRequest {
  readonly mode: 'max' | 'paced';
  /** Base URL of the service, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /**
   * Max rate only: several API processes behind no load balancer; the connections are split
   * evenly over them (`url` is then the first). @default [url]
   */
  readonly urls?: ReadonlyArray<string>;
  /** Prefix of the phase's external ids. */
  readonly prefix: string;
  readonly seconds: number;
  readonly connections: number;
  /** Paced only: requests per second. */
  readonly rate?: number;
}

/** The value at quantile `q` of ascending `sorted` values (nearest rank). */
export function quantile(sorted: ReadonlyArray<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** p50, p99 and max of unsorted values. */
export function summarizeLatencies(values: ReadonlyArray<number>): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}
