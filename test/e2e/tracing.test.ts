import { Attr, registerInMemoryTracing, SpanKind, SpanName, type InMemoryTracing, type ReadableSpan } from '@switchboard/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableBuses, createTeamOfReps, eventually, http, ManualScheduler, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

const MINUTE = 60_000;

describe.each(availableBuses)('tracing a lead’s life on the %s bus', (bus) => {
  let tracing: InMemoryTracing;
  let sb: TestSwitchboard | undefined;
  beforeAll(() => {
    tracing = registerInMemoryTracing();
  });
  afterAll(async () => {
    await tracing.shutdown();
  });
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  const leadOf = async (id: string) => (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body;

  /** Span names from the root of `span`'s trace down to `span`. */
  const pathTo = (span: ReadableSpan, spans: ReadonlyArray<ReadableSpan>): string[] => {
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const names: string[] = [];
    for (let at: ReadableSpan | undefined = span; at; at = at.parentSpanContext ? byId.get(at.parentSpanContext.spanId) : undefined) {
      names.unshift(at.name);
    }
    return names;
  };
  const childrenOf = (parent: ReadableSpan, spans: ReadonlyArray<ReadableSpan>) =>
    spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

  it('follows one lead from intake through an SLA breach to its re-assignment in one trace, across the bus, and keeps touch and close in it', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus, scheduler: clock });
    const { subjects } = sb.running;
    const { teamId, repIds } = await createTeamOfReps(sb.url, { count: 2, sla: { response: 'PT15M' } });
    tracing.reset();

    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'traced@acme.io' });
    const leadId = posted.body.id as string;
    const first = await eventually(async () => {
      const lead = await leadOf(leadId);
      return lead.state === 'assigned' && lead;
    });
    await clock.advance(16 * MINUTE);
    const otherRep = repIds.find((id) => id !== first.ownerId);
    await eventually(async () => (await leadOf(leadId)).ownerId === otherRep);
    expect((await http(sb.url, 'POST', `/v1/leads/${leadId}/touches`, { type: 'call' })).status).toBe(200);
    expect((await http(sb.url, 'POST', `/v1/leads/${leadId}/close`, { outcome: 'won' })).status).toBe(200);

    const ofLead = (s: ReadableSpan) => s.attributes[Attr.leadId] === leadId;
    const spans = await eventually(async () => {
      const all = tracing.spans();
      const done =
        all.filter((s) => s.name === SpanName.route && ofLead(s)).length === 2 &&
        all.some((s) => s.name === SpanName.close && ofLead(s)) &&
        all.filter((s) => s.name === `process ${subjects.allRepCommands}`).length >= 2 &&
        all.some((s) => s.name === `send ${subjects.event('lead.closed')}`);
      return done && all;
    }, 15_000, 'the lead’s spans');

    const intake = spans.find((s) => s.name === SpanName.intake && ofLead(s))!;
    const traceId = intake.spanContext().traceId;
    const trace = spans.filter((s) => s.spanContext().traceId === traceId);
    const [routed, rerouted] = trace.filter((s) => s.name === SpanName.route && ofLead(s)).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(routed && rerouted).toBeTruthy();

    // Intake over HTTP, across the bus to the router, the decision, and the offer across the bus to the rep's actor.
    const offerTo = (route: ReadableSpan) => {
      const send = childrenOf(route, trace).find((s) => s.name === `send ${subjects.allRepCommands}`)!;
      return childrenOf(send, trace).find((s) => s.name === `process ${subjects.allRepCommands}`)!;
    };
    expect(pathTo(offerTo(routed!), trace)).toEqual([
      'POST /v1/leads',
      SpanName.intake,
      `send ${subjects.leadIntake}`,
      `process ${subjects.leadIntake}`,
      SpanName.route,
      `send ${subjects.allRepCommands}`,
      `process ${subjects.allRepCommands}`,
    ]);
    // Sixteen minutes later the SLA timer continues the same trace, as a child of the first decision.
    expect(pathTo(offerTo(rerouted!), trace)).toEqual([
      'POST /v1/leads',
      SpanName.intake,
      `send ${subjects.leadIntake}`,
      `process ${subjects.leadIntake}`,
      SpanName.route,
      SpanName.slaExpired,
      SpanName.route,
      `send ${subjects.allRepCommands}`,
      `process ${subjects.allRepCommands}`,
    ]);

    // What each step says about itself.
    expect(routed!.attributes).toMatchObject({
      [Attr.outcome]: 'assigned',
      [Attr.teamId]: teamId,
      [Attr.teamName]: 'Sales',
      [Attr.strategy]: 'round_robin',
      [Attr.candidateCount]: 2,
      [Attr.eligibleCount]: 2,
      [Attr.repId]: first.ownerId,
      [Attr.cause]: 'intake:api',
    });
    expect(rerouted!.attributes).toMatchObject({ [Attr.outcome]: 'assigned', [Attr.repId]: otherRep, [Attr.candidateCount]: 2, [Attr.eligibleCount]: 1 });
    expect(offerTo(rerouted!).attributes).toMatchObject({ [Attr.offerAccepted]: true, [Attr.repId]: otherRep });
    const timer = trace.find((s) => s.name === SpanName.slaExpired)!;
    expect(timer.attributes[Attr.timerLagMs]).toBeGreaterThanOrEqual(0);
    expect(timer.attributes[Attr.leadState]).toBe('assigned');
    expect(childrenOf(timer, trace).map((s) => s.name).sort()).toEqual(
      [SpanName.persist, SpanName.route, `send ${subjects.event('lead.assigned')}`, `send ${subjects.event('lead.breached')}`].sort(),
    );
    for (const step of [routed!, timer]) {
      expect(childrenOf(step, trace).find((s) => s.name === SpanName.persist)?.attributes[Attr.committed]).toBe(true);
    }

    // Messaging spans follow the conventions.
    const system = bus === 'nats' ? 'nats' : 'in_process';
    const publish = trace.find((s) => s.name === `send ${subjects.leadIntake}`)!;
    const consume = trace.find((s) => s.name === `process ${subjects.leadIntake}`)!;
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.attributes).toMatchObject({ 'messaging.system': system, 'messaging.destination.name': subjects.leadIntake, 'messaging.operation.type': 'send' });
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume.attributes).toMatchObject({ 'messaging.system': system, 'messaging.destination.name': subjects.leadIntake, 'messaging.operation.type': 'process' });
    expect(trace.find((s) => s.name === 'POST /v1/leads')?.kind).toBe(SpanKind.SERVER);

    // A touch and a close come in their own HTTP requests: their steps join the lead's trace and link to the request.
    for (const name of [SpanName.touch, SpanName.close]) {
      const step = trace.find((s) => s.name === name && ofLead(s));
      expect(step?.parentSpanContext?.spanId).toBe(routed!.spanContext().spanId);
      const link = step?.links[0]?.context;
      expect(link && link.traceId).not.toBe(traceId);
      expect(spans.find((s) => s.spanContext().spanId === link?.spanId)?.name).toBe(`process ${subjects.allLeadCommands}`);
    }

    // The lead keeps its trace: the first decision's context, and the trace id on every event.
    const row = await sb.running.db.selectFrom('leads').select(['trace_id', 'traceparent']).where('id', '=', leadId).executeTakeFirstOrThrow();
    expect(row).toEqual({ trace_id: traceId, traceparent: `00-${traceId}-${routed!.spanContext().spanId}-01` });
    const events = await sb.running.db.selectFrom('lead_events').select(['type', 'trace_id']).where('lead_id', '=', leadId).execute();
    expect(events.length).toBeGreaterThanOrEqual(8);
    expect(new Set(events.map((e) => e.trace_id))).toEqual(new Set([traceId]));
  });
});
