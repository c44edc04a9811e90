import { afterEach, describe, expect, it } from 'vitest';
import { bearer, createTeamOfReps, eventually, http, ManualScheduler, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

const MINUTE = 60_000;

/** `GET /metrics` as Prometheus text. */
async function scrape(base: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${base}/metrics`, { headers: bearer() });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one sample (`name{labels} value`), labels in the order they are written. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (wanted.every(([key, value]) => have.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('counts assignments per rep and team, routing latency, the waiting line and reps per state', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const { teamId, repIds } = await createTeamOfReps(sb.url, { count: 2, cap: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await http(sb.url, 'POST', '/v1/leads', { email: `m${i}@acme.io` })).body.id);
    await eventually(async () => {
      const states = await Promise.all(ids.map(async (id) => (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body.state));
      return states.filter((s) => s === 'assigned').length === 4 && states.filter((s) => s === 'waiting').length === 1;
    });
    await clock.advance(30_000);

    const { status, type, text } = await scrape(sb.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const repId of repIds) expect(sample(text, 'switchboard_assignments_total', { rep: repId, team: teamId })).toBe(2);
    expect(sample(text, 'switchboard_routing_duration_count', { outcome: 'assigned' })).toBe(4);
    expect(sample(text, 'switchboard_routing_duration_count', { outcome: 'waiting' })).toBe(1);
    expect(sample(text, 'switchboard_bus_intake_lag_count')).toBe(5);
    expect(sample(text, 'switchboard_waiting_leads')).toBe(1);
    expect(sample(text, 'switchboard_waiting_oldest_age')).toBe(30);
    expect(sample(text, 'switchboard_reps', { state: 'capped' })).toBe(2);
    expect(sample(text, 'switchboard_actors', { kind: 'rep' })).toBe(2);
    expect(sample(text, 'switchboard_actors', { kind: 'lead' })).toBe(1);
    expect(sample(text, 'switchboard_sla_breaches_total')).toBeUndefined();
  });

  it('counts SLA breaches per team, and the re-assignment they cause', async () => {
    const clock = new ManualScheduler();
    sb = await startTestSwitchboard({ bus: 'in-process', scheduler: clock });
    const { teamId, repIds } = await createTeamOfReps(sb.url, { count: 2, sla: { response: 'PT15M' } });
    const { id } = (await http(sb.url, 'POST', '/v1/leads', { email: 'late@acme.io' })).body;
    const first = await eventually(async () => {
      const lead = (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body;
      return lead.state === 'assigned' && lead;
    });
    await clock.advance(16 * MINUTE);
    await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body.breaches === 1);

    const { text } = await scrape(sb.url);
    expect(sample(text, 'switchboard_sla_breaches_total', { team: teamId })).toBe(1);
    for (const repId of repIds) expect(sample(text, 'switchboard_assignments_total', { rep: repId, team: teamId })).toBe(1);
    expect(repIds).toContain(first.ownerId);
    expect(sample(text, 'switchboard_reps', { state: 'available' })).toBe(2);
  });

  it('is not in the OpenAPI document', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const { body } = await http(sb.url, 'GET', '/openapi.json');
    expect(Object.keys(body.paths)).not.toContain('/metrics');
  });
});
