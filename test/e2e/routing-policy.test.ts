import { bearer, eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterEach, describe, expect, it } from 'vitest';

let sb: TestSwitchboard | undefined;
afterEach(async () => {
  await sb?.destroy();
  sb = undefined;
});

async function addRep(url: string, body: Record<string, unknown>): Promise<string> {
  const r = await http(url, 'POST', '/v1/reps', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

async function putConfig(url: string, yaml: string, query = ''): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/v1/config${query}`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/yaml', 'sb-author': 'ana@revops' }, body: yaml });
  return { status: response.status, body: await response.json() };
}

async function routed(url: string, id: string): Promise<any> {
  return eventually(async () => {
    const r = await http(url, 'GET', `/v1/leads/${id}`);
    return (r.body.state === 'assigned' || r.body.state === 'waiting') && r.body;
  });
}

const CONFIG = `
teams:
  - name: EMEA
    members: [sarah@acme.test, tom@acme.test, li@acme.test]
    strategy: weighted_round_robin
    fallback: Global
  - name: Global
    members: [gus@acme.test]
territories:
  - name: DACH
    when: { country: [DE, AT, CH] }
rules:
  - name: Test leads
    when: { source: test }
    route: { queue: review }
  - name: EMEA FinTech
    when: { territory: DACH, industry: fintech }
    route: { team: EMEA }
    require: { allOf: [fintech] }
  - name: Everyone else in DACH
    when: { territory: DACH }
    route: { team: EMEA }
defaultQueue: unrouted
`;

describe('routing policy through the API', () => {
  it('routes by rules and territories with weights and tags, explains each decision, and parks unmatched leads in the default queue', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const sarah = await addRep(sb.url, { name: 'Sarah Chen', email: 'sarah@acme.test', weight: 2, tags: ['fintech'] });
    const tom = await addRep(sb.url, {
      name: 'Tom Berg',
      email: 'tom@acme.test',
      tags: ['fintech'],
      outOfOffice: [{ from: '2020-01-01T00:00:00Z', to: '2099-05-12T00:00:00Z', reason: 'parental leave' }],
    });
    const li = await addRep(sb.url, { name: 'Li Wei', email: 'li@acme.test', tags: ['fintech'] });
    await addRep(sb.url, { name: 'Gus Ode', email: 'gus@acme.test' });

    const applied = await putConfig(sb.url, CONFIG, '?comment=first%20rules');
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ version: 1, teams: 2, territories: 1, rules: 3, routerNotified: true });

    // Smooth weighted round robin between Sarah (weight 2) and Li (weight 1); Tom is out of office.
    const owners: string[] = [];
    for (let i = 0; i < 6; i++) {
      const posted = await http(sb.url, 'POST', '/v1/leads', { email: `cfo${i}@bank${i}.de`, attributes: { country: 'DE', industry: 'FinTech' } });
      owners.push((await routed(sb.url, posted.body.id)).ownerId);
    }
    expect(owners.filter((o) => o === sarah)).toHaveLength(4);
    expect(owners.filter((o) => o === li)).toHaveLength(2);
    expect(owners).not.toContain(tom);
    // Never two Li leads in a row: the shares stay within one lead all along.
    expect(owners.join(',')).not.toContain(`${li},${li}`);

    const last = await http(sb.url, 'POST', '/v1/leads', { email: 'cto@fin.de', attributes: { country: 'de', industry: 'fintech' } });
    await routed(sb.url, last.body.id);
    const decision = (await http(sb.url, 'GET', `/v1/leads/${last.body.id}/decision`)).body;
    expect(decision).toMatchObject({ configVersion: 1, rule: { index: 1, name: 'EMEA FinTech' }, teamName: 'EMEA', strategy: 'weighted_round_robin' });
    expect(decision.rules[0]).toMatchObject({ name: 'Test leads', matched: false });
    expect(decision.rules[0].detail).toContain('source');
    const tomVerdict = decision.candidates.find((c: { repId: string }) => c.repId === tom);
    expect(tomVerdict).toMatchObject({ verdict: 'excluded', reason: 'away' });
    expect(tomVerdict.detail).toContain('OOO until');
    expect(decision.summary).toMatch(/^rule 2 "EMEA FinTech" → team EMEA; 3 candidates; Tom Berg is away \(OOO until .*\); Sarah Chen and Li Wei eligible; smooth weighted round robin picked/);

    // No rule matches: the lead waits in the default queue, and the decision says so.
    const stray = await http(sb.url, 'POST', '/v1/leads', { email: 'x@y.us', attributes: { country: 'US' } });
    const strayLead = await routed(sb.url, stray.body.id);
    expect(strayLead.state).toBe('waiting');
    const strayDecision = (await http(sb.url, 'GET', `/v1/leads/${stray.body.id}/decision`)).body;
    expect(strayDecision).toMatchObject({ rule: null, queue: 'unrouted', chosenRepId: null });
    expect(strayDecision.rules.map((r: { matched: boolean }) => r.matched)).toEqual([false, false, false]);
    expect(strayDecision.rules[2].detail).toBe('territory DACH: country is "US", not one of DE, AT, CH');

    // A rule parks test leads in a queue.
    const test = await http(sb.url, 'POST', '/v1/leads', { email: 'qa@acme.test', source: 'test', attributes: { country: 'DE' } });
    expect((await routed(sb.url, test.body.id)).state).toBe('waiting');
    expect((await http(sb.url, 'GET', `/v1/leads/${test.body.id}/decision`)).body).toMatchObject({ queue: 'review', rule: { name: 'Test leads' } });
  });

  it('falls back to the next team when nobody in the first can take the lead, recording each step', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    await addRep(sb.url, { name: 'Sarah Chen', email: 'sarah@acme.test', tags: ['fintech'] });
    await addRep(sb.url, { name: 'Tom Berg', email: 'tom@acme.test' });
    await addRep(sb.url, { name: 'Li Wei', email: 'li@acme.test' });
    // The rule's required tag holds for the fallback team too.
    const gus = await addRep(sb.url, { name: 'Gus Ode', email: 'gus@acme.test', tags: ['fintech'] });
    expect((await putConfig(sb.url, CONFIG)).status).toBe(200);
    // In EMEA only Sarah has the fintech tag, and she is away: EMEA can't take it, Global can.
    const sarahId = (await http(sb.url, 'GET', '/v1/reps')).body.items.find((r: { email: string }) => r.email === 'sarah@acme.test').id;
    await http(sb.url, 'PATCH', `/v1/reps/${sarahId}`, { available: false, awayReason: 'at a conference' });
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'a@b.ch', attributes: { country: 'CH', industry: 'fintech' } });
    const lead = await routed(sb.url, posted.body.id);
    expect(lead.ownerId).toBe(gus);
    const decision = (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}/decision`)).body;
    expect(decision.steps.map((s: { target: { teamName: string } }) => s.target.teamName)).toEqual(['EMEA', 'Global']);
    expect(decision.steps[1].via).toBe('fallback of team EMEA');
    const reasons = decision.steps[0].candidates.map((c: { reason: string }) => c.reason);
    expect(reasons).toEqual(['away', 'missing_tag', 'missing_tag']);
  });

  it('rejects an invalid configuration with the path of each problem and changes nothing; versions, diff and rollback', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    for (const name of ['sarah', 'tom', 'li', 'gus']) await addRep(sb.url, { name, email: `${name}@acme.test` });
    expect((await putConfig(sb.url, CONFIG)).status).toBe(200);

    const broken = CONFIG.replace('when: { country: [DE, AT, CH] }', 'when: { country: { between: 1 } }').replace('gus@acme.test', 'nobody@acme.test');
    const refused = await putConfig(sb.url, broken);
    expect(refused.status).toBe(400);
    // Both problems in one answer, in the order of the file: the rep (line 8), then the test (line 11).
    expect(refused.body.errors).toEqual([
      { path: 'teams[1].members[0]', message: expect.stringContaining('no rep with email or id "nobody@acme.test"'), line: 8, column: 15 },
      { path: 'territories[0].when.country.between', message: expect.stringContaining('unknown test "between"'), line: 11, column: 24 },
    ]);
    const nullTest = await putConfig(sb.url, CONFIG.replace('when: { source: test }', 'when: { source: null }'));
    expect(nullTest.body.errors).toEqual([{ path: 'rules[0].when.source', message: expect.stringContaining('expected a string or list'), line: 14, column: 21 }]);
    const refusedRep = await putConfig(sb.url, CONFIG.replace('gus@acme.test', 'nobody@acme.test'));
    expect(refusedRep.status).toBe(400);
    expect(refusedRep.body.errors).toEqual([{ path: 'teams[1].members[0]', message: expect.stringContaining('no rep with email or id "nobody@acme.test"'), line: 8, column: 15 }]);
    expect((await http(sb.url, 'GET', '/v1/config')).body.version).toBe(1);

    // A dry run validates without storing.
    const dry = await putConfig(sb.url, CONFIG.replace('defaultQueue: unrouted', 'defaultQueue: inbox'), '?dryRun=true');
    expect(dry.body).toMatchObject({ dryRun: true, version: null });
    expect((await http(sb.url, 'GET', '/v1/config/versions')).body.items).toHaveLength(1);

    expect((await putConfig(sb.url, CONFIG.replace('defaultQueue: unrouted', 'defaultQueue: inbox'))).body.version).toBe(2);
    const diff = (await http(sb.url, 'GET', '/v1/config/diff?from=1&to=2')).body.diff as string;
    expect(diff).toContain('-defaultQueue: unrouted');
    expect(diff).toContain('+defaultQueue: inbox');

    const rolledBack = await http(sb.url, 'POST', '/v1/config/rollback', { version: 1 });
    expect(rolledBack.body).toMatchObject({ version: 3 });
    const current = (await http(sb.url, 'GET', '/v1/config')).body;
    expect(current).toMatchObject({ version: 3, rolledBackFrom: 1, config: { defaultQueue: 'unrouted' } });
    const versions = (await http(sb.url, 'GET', '/v1/config/versions')).body.items;
    expect(versions.map((v: { version: number; author: string }) => [v.version, v.author])).toEqual([
      [3, 'api'],
      [2, 'ana@revops'],
      [1, 'ana@revops'],
    ]);

    // The next lead is decided by the version now in force.
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'x@y.us' });
    await routed(sb.url, posted.body.id);
    expect((await http(sb.url, 'GET', `/v1/leads/${posted.body.id}/decision`)).body).toMatchObject({ configVersion: 3, queue: 'unrouted' });
  });

  it('sends a lead whose email domain matches an account to the account owner', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    for (const name of ['sarah', 'tom', 'li']) await addRep(sb.url, { name, email: `${name}@acme.test` });
    const gus = await addRep(sb.url, { name: 'Gus Ode', email: 'gus@acme.test' });
    const account = await http(sb.url, 'POST', '/v1/accounts', { name: 'Globex GmbH', domains: ['globex.de'], ownerId: gus });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const sticky = CONFIG.replace('rules:\n', 'rules:\n  - name: Named accounts\n    route: { accountOwner: { ifUnavailable: route } }\n');
    expect((await putConfig(sb.url, sticky)).status).toBe(200);

    const owned = await http(sb.url, 'POST', '/v1/leads', { email: 'cfo@eu.globex.de', attributes: { country: 'DE' } });
    expect((await routed(sb.url, owned.body.id)).ownerId).toBe(gus);
    const decision = (await http(sb.url, 'GET', `/v1/leads/${owned.body.id}/decision`)).body;
    expect(decision).toMatchObject({ rule: { name: 'Named accounts' }, account: { accountName: 'Globex GmbH', matchedBy: 'domain' } });

    // A free-mail address never matches an account, even with the company's name; it goes on to the next rules.
    const freeMail = await http(sb.url, 'POST', '/v1/leads', { email: 'someone@gmail.com', attributes: { country: 'DE' } });
    const other = await routed(sb.url, freeMail.body.id);
    const otherDecision = (await http(sb.url, 'GET', `/v1/leads/${freeMail.body.id}/decision`)).body;
    expect(otherDecision.rules[0]).toMatchObject({ name: 'Named accounts', matched: false, detail: 'no account matched the lead' });
    expect(other.ownerId).not.toBe(gus);
  });

  it('simulates a proposed configuration against the current one without changing anything', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const ids: Record<string, string> = {};
    for (const name of ['sarah', 'tom', 'li', 'gus']) ids[name] = await addRep(sb.url, { name, email: `${name}@acme.test`, tags: ['fintech'] });
    expect((await putConfig(sb.url, CONFIG)).status).toBe(200);
    const proposed = CONFIG.replace('route: { team: EMEA }\n    require', 'route: { team: Global }\n    require');
    const leads = [
      { email: 'a@bank.de', attributes: { country: 'DE', industry: 'fintech' } },
      { email: 'b@shop.de', attributes: { country: 'DE', industry: 'retail' } },
      { email: 'c@corp.us', attributes: { country: 'US' } },
    ];
    const result = await http(sb.url, 'POST', '/v1/simulate', { config: proposed, leads });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.leads).toBe(3);
    expect(result.body.current.configVersion).toBe(1);
    expect(result.body.changed).toContainEqual({ label: 'a@bank.de', from: expect.stringContaining('(EMEA)'), to: 'gus (Global)' });
    expect(result.body.proposed.unmatched).toEqual(['c@corp.us']);
    expect(result.body.proposed.perTeam).toMatchObject({ EMEA: 1, Global: 1, '(queue unrouted)': 1 });
    // Nothing was routed or stored.
    expect((await http(sb.url, 'GET', '/v1/leads')).body.items).toHaveLength(0);
    expect((await http(sb.url, 'GET', '/v1/config')).body.version).toBe(1);
  });
});
