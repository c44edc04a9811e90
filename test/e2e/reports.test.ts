import { bearer, eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sb: TestSwitchboard;
const ids: Record<string, string> = {};
let from: string;
let awaySeconds = 0;
const leadIds: string[] = [];
let inboundLead = '';

const CONFIG = `
teams:
  - name: EMEA
    members: [sarah@acme.test, li@acme.test]
    strategy: weighted_round_robin
  - name: Inbound
    members: [gus@acme.test, ana@acme.test]
    sla: { response: 1s, maxBreaches: 1, escalateTo: missed }
`;

async function stateOf(repId: string): Promise<string> {
  return (await http(sb.url, 'GET', `/v1/reps/${repId}`)).body.state;
}

async function postAndRoute(count: number, team: string): Promise<string[]> {
  const posted: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await http(sb.url, 'POST', '/v1/leads', { email: `lead${leadIds.length + posted.length}@corp${i}.example`, team });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    posted.push(r.body.id);
  }
  for (const id of posted) {
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body.state === 'assigned', 15_000, `lead ${id} assigned`);
  }
  return posted;
}

const periodQuery = () => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;

beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  for (const [name, email, weight] of [
    ['Li Wei', 'li@acme.test', 1],
    ['Sarah Chen', 'sarah@acme.test', 2],
    ['Gus Ode', 'gus@acme.test', 1],
    ['Ana Lima', 'ana@acme.test', 1],
  ] as const) {
    const r = await http(sb.url, 'POST', '/v1/reps', { name, email, weight });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids[email.split('@')[0] as string] = r.body.id;
  }
  const applied = await fetch(`${sb.url}/v1/config`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/yaml' }, body: CONFIG });
  expect(applied.status, await applied.clone().text()).toBe(200);
  from = new Date().toISOString();

  // 30 leads with everyone available: smooth weighted round robin splits them 20/10.
  leadIds.push(...(await postAndRoute(30, 'EMEA')));

  // Li is away for a while; the 9 leads then all go to Sarah.
  const awayAt = Date.now();
  expect((await http(sb.url, 'PATCH', `/v1/reps/${ids.li}`, { available: false })).status).toBe(200);
  await eventually(async () => (await stateOf(ids.li as string)) === 'away');
  leadIds.push(...(await postAndRoute(9, 'EMEA')));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await http(sb.url, 'PATCH', `/v1/reps/${ids.li}`, { available: true })).status).toBe(200);
  await eventually(async () => (await stateOf(ids.li as string)) === 'available');
  awaySeconds = (Date.now() - awayAt) / 1000;

  // Five EMEA leads touched; one Inbound lead breached (1 s SLA) and escalated to a queue.
  // (Not re-assigned and then touched: that would race the next 1 s clock on a busy machine.)
  for (const id of leadIds.slice(0, 5)) {
    expect((await http(sb.url, 'POST', `/v1/leads/${id}/touches`, { type: 'call' })).status).toBe(200);
  }
  inboundLead = (await postAndRoute(1, 'Inbound'))[0] as string;
  await eventually(async () => {
    const lead = (await http(sb.url, 'GET', `/v1/leads/${inboundLead}`)).body;
    return lead.breaches === 1 && lead.state === 'escalated';
  }, 15_000, 'the Inbound lead breached and escalated');
}, 60_000);
afterAll(async () => {
  await sb?.destroy();
});

describe('GET /v1/reports/fairness', () => {
  it('counts a team’s assignments per rep against weight × eligible time, and gives a rep who was away less eligible time', async () => {
    const r = await http(sb.url, 'GET', `/v1/reports/fairness?${periodQuery()}&team=emea`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const report = r.body;
    expect(report.team).toEqual({ id: expect.any(String), name: 'EMEA' });
    expect(report.reps.map((rep: any) => [rep.name, rep.weight, rep.assignments])).toEqual([
      ['Sarah Chen', 2, 29],
      ['Li Wei', 1, 10],
    ]);
    const [sarah, li] = report.reps;
    // Sarah was available all along; Li was away at least the 1.5 s slept, at most as long as the test saw.
    expect(sarah.eligibleSeconds - li.eligibleSeconds).toBeGreaterThan(1.45);
    expect(sarah.eligibleSeconds - li.eligibleSeconds).toBeLessThan(awaySeconds + 0.25);
    const weighted = 2 * sarah.eligibleSeconds + li.eligibleSeconds;
    for (const rep of report.reps) {
      expect(rep.expectedShare).toBeCloseTo((rep.weight * rep.eligibleSeconds) / weighted, 9);
      expect(rep.expected).toBeCloseTo(39 * rep.expectedShare, 9);
      expect(rep.actualShare).toBeCloseTo(rep.assignments / 39, 9);
      expect(rep.deviation).toBeCloseTo(rep.assignments - rep.expected, 9);
    }
    expect(li.expected).toBeLessThan(13);
    expect(report.test).toMatchObject({ degreesOfFreedom: 1, lowExpectedCounts: false });
    expect(report.test.statistic).toBeCloseTo((29 - sarah.expected) ** 2 / sarah.expected + (10 - li.expected) ** 2 / li.expected, 9);
    expect(report.test.verdict).toMatch(/^(consistent with|departs from) the weights \(p [=<] [\d.]+\)$/);
  });

  it('reports every active rep without a team, with the leads of all teams', async () => {
    const r = await http(sb.url, 'GET', `/v1/reports/fairness?${periodQuery()}`);
    expect(r.status).toBe(200);
    expect(r.body.team).toBeNull();
    const byName = Object.fromEntries(r.body.reps.map((rep: any) => [rep.name, rep.assignments]));
    expect(Object.keys(byName).sort()).toEqual(['Ana Lima', 'Gus Ode', 'Li Wei', 'Sarah Chen']);
    expect(byName).toMatchObject({ 'Li Wei': 10, 'Sarah Chen': 29 });
    // The Inbound lead went to one of its two reps, breached, and was escalated (not re-assigned).
    expect(byName['Ana Lima'] + byName['Gus Ode']).toBe(1);
  });

  it('answers CSV for ?format=csv and for Accept: text/csv', async () => {
    const byQuery = await fetch(`${sb.url}/v1/reports/fairness?${periodQuery()}&team=EMEA&format=csv`, { headers: bearer() });
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await byQuery.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('repId,name,weight,eligibleSeconds,assignments,expectedShare,actualShare,expected,deviation');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${ids.sarah},Sarah Chen,2,[\\d.]+,29,0\\.\\d+,0\\.74359,[\\d.]+,-?[\\d.]+$`));
    const byAccept = await fetch(`${sb.url}/v1/reports/fairness?${periodQuery()}&team=EMEA`, { headers: { ...bearer(), accept: 'text/csv' } });
    expect(byAccept.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await byAccept.text()).split('\r\n')[0]).toBe(lines[0]);
  });

  it.each([
    ['from after to', 'from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'querystring.to: must be after from; the period is [from, to)'],
    ['a malformed date', 'from=yesterday&to=2026-12-01T00:00:00Z', 'querystring.from: must be an ISO 8601 date or date-time, such as 2026-11-01 or 2026-11-01T09:00:00Z'],
    ['a missing to', 'from=2026-12-01', 'querystring.to: '],
    ['an unknown team', 'from=2026-12-01&to=2026-12-02&team=Nowhere', 'team: team "Nowhere" does not exist; use a team id or name from GET /v1/teams, or leave team out for all reps'],
  ])('answers 400 naming the problem for %s', async (_what, query, message) => {
    const r = await http(sb.url, 'GET', `/v1/reports/fairness?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('validation_failed');
    expect(r.body.message.startsWith(message), r.body.message).toBe(true);
  });
});

describe('GET /v1/reports/sla', () => {
  it('counts per team the leads assigned, touched and breached, and the time to first touch', async () => {
    const r = await http(sb.url, 'GET', `/v1/reports/sla?${periodQuery()}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [emea, inbound] = r.body.teams;
    expect(emea).toMatchObject({ teamName: 'EMEA', leads: 39, touched: 5, breaches: 0 });
    expect(emea.medianFirstTouchSeconds).toBeGreaterThan(0);
    expect(emea.p90FirstTouchSeconds).toBeGreaterThanOrEqual(emea.medianFirstTouchSeconds);
    // Breached and escalated, never touched: no time to first touch to report.
    expect(inbound).toMatchObject({ teamName: 'Inbound', leads: 1, touched: 0, breaches: 1, medianFirstTouchSeconds: null, p90FirstTouchSeconds: null });
  });

  it('answers CSV, and an empty period counts nothing', async () => {
    const csv = await fetch(`${sb.url}/v1/reports/sla?${periodQuery()}&format=csv`, { headers: bearer() });
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('teamId,teamName,leads,touched,breaches,medianFirstTouchSeconds,p90FirstTouchSeconds');
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},EMEA,39,5,0,[\d.]+,[\d.]+$/);
    const empty = await http(sb.url, 'GET', '/v1/reports/sla?from=2020-01-01&to=2020-01-02');
    expect(empty.body.teams.map((t: any) => [t.teamName, t.leads, t.touched, t.breaches, t.medianFirstTouchSeconds])).toEqual([
      ['EMEA', 0, 0, 0, null],
      ['Inbound', 0, 0, 0, null],
    ]);
  });
});
