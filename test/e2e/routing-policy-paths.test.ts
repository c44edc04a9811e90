import { bearer, eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterEach, describe, expect, it } from 'vitest';

// The routing paths that wait or reorder: an account owner who is away (wait, or the
// owner's team), the configured priority field ordering the waiting line, and dedupe
// by email. Each runs the real service on PostgreSQL.

let sb: TestSwitchboard | undefined;
afterEach(async () => {
  await sb?.destroy();
  sb = undefined;
});

async function addRep(url: string, body: Record<string, unknown>, options: { away?: boolean } = {}): Promise<string> {
  const r = await http(url, 'POST', '/v1/reps', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  if (options.away) expect((await http(url, 'PATCH', `/v1/reps/${r.body.id}`, { available: false })).status).toBe(200);
  return r.body.id as string;
}

async function putConfig(url: string, yaml: string): Promise<void> {
  const response = await fetch(`${url}/v1/config`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/yaml' }, body: yaml });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function postLead(url: string, body: Record<string, unknown>): Promise<string> {
  const posted = await http(url, 'POST', '/v1/leads', body);
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  return posted.body.id as string;
}

const inState = (url: string, id: string, state: string) =>
  eventually(async () => {
    const r = await http(url, 'GET', `/v1/leads/${id}`);
    return r.body.state === state && r.body;
  }, 15_000, `lead ${id} ${state}`);

const ACCOUNT_RULES = (ifUnavailable: string) => `
teams:
  - name: Accounts
    members: [gus@acme.test, amy@acme.test]
  - name: Inbound
    members: [ian@acme.test]
rules:
  - name: Named accounts
    route: { accountOwner: { ifUnavailable: ${ifUnavailable} } }
  - name: Everyone else
    route: { team: Inbound }
`;

async function accountOwnerSetup(ifUnavailable: string) {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  const gus = await addRep(sb.url, { name: 'Gus Ode', email: 'gus@acme.test' }, { away: true });
  const amy = await addRep(sb.url, { name: 'Amy Park', email: 'amy@acme.test' });
  const ian = await addRep(sb.url, { name: 'Ian Roe', email: 'ian@acme.test' });
  expect((await http(sb.url, 'POST', '/v1/accounts', { name: 'Globex GmbH', domains: ['globex.de'], ownerId: gus })).status).toBe(201);
  await putConfig(sb.url, ACCOUNT_RULES(ifUnavailable));
  return { url: sb.url, gus, amy, ian };
}

describe('account owner unavailable', () => {
  it('waits for the owner and hands the lead over the moment the owner is back', async () => {
    const { url, gus } = await accountOwnerSetup('wait, waitUpTo: PT1H');
    const id = await postLead(url, { email: 'cfo@globex.de' });
    const waiting = await inState(url, id, 'waiting');
    expect(waiting.waitingReason).toMatch(/^waiting for account owner Gus Ode until .*away/);

    expect((await http(url, 'PATCH', `/v1/reps/${gus}`, { available: true })).status).toBe(200);
    expect((await inState(url, id, 'assigned')).ownerId).toBe(gus);
    const decision = (await http(url, 'GET', `/v1/leads/${id}/decision`)).body;
    expect(decision).toMatchObject({ rule: { name: 'Named accounts' }, account: { accountName: 'Globex GmbH' } });
  });

  it('stops waiting when the wait is over and goes on with the next rules, saying so', async () => {
    const { url, gus, ian } = await accountOwnerSetup('wait, waitUpTo: 2s');
    const id = await postLead(url, { email: 'cto@globex.de' });
    await inState(url, id, 'waiting');
    // Nobody touches anything: the durable decide timer fires when the 2 s are up.
    const assigned = await inState(url, id, 'assigned');
    expect(assigned.ownerId).toBe(ian);
    expect(assigned.ownerId).not.toBe(gus);
    const decision = (await http(url, 'GET', `/v1/leads/${id}/decision`)).body;
    expect(decision.rules[0]).toMatchObject({ name: 'Named accounts', matched: false });
    expect(decision.rules[0].detail).toMatch(/wait of 2s is over/);
    expect(decision.rule).toMatchObject({ name: 'Everyone else' });
  });

  it("routes to the owner's team when the rule says owner_team, recording the owner step first", async () => {
    const { url, amy } = await accountOwnerSetup('owner_team');
    const id = await postLead(url, { email: 'cmo@globex.de' });
    expect((await inState(url, id, 'assigned')).ownerId).toBe(amy);
    const decision = (await http(url, 'GET', `/v1/leads/${id}/decision`)).body;
    expect(decision.steps.map((s: any) => s.target.type)).toEqual(['account_owner', 'team']);
    expect(decision.steps[0].candidates[0]).toMatchObject({ name: 'Gus Ode', verdict: 'excluded', reason: 'away' });
    expect(decision.steps[1].target).toMatchObject({ type: 'team', teamName: 'Accounts' });
  });
});

describe('priority', () => {
  it('orders the waiting line by the configured priority field, numeric strings included, and routes high scores to the senior team', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const rita = await addRep(sb.url, { name: 'Rita Junior', email: 'rita@acme.test', cap: 1 }, { away: true });
    const sam = await addRep(sb.url, { name: 'Sam Senior', email: 'sam@acme.test' });
    await putConfig(
      sb.url,
      `
teams:
  - name: Senior
    members: [sam@acme.test]
  - name: Junior
    members: [rita@acme.test]
rules:
  - name: Hot leads
    when: { score: { gte: 80 } }
    route: { team: Senior }
  - name: The rest
    route: { team: Junior }
priority: { field: score }
`,
    );
    const hot = await postLead(sb.url, { email: 'hot@lead.io', attributes: { score: 95 } });
    expect((await inState(sb.url, hot, 'assigned')).ownerId).toBe(sam);

    // Rita is away: three leads wait, in arrival order low, high, middle.
    const low = await postLead(sb.url, { email: 'low@lead.io', attributes: { score: 10 } });
    const high = await postLead(sb.url, { email: 'high@lead.io', attributes: { score: '70' } });
    const middle = await postLead(sb.url, { email: 'middle@lead.io', attributes: { score: 40 } });
    for (const id of [low, high, middle]) await inState(sb.url, id, 'waiting');

    // Rita comes back with room for one lead: the highest score goes first, then the next as each closes.
    expect((await http(sb.url, 'PATCH', `/v1/reps/${rita}`, { available: true })).status).toBe(200);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await eventually(async () => {
        const { body } = await http(sb!.url, 'GET', `/v1/leads?state=assigned&owner=${rita}`);
        return body.items[0]?.id as string | undefined;
      });
      order.push(next);
      expect((await http(sb.url, 'POST', `/v1/leads/${next}/close`, { outcome: 'won' })).status).toBe(200);
    }
    expect(order).toEqual([high, middle, low]);
  });
});

describe('dedupe by email', () => {
  it('merges a second submission into the open lead instead of routing it twice, and keeps it in the lead’s log', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const ana = await addRep(sb.url, { name: 'Ana Ruiz', email: 'ana@acme.test' });
    await addRep(sb.url, { name: 'Bo Lind', email: 'bo@acme.test' });
    await putConfig(sb.url, `teams:\n  - name: Inbound\n    members: [ana@acme.test, bo@acme.test]\nrules:\n  - name: All\n    route: { team: Inbound }\n`);

    const first = await postLead(sb.url, { email: 'dana@prospect.io', source: 'web-form' });
    expect((await inState(sb.url, first, 'assigned')).ownerId).toBe(ana);
    const again = await http(sb.url, 'POST', '/v1/leads', { email: 'Dana@Prospect.io', source: 'webinar', attributes: { score: 80 } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first, duplicate: true, merged: true });

    const lead = await eventually(async () => {
      const r = await http(sb!.url, 'GET', `/v1/leads/${first}`);
      return r.body.events.some((e: any) => e.type === 'lead.merged') && r.body;
    });
    expect(lead.assignments).toHaveLength(1);
    expect(lead.events.find((e: any) => e.type === 'lead.merged').data).toMatchObject({ source: 'webinar', attributes: { score: 80 } });
    const all = await http(sb.url, 'GET', '/v1/leads?limit=50');
    expect(all.body.items.filter((l: any) => l.email.toLowerCase() === 'dana@prospect.io')).toHaveLength(1);

    // Turned off, the same email makes a new lead.
    await putConfig(sb.url, `teams:\n  - name: Inbound\n    members: [ana@acme.test, bo@acme.test]\nrules:\n  - name: All\n    route: { team: Inbound }\ndedupe: { byEmail: false }\n`);
    const separate = await http(sb.url, 'POST', '/v1/leads', { email: 'dana@prospect.io' });
    expect(separate.status).toBe(202);
    expect(separate.body).toMatchObject({ duplicate: false, merged: false });
    expect(separate.body.id).not.toBe(first);
    await inState(sb.url, separate.body.id, 'assigned');
  });
});
