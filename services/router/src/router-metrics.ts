import type { Attributes, BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { MetricAttr, MetricName } from '@switchboard/telemetry';

/** What the router's gauges read when they are collected. */
export interface RouterGaugeSources {
  /** Leads in the waiting line, and since when the oldest has waited (epoch ms; null when none waits). */
  waiting(): { readonly count: number; readonly oldestSince: number | null };
  /** Leads being routed right now (in memory). */
  leadsRouting(): number;
  /** Rep actors by state. */
  repStates(): ReadonlyMap<string, number>;
  /** Durable timers held in memory. */
  timersInMemory(): number;
  readonly clock: () => number;
}

/** Boundaries in seconds for latencies from a millisecond to a minute. */
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The router's instruments: counters and histograms it records as leads move, and
 * observable gauges read from its state at collection time (no cost between scrapes).
 */
export class RouterMetrics {
  readonly #routingDuration;
  readonly #assignments;
  readonly #breaches;
  readonly #busLag;
  readonly #meter: Meter;
  readonly #observe: BatchObservableCallback;
  readonly #observables: Observable[];

  /**
   * `labels` go on every gauge observation: a partition's router reports its own series
   * (`partition`), and a router that stops takes its gauges with it (`stop`).
   */
  constructor(meter: Meter, sources: RouterGaugeSources, labels: Attributes = {}) {
    this.#meter = meter;
    this.#routingDuration = meter.createHistogram(MetricName.routingDuration, {
      unit: 's',
      description: 'From a lead being received to its first routing decision being committed',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    this.#assignments = meter.createCounter(MetricName.assignments, { description: 'Leads assigned, by rep and team' });
    this.#breaches = meter.createCounter(MetricName.slaBreaches, { description: 'SLA breaches, by team' });
    this.#busLag = meter.createHistogram(MetricName.busLag, {
      unit: 's',
      description: 'From the API receiving a lead to the router taking its intake message off the bus',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    const waitingLeads = meter.createObservableGauge(MetricName.waitingLeads, { description: 'Leads in the waiting line' });
    const oldestAge = meter.createObservableGauge(MetricName.waitingOldestAge, { unit: 's', description: 'How long the oldest waiting lead has waited' });
    const reps = meter.createObservableGauge(MetricName.reps, { description: 'Reps by state' });
    const actors = meter.createObservableGauge(MetricName.actors, { description: 'Actors and durable timers held in memory, by kind' });
    this.#observables = [waitingLeads, oldestAge, reps, actors];
    this.#observe = (result) => {
      const waiting = sources.waiting();
      result.observe(waitingLeads, waiting.count, labels);
      result.observe(oldestAge, waiting.oldestSince === null ? 0 : Math.max(0, sources.clock() - waiting.oldestSince) / 1000, labels);
      let repCount = 0;
      for (const [state, count] of sources.repStates()) {
        result.observe(reps, count, { ...labels, [MetricAttr.state]: state });
        repCount += count;
      }
      result.observe(actors, waiting.count + sources.leadsRouting(), { ...labels, [MetricAttr.kind]: 'lead' });
      result.observe(actors, repCount, { ...labels, [MetricAttr.kind]: 'rep' });
      result.observe(actors, sources.timersInMemory(), { ...labels, [MetricAttr.kind]: 'timer' });
    };
    meter.addBatchObservableCallback(this.#observe, this.#observables);
  }

  /** Stops reporting the gauges (the router stopped). */
  stop(): void {
    this.#meter.removeBatchObservableCallback(this.#observe, this.#observables);
  }

  /** A new lead's first decision committed, `seconds` after it was received. */
  routed(seconds: number, outcome: string): void {
    this.#routingDuration.record(Math.max(0, seconds), { [MetricAttr.outcome]: outcome });
  }

  /** A lead was assigned to a rep (first assignment or re-assignment). */
  assigned(repId: string, teamId: string | null): void {
    this.#assignments.add(1, { [MetricAttr.rep]: repId, [MetricAttr.team]: teamId ?? 'none' });
  }

  /** A lead's SLA ran out with its owner (a breach of that team's SLA). */
  breached(teamId: string | null): void {
    this.#breaches.add(1, { [MetricAttr.team]: teamId ?? 'none' });
  }

  /** An intake message was taken off the bus `seconds` after the API received the lead. */
  intakeLag(seconds: number): void {
    this.#busLag.record(Math.max(0, seconds));
  }
}
