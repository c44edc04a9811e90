import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSwitchboard, type TestSwitchboard, bearer } from '../support/index.ts';

// A chaos and fuzz run got 500s for text PostgreSQL can't store, deep documents and big numbers,
// and found that a page on any site could change an account's owner (issue 11, items 4 and 8).

let sb: TestSwitchboard;
let sarah: string;
let li: string;
beforeAll(async () => {
  // Written as people write it; browsers send `https://admin.example.com`.
  sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_ALLOWED_ORIGINS: 'https://Admin.example.com:443/, http://localhost:5173' } });
  sarah = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@example.com' })).body.id;
  li = (await http(sb.url, 'POST', '/v1/reps', { name: 'Li Wei', email: 'li@example.com' })).body.id;
});
afterAll(async () => {
  await sb?.destroy();
});

const NUL = '\u0000';
const LONE = '\ud800';

async function raw(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
  const response = await fetch(`${sb.url}${path}`, { method, headers: { ...bearer(), ...headers }, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

function expectFieldError(answer: { status: number; body: { error: string; errors?: Array<{ path: string; message: string }> } }, path: string, words: RegExp) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.error).toBe('validation_failed');
  expect(answer.body.errors).toEqual([{ path, message: expect.stringMatching(words) }]);
}

describe('text PostgreSQL cannot store', () => {
  it('answers 400 naming the field for a NUL character anywhere, and stores nothing', async () => {
    expectFieldError(await http(sb.url, 'POST', '/v1/reps', { name: `Sa${NUL}rah`, email: 'x@example.com' }), 'name', /NUL character/);
    expectFieldError(await http(sb.url, 'POST', '/v1/teams', { name: `Team${NUL}`, members: [] }), 'name', /NUL character/);
    expectFieldError(await http(sb.url, 'POST', '/v1/accounts', { name: `Acme${NUL}`, domains: [] }), 'name', /NUL character/);
    expectFieldError(await http(sb.url, 'POST', '/v1/leads', { email: 'a@b.io', externalId: `x${NUL}` }), 'externalId', /NUL character/);
    expectFieldError(await http(sb.url, 'POST', '/v1/leads', { email: 'a@b.io', company: `Acme${NUL}` }), 'company', /NUL character/);
    expectFieldError(await http(sb.url, 'POST', '/v1/leads', { email: 'a@b.io', attributes: { [`k${NUL}`]: 1 } }), `attributes.k${NUL}`, /field name contains a NUL/);
    expectFieldError(await http(sb.url, 'POST', '/v1/leads/0190f0f0-0000-7000-8000-000000000000/close', { outcome: `won${NUL}` }), 'outcome', /NUL character/);
    expectFieldError(await raw('POST', '/v1/accounts/import', `name,domains\nAc${NUL}me,acme.io\n`, { 'content-type': 'text/csv' }), 'body', /NUL character/);
    expectFieldError(await http(sb.url, 'GET', '/v1/teams/%00'), 'params.idOrName', /NUL character/);
    expectFieldError(await http(sb.url, 'PUT', '/v1/config?comment=%00', { rules: [] }), 'query.comment', /NUL character/);
    expect((await http(sb.url, 'GET', '/v1/reps')).body.items).toHaveLength(2);
    expect((await http(sb.url, 'GET', '/v1/teams')).body.items).toHaveLength(0);
    expect((await http(sb.url, 'GET', '/v1/leads')).body.items).toHaveLength(0);
  });

  it('answers 400 naming the field for a lone surrogate, and takes whole characters (emoji) as they are', async () => {
    expectFieldError(await raw('POST', '/v1/leads', `{"email":"a@b.io","company":"Ac\\ud800me"}`, { 'content-type': 'application/json' }), 'company', /lone UTF-16 surrogate/);
    expectFieldError(
      await raw('PUT', '/v1/config', `{"teams":[{"name":"T\\udc00","members":[]}]}`, { 'content-type': 'application/json' }),
      'teams.0.name',
      /lone UTF-16 surrogate/,
    );
    expect(LONE.length).toBe(1);
    const emoji = await http(sb.url, 'POST', '/v1/leads', { email: 'emoji@b.io', company: 'Café 🚀 株式会社' });
    expect(emoji.status).toBe(202);
    expect((await http(sb.url, 'GET', `/v1/leads/${emoji.body.id}`)).body.company).toBe('Café 🚀 株式会社');
  });

  it('answers 400 naming the path parameter whose percent-encoding is not UTF-8 (a lone surrogate travels so), or that is too long', async () => {
    expectFieldError(await raw('GET', '/v1/teams/%ED%A0%80', undefined, {}), 'params.idOrName', /"%ED%A0%80" is not percent-encoded UTF-8 text/);
    expectFieldError(await raw('GET', '/v1/leads/%FF/timeline', undefined, {}), 'params.id', /is not percent-encoded UTF-8 text/);
    expectFieldError(await raw('PATCH', '/v1/accounts/%C0', '{}', { 'content-type': 'application/json' }), 'params.id', /is not percent-encoded UTF-8 text/);
    // Long ones reach their route's schema (the router's default limit of 100 made them a 404 "no route").
    expectFieldError(await raw('GET', `/v1/reps/${'x'.repeat(101)}`, undefined, {}), 'params.id', /must be the rep's id \(a UUID\) or email/);
    expectFieldError(await raw('GET', `/v1/teams/${'x'.repeat(5_000)}`, undefined, {}), 'params.idOrName', /200/);
    expect((await raw('GET', '/v1/teams/Caf%C3%A9%20%F0%9F%9A%80', undefined, {})).body.error).toBe('not_found');
  });
});

describe('deep documents and big numbers', () => {
  it('answers 400 for a duration whose deadline no calendar holds, instead of taking leads it can never route', async () => {
    expectFieldError(await http(sb.url, 'POST', '/v1/teams', { name: 'Forever', members: [sarah], sla: { response: 'P14300000W' } }), 'sla.response', /is too long; give at most 3650 days/);
    const config = await http(sb.url, 'PUT', '/v1/config', { teams: [{ name: 'Forever', members: [], sla: { response: '1000000000d' } }] });
    expect(config.status).toBe(400);
    expect(config.body.errors).toEqual([{ path: 'teams[0].sla.response', message: expect.stringMatching(/is too long/) }]);
    expect((await http(sb.url, 'GET', '/v1/teams/Forever')).status).toBe(404);
  });


  it('answers 400 for a configuration nested 10,000 levels deep, as JSON or YAML', async () => {
    const deep = `{"rules":[{"name":"r","when":${'{"not":'.repeat(10_000)}{"country":"DE"}${'}'.repeat(10_000)},"route":{"queue":"q"}}]}`;
    const json = await raw('PUT', '/v1/config', deep, { 'content-type': 'application/json' });
    expect(json.status, JSON.stringify(json.body).slice(0, 300)).toBe(400);
    expect(json.body.message).toMatch(/nests deeper than 64 levels/);
    const yaml = `rules:\n  - name: r\n    when: ${'{ not: '.repeat(10_000)}{ country: DE }${' }'.repeat(10_000)}\n    route: { queue: q }\n`;
    const fromYaml = await raw('PUT', '/v1/config', yaml, { 'content-type': 'application/yaml' });
    expect(fromYaml.status, JSON.stringify(fromYaml.body).slice(0, 300)).toBe(400);
    expect((await http(sb.url, 'GET', '/v1/config/versions')).body.items).toEqual([]);
  });

  it('answers 400 for configuration version numbers past 2^31, naming the field', async () => {
    const big = 2 ** 31;
    for (const answer of [
      await http(sb.url, 'GET', `/v1/config/versions/${big}`),
      await http(sb.url, 'GET', `/v1/config/diff?from=${big}`),
      await http(sb.url, 'POST', '/v1/config/rollback', { version: big }),
    ]) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.message).toMatch(/past the highest version number/);
    }
    expect((await http(sb.url, 'GET', `/v1/config/versions/${2 ** 31 - 1}`)).status).toBe(404);
  });
});

describe('cross-site requests', () => {
  it('refuses a text/plain accounts import (a browser sends it from any site unasked) and changes no owner', async () => {
    const acme = await http(sb.url, 'POST', '/v1/accounts', { name: 'Acme', domains: ['acme.io'], ownerId: sarah });
    expect(acme.status).toBe(201);
    const csv = `name,domains,owner\nAcme,acme.io,${li}\n`;
    const forged = await raw('POST', '/v1/accounts/import', csv, { 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ error: 'cross_site_request', message: expect.stringContaining('Origin: https://evil.example') });
    expect(forged.headers.get('x-frame-options')).toBe('DENY');
    const plain = await raw('POST', '/v1/accounts/import', csv, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect((await http(sb.url, 'GET', `/v1/accounts/${acme.body.id}`)).body.ownerId).toBe(sarah);

    // The real thing, from a program (no Origin) or the API's own origin, with text/csv.
    const own = new URL(sb.url).origin;
    expect((await raw('POST', '/v1/accounts/import', csv, { 'content-type': 'text/csv', origin: own })).status).toBe(200);
    expect((await http(sb.url, 'GET', `/v1/accounts/${acme.body.id}`)).body.ownerId).toBe(li);
  });

  it('refuses JSON writes from another origin or a cross-site fetch, and takes them from allowed origins', async () => {
    const body = JSON.stringify({ email: 'cross@site.io' });
    const json = { 'content-type': 'application/json' };
    expect((await raw('POST', '/v1/leads', body, { ...json, origin: 'https://evil.example' })).status).toBe(403);
    expect((await raw('POST', '/v1/leads', body, { ...json, origin: 'null' })).status).toBe(403);
    expect((await raw('POST', '/v1/leads', body, { ...json, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await raw('PUT', '/v1/config', 'rules: []', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await raw('POST', '/v1/leads', body, { ...json, origin: 'https://admin.example.com', 'sec-fetch-site': 'cross-site' })).status).toBe(202);
    expect((await raw('POST', '/v1/leads', body, { ...json, origin: 'http://localhost:5173' })).status).toBe(202);
    expect((await raw('POST', '/v1/leads', body, { ...json, origin: 'https://admin.example.com.evil.example' })).status).toBe(403);
    expect((await raw('POST', '/v1/leads', body, { ...json, origin: new URL(sb.url).origin, 'sec-fetch-site': 'same-origin' })).status).toBe(202);
    // Reads are not writes.
    expect((await fetch(`${sb.url}/v1/reps`, { headers: { ...bearer(), origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('sends security headers with the console and the API', async () => {
    for (const path of ['/', '/v1/reps']) {
      const response = await fetch(`${sb.url}${path}`, { headers: bearer() });
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    // The API explorer has a policy of its own, framed by nobody either, and no
    // upgrade-insecure-requests: it is served over plain HTTP.
    const docs = (await fetch(`${sb.url}/docs/static/index.html`, { headers: bearer() })).headers.get('content-security-policy');
    expect(docs).toMatch(/script-src 'self'(;|$)/);
    expect(docs).toContain("frame-ancestors 'none'");
    expect(docs).not.toContain('upgrade-insecure-requests');
  });
});
