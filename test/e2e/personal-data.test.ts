import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '@switchboard/cli';
import { createTeamOfReps, eventually, http, startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/index.ts';

let sb: TestSwitchboard;
const from = new Date(Date.now() - 60_000).toISOString();
const period = () => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;

beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_RETENTION_CHECK_SECONDS: '1' } });
  await createTeamOfReps(sb.url, { count: 2, team: 'EMEA' });
  // A rule that quotes the lead in its decision: the account domain and the country.
  const config = {
    teams: [{ name: 'EMEA', members: (await http(sb.url, 'GET', '/v1/reps')).body.items.map((r: { email: string }) => r.email), strategy: 'round_robin' }],
    rules: [{ name: 'Germany', when: { country: ['DE'] }, route: { team: 'EMEA' } }],
  };
  const applied = await http(sb.url, 'PUT', '/v1/config', config);
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
});
afterAll(async () => {
  await sb?.destroy();
});

/** A report without what depends on the time it is read (eligibility runs up to now). */
function countsOf(report: unknown): unknown {
  const timeBound = new Set(['eligibleSeconds', 'expected', 'expectedShare', 'deviation', 'statistic', 'pValue', 'verdict', 'to']);
  if (Array.isArray(report)) return report.map(countsOf);
  if (report && typeof report === 'object') return Object.fromEntries(Object.entries(report).filter(([k]) => !timeBound.has(k)).map(([k, v]) => [k, countsOf(v)]));
  return report;
}

/** A lead, routed and then closed. */
async function closedLead(email: string): Promise<string> {
  const id = (await http(sb.url, 'POST', '/v1/leads', { email, firstName: 'Ana', lastName: 'Lopez', company: 'Acme GmbH', attributes: { country: 'DE', phone: '+49 30 1234567' } })).body.id as string;
  await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body.state === 'assigned');
  expect((await http(sb.url, 'POST', `/v1/leads/${id}/touches`, { type: 'call' })).status).toBe(200);
  expect((await http(sb.url, 'POST', `/v1/leads/${id}/close`, { outcome: 'won' })).status).toBe(200);
  return id;
}

/** Everything stored about a lead, as text: the lead, its events and its decisions. */
async function everythingAbout(id: string): Promise<string> {
  const db = sb.database.db;
  const lead = await db.selectFrom('leads').selectAll().where('id', '=', id).execute();
  const events = await db.selectFrom('lead_events').selectAll().where('lead_id', '=', id).execute();
  const assignments = await db.selectFrom('assignments').selectAll().where('lead_id', '=', id).execute();
  return JSON.stringify({ lead, events, assignments });
}

describe('erasing personal data', () => {
  it('removes name, email, company and attributes from the lead, its event log and its decisions, and the reports still add up', async () => {
    const id = await closedLead('ana.lopez@acme.de');
    // One fixed period for both reads: a report over the same period must not change.
    const fixed = period();
    const fairnessBefore = (await http(sb.url, 'GET', `/v1/reports/fairness?${fixed}`)).body;
    const slaBefore = (await http(sb.url, 'GET', `/v1/reports/sla?${fixed}`)).body;
    const stored = await everythingAbout(id);
    for (const personal of ['ana.lopez@acme.de', 'Lopez', 'Acme GmbH', '+49 30 1234567']) expect(stored).toContain(personal);

    const erased = await http(sb.url, 'DELETE', `/v1/leads/${id}/personal-data`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id, already: false });
    const after = await everythingAbout(id);
    for (const personal of ['ana.lopez@acme.de', 'Lopez', 'Acme GmbH', '+49 30 1234567', 'acme.de']) expect(after).not.toContain(personal);

    const lead = (await http(sb.url, 'GET', `/v1/leads/${id}`)).body;
    expect(lead).toMatchObject({ email: `erased+${id}@erased.invalid`, firstName: null, company: null, attributes: {}, state: 'closed', outcome: 'won' });
    expect(lead.ownerId).toEqual(expect.any(String));
    const decision = (await http(sb.url, 'GET', `/v1/leads/${id}/decision`)).body;
    expect(decision.rule).toMatchObject({ name: 'Germany' });
    expect(JSON.stringify(decision)).not.toContain('DE"');
    expect(countsOf((await http(sb.url, 'GET', `/v1/reports/fairness?${fixed}`)).body)).toEqual(countsOf(fairnessBefore));
    expect(countsOf((await http(sb.url, 'GET', `/v1/reports/sla?${fixed}`)).body)).toEqual(countsOf(slaBefore));
    expect(JSON.stringify(countsOf(fairnessBefore))).toMatch(/"assignments":1/);
    // Again: the same answer, nothing more.
    expect((await http(sb.url, 'DELETE', `/v1/leads/${id}/personal-data`)).body).toMatchObject({ id, already: true, erasedAt: erased.body.erasedAt });
    expect((await http(sb.url, 'GET', `/v1/audit?kind=lead&target=${id}`)).body.items[0]).toMatchObject({ action: 'DELETE /v1/leads/:id/personal-data' });
  });

  it('refuses to erase an open lead or an unknown one, naming why, and changes nothing', async () => {
    const open = (await http(sb.url, 'POST', '/v1/leads', { email: 'still.open@acme.de', attributes: { country: 'DE' } })).body.id as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${open}`)).body.state === 'assigned');
    const refused = await http(sb.url, 'DELETE', `/v1/leads/${open}/personal-data`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining('close it first') } });
    expect((await http(sb.url, 'GET', `/v1/leads/${open}`)).body.email).toBe('still.open@acme.de');
    expect((await http(sb.url, 'DELETE', '/v1/leads/01a24000-0000-7000-8000-000000000000/personal-data')).status).toBe(404);
  });

  it('erases from the CLI', async () => {
    const id = await closedLead('cli.erase@acme.de');
    const out: string[] = [];
    await buildProgram({ out: (t) => out.push(t), err: (t) => out.push(t) }).parseAsync(['node', 'switchboard', '--url', sb.url, '--key', TEST_ADMIN_KEY, 'leads', 'erase', id]);
    expect(out).toEqual([`Lead ${id}: personal data erased; its decisions and statistics stay.`]);
    expect(await everythingAbout(id)).not.toContain('cli.erase@acme.de');
  });

  it('erases closed leads past the retention period on its own, and leaves the newer ones', async () => {
    const old = await closedLead('old.customer@acme.de');
    const recent = await closedLead('recent.customer@acme.de');
    await sb.database.db.updateTable('leads').set({ updated_at: sql<Date>`now() - interval '400 days'` }).where('id', '=', old).execute();
    const config = (await http(sb.url, 'GET', '/v1/config')).body;
    const withRetention = { teams: config.config.teams, rules: config.config.rules, retention: { closedLeads: 'P365D' } };
    const applied = await http(sb.url, 'PUT', '/v1/config', withRetention);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${old}`)).body.email === `erased+${old}@erased.invalid`, 15_000, 'the old lead to be erased');
    expect((await http(sb.url, 'GET', `/v1/leads/${recent}`)).body.email).toBe('recent.customer@acme.de');
    expect((await http(sb.url, 'PUT', '/v1/config', { ...withRetention, retention: { closedLeads: 'a while' } })).body.errors[0].path).toBe('retention.closedLeads');
  });
});
