import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// People name reps by email and teams by name: every path, query and body field that takes
// one takes either, and an unknown name is refused naming the field, changing nothing.

let sb: TestSwitchboard;
let sarah: string;
let li: string;

beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  sarah = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@acme.test' })).body.id;
  li = (await http(sb.url, 'POST', '/v1/reps', { name: 'Li Wei', email: 'li@acme.test' })).body.id;
});
afterAll(async () => {
  await sb?.destroy();
});

describe('names in the API', () => {
  it('takes a rep by email in a path, ignoring case: read, change, inspect', async () => {
    expect((await http(sb.url, 'GET', '/v1/reps/sarah@acme.test')).body).toMatchObject({ id: sarah, name: 'Sarah Chen' });
    const changed = await http(sb.url, 'PATCH', '/v1/reps/Sarah@ACME.test', { weight: 3, tags: ['de'] });
    expect(changed.status).toBe(200);
    expect((await http(sb.url, 'GET', `/v1/reps/${sarah}`)).body).toMatchObject({ weight: 3, tags: ['de'] });
    expect((await http(sb.url, 'GET', '/v1/inspect/reps/li@acme.test')).body).toMatchObject({ kind: 'rep', id: li, name: 'Li Wei' });
  });

  it('answers 404 for an unknown email, naming it, and changes nothing', async () => {
    const read = await http(sb.url, 'GET', '/v1/reps/nobody@acme.test');
    expect(read).toEqual({ status: 404, body: { error: 'not_found', message: 'no rep with id or email "nobody@acme.test"; list reps with GET /v1/reps' } });
    const before = (await http(sb.url, 'GET', '/v1/reps')).body.items;
    expect((await http(sb.url, 'PATCH', '/v1/reps/nobody@acme.test', { weight: 5 })).status).toBe(404);
    expect((await http(sb.url, 'GET', '/v1/reps')).body.items).toEqual(before);
    expect((await http(sb.url, 'GET', '/v1/inspect/reps/nobody@acme.test')).status).toBe(404);
    // Neither an id nor an email: the schema says what it must be.
    const bad = await http(sb.url, 'GET', '/v1/reps/sarah');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'params.id', message: "must be the rep's id (a UUID) or email" }]);
  });

  it('takes members by email when a team is made, and refuses the unknown ones by position', async () => {
    const refused = await http(sb.url, 'POST', '/v1/teams', { name: 'Ghosts', members: ['sarah@acme.test', 'ghost@acme.test'] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'members[1]', message: 'no rep with id or email "ghost@acme.test"; list reps with GET /v1/reps' }]);
    expect((await http(sb.url, 'GET', '/v1/teams/Ghosts')).status).toBe(404);

    // The same rep twice, once by email and once by id, is caught once both are ids.
    const twice = await http(sb.url, 'POST', '/v1/teams', { name: 'Twice', members: ['sarah@acme.test', sarah] });
    expect(twice.body.errors).toEqual([{ path: 'members', message: 'lists a rep more than once' }]);
    // With an SLA: the body's durations are read once (a second parse of the read body failed).
    const team = await http(sb.url, 'POST', '/v1/teams', { name: 'DACH', members: ['li@acme.test', sarah], sla: { response: 'PT30M' } });
    expect(team.status).toBe(201);
    expect(team.body.members).toEqual([li, sarah]);
  });

  it('filters leads by owner email and team name; an unknown owner is a 400 naming the query field', async () => {
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'ana@prospect.io', team: 'DACH' });
    const lead = await eventually(async () => {
      const r = await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`);
      return r.body.state === 'assigned' && r.body;
    });
    const ownerEmail = lead.ownerId === sarah ? 'sarah@acme.test' : 'li@acme.test';
    const otherEmail = lead.ownerId === sarah ? 'li@acme.test' : 'sarah@acme.test';
    expect((await http(sb.url, 'GET', `/v1/leads?owner=${ownerEmail}&team=dach`)).body.items.map((l: { id: string }) => l.id)).toEqual([lead.id]);
    expect((await http(sb.url, 'GET', `/v1/leads?owner=${otherEmail}`)).body.items).toEqual([]);
    const unknown = await http(sb.url, 'GET', '/v1/leads?owner=nobody@acme.test');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'query.owner', message: 'no rep with id or email "nobody@acme.test"; list reps with GET /v1/reps' }]);
    expect((await http(sb.url, 'GET', '/v1/leads?team=Nowhere')).body.errors).toEqual([{ path: 'query.team', message: 'no team with id or name "Nowhere"; list teams with GET /v1/teams' }]);
  });

  it('takes an account owner by email, in the body and in the filter', async () => {
    const account = await http(sb.url, 'POST', '/v1/accounts', { name: 'Globex', domains: ['globex.test'], ownerId: 'li@acme.test' });
    expect(account.status).toBe(201);
    expect(account.body.ownerId).toBe(li);
    expect((await http(sb.url, 'GET', '/v1/accounts?owner=LI@acme.test')).body.items.map((a: { name: string }) => a.name)).toEqual(['Globex']);
    const moved = await http(sb.url, 'PATCH', `/v1/accounts/${account.body.id}`, { ownerId: 'sarah@acme.test' });
    expect(moved.body.ownerId).toBe(sarah);
    const refused = await http(sb.url, 'PATCH', `/v1/accounts/${account.body.id}`, { ownerId: 'ghost@acme.test' });
    expect(refused.body.errors).toEqual([{ path: 'ownerId', message: expect.stringContaining('no rep with id or email "ghost@acme.test"') }]);
    expect((await http(sb.url, 'GET', `/v1/accounts/${account.body.id}`)).body.ownerId).toBe(sarah);
  });

  it('binds a rep key by email, and the key reaches its own rep by email, not another', async () => {
    const made = await http(sb.url, 'POST', '/v1/keys', { name: 'Sarah’s phone', role: 'rep', repId: 'sarah@acme.test' });
    expect(made.status).toBe(201);
    expect(made.body.repId).toBe(sarah);
    const key = made.body.key as string;
    expect((await http(sb.url, 'GET', '/v1/reps/sarah@acme.test', undefined, { key })).body.id).toBe(sarah);
    expect((await http(sb.url, 'PATCH', '/v1/reps/sarah@acme.test', { available: false }, { key })).status).toBe(200);
    const other = await http(sb.url, 'GET', '/v1/reps/li@acme.test', undefined, { key });
    expect(other.status).toBe(403);
    expect((await http(sb.url, 'GET', '/v1/leads?owner=li@acme.test', undefined, { key })).status).toBe(403);
  });
});
