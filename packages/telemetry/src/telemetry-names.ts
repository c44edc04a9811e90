/**
 * Every span, attribute and metric name Switchboard records, in one place, so that the
 * API, the router, the tests and the README agree on them.
 *
 * Messaging attributes follow OpenTelemetry's messaging semantic conventions. They are
 * still "incubating" upstream, so they are spelled out here instead of imported from
 * `@opentelemetry/semantic-conventions/incubating` (as that package recommends).
 */

/** Names of the spans of a lead's life (messaging and HTTP spans are named by their conventions). */
export const SpanName = {
  /** API: validate a lead, commit it, publish it for routing. Its context is stored with the lead. */
  intake: 'lead.intake',
  /** Router: one routing decision (policy, offer, answer) for a lead in `routing`. */
  route: 'lead.route',
  /** Router: a group-committed write of one lead step (lead row, assignment, events, timers). */
  persist: 'lead.persist',
  /** Router: the lead's durable SLA timer fired (breach, then re-assignment or escalation). */
  slaExpired: 'lead.sla_expired',
  /** Router: a touch logged against the lead. */
  touch: 'lead.touch',
  /** Router: the lead was closed or converted. */
  close: 'lead.close',
  /** Router: the prospect booked, moved or cancelled a meeting through the lead's link. */
  booking: 'lead.booking',
  /** Router: the owner rejected the lead. */
  reject: 'lead.reject',
  /** Router: the lead was taken back and routed again (owner deactivated). */
  reroute: 'lead.reroute',
  /** Router: a waiting lead was offered again after a rep freed up. */
  retry: 'lead.retry',
} as const;
export type SpanName = (typeof SpanName)[keyof typeof SpanName];

/** Span attribute keys. */
export const Attr = {
  leadId: 'switchboard.lead.id',
  leadState: 'switchboard.lead.state',
  leadFromState: 'switchboard.lead.from_state',
  leadBreaches: 'switchboard.lead.breaches',
  /** `intake:api`, `retry`, `command:touch`, ...: what moved the lead. */
  cause: 'switchboard.cause',
  ruleName: 'switchboard.routing.rule',
  teamId: 'switchboard.routing.team.id',
  teamName: 'switchboard.routing.team.name',
  strategy: 'switchboard.routing.strategy',
  candidateCount: 'switchboard.routing.candidate_count',
  eligibleCount: 'switchboard.routing.eligible_count',
  repId: 'switchboard.routing.rep.id',
  outcome: 'switchboard.routing.outcome',
  waitingReason: 'switchboard.routing.waiting_reason',
  offerAccepted: 'switchboard.offer.accepted',
  offerReason: 'switchboard.offer.reason',
  deadlineAt: 'switchboard.sla.deadline_at',
  /** Milliseconds between a timer's due time and the moment it was acted on. */
  timerLagMs: 'switchboard.timer.lag_ms',
  committed: 'switchboard.persist.committed',
  touchType: 'switchboard.touch.type',
  closeOutcome: 'switchboard.close.outcome',
  httpRequestMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpResponseStatusCode: 'http.response.status_code',
  urlPath: 'url.path',
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingDestinationTemplate: 'messaging.destination.template',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingMessageId: 'messaging.message.id',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingBodySize: 'messaging.message.body.size',
  messagingDeliveryCount: 'messaging.nats.delivery_count',
} as const;

/**
 * `messaging.operation.type` values. `send` is what the conventions now call a publish
 * (`publish` is its deprecated name).
 */
export const MessagingOperation = { send: 'send', process: 'process' } as const;
export type MessagingOperation = (typeof MessagingOperation)[keyof typeof MessagingOperation];

/**
 * Metric names (OpenTelemetry spelling). Prometheus shows dots as underscores and adds
 * `_total` to counters (`switchboard.assignments` → `switchboard_assignments_total`); the
 * unit is in the `# UNIT` line, not the name (durations are in seconds).
 */
export const MetricName = {
  /** Histogram, seconds: lead received → first routing decision committed. */
  routingDuration: 'switchboard.routing.duration',
  /** Counter: leads assigned, by `rep` and `team`. */
  assignments: 'switchboard.assignments',
  /** Counter: SLA breaches, by `team`. */
  slaBreaches: 'switchboard.sla.breaches',
  /** Gauge: leads in the waiting line. */
  waitingLeads: 'switchboard.waiting.leads',
  /** Gauge, seconds: how long the oldest waiting lead has waited (0 when none waits). */
  waitingOldestAge: 'switchboard.waiting.oldest_age',
  /** Gauge: reps by `state` (available, away, capped, offline). */
  reps: 'switchboard.reps',
  /** Gauge: actors held in memory, by `kind` (lead, rep), and durable timers held in memory (`kind`=timer). */
  actors: 'switchboard.actors',
  /** Gauge: 1 while this router process routes (holds at least one partition), 0 otherwise. */
  routerActive: 'switchboard.router.active',
  /** Gauge: the partitions this router process holds; with `of`, how many the partition map has. */
  routerPartitions: 'switchboard.router.partitions',
  /** Histogram, seconds: lead received by the API (`Sb-Received-At`) → intake message taken off the bus by the router. */
  busLag: 'switchboard.bus.intake_lag',
} as const;

/** Metric attribute keys (short: they become Prometheus labels). */
export const MetricAttr = { rep: 'rep', team: 'team', state: 'state', kind: 'kind', outcome: 'outcome', partition: 'partition' } as const;
