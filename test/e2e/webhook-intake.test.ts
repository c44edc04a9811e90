import { signBody } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, http, mapConcurrent, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

let sb: TestSwitchboard;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  await createTeamOfReps(sb.url, { count: 2 });
});
afterAll(async () => {
  await sb?.destroy();
});

/** Posts `body` (text, as sent) to a source's intake URL with the given signature header. */
async function post(source: string, body: string, signature: string | undefined) {
  const response = await fetch(`${sb.url}/v1/intake/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== undefined && { 'sb-signature': signature }) },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const leadCount = async () => Number((await sb.database.db.selectFrom('leads').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const now = () => Math.floor(Date.now() / 1000);

describe('webhook intake with signed posts', () => {
  it('takes a signed lead with no API key, and refuses tampered, stale, unsigned, replayed and unknown-source posts, storing nothing', async () => {
    const made = await http(sb.url, 'POST', '/v1/intake-sources', { name: 'typeform' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'typeform', url: '/v1/intake/typeform', secret: expect.stringMatching(/^whsec_/) });
    const secret = made.body.secret as string;

    const body = JSON.stringify({ email: 'ana@acme.io', company: 'Acme', attributes: { form: 'demo' } });
    const signature = signBody(secret, body);
    const accepted = await post('typeform', body, signature);
    expect(accepted.status).toBe(202);
    expect((await http(sb.url, 'GET', `/v1/leads/${accepted.body.id}`)).body).toMatchObject({ email: 'ana@acme.io', company: 'Acme' });
    const stored = await leadCount();

    // The same post again: a replay.
    const replayed = await post('typeform', body, signature);
    expect(replayed).toMatchObject({ status: 409, body: { error: 'replayed' } });
    // One byte changed.
    const tampered = await post('typeform', body.replace('ana@', 'eve@'), signature);
    expect(tampered).toMatchObject({ status: 401, body: { error: 'unauthorized', message: expect.stringContaining('does not match the body') } });
    // Signed six minutes ago, and six minutes ahead.
    for (const t of [now() - 360, now() + 360]) {
      const stale = await post('typeform', body, signBody(secret, body, t));
      expect(stale).toMatchObject({ status: 401, body: { message: expect.stringContaining('more than 5 minutes from now') } });
    }
    // Four minutes ago is fine.
    expect((await post('typeform', JSON.stringify({ email: 'late@acme.io' }), signBody(secret, JSON.stringify({ email: 'late@acme.io' }), now() - 240))).status).toBe(202);
    expect((await post('typeform', body, undefined)).body.message).toContain('Sb-Signature header is missing');
    expect((await post('typeform', body, 't=abc,v1=zz')).body.message).toContain('must read t=<unix seconds>,v1=<64 hex digits>');
    expect((await post('typeform', body, signBody('whsec_wrong', body))).status).toBe(401);
    expect((await post('hubspot', body, signature)).body.message).toContain('no intake source "hubspot"');
    // A bearer key is no signature.
    const withKey = await http(sb.url, 'POST', '/v1/intake/typeform', { email: 'key@acme.io' });
    expect(withKey.status).toBe(401);
    expect(await leadCount()).toBe(stored + 1);
  });

  it('refuses a signed but invalid lead naming the field, and takes it once corrected', async () => {
    const { secret } = (await http(sb.url, 'POST', '/v1/intake-sources', { name: 'cdp' })).body;
    const bad = JSON.stringify({ email: 'not-an-email' });
    const refused = await post('cdp', bad, signBody(secret, bad));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'email', message: expect.any(String) }]);
    const notJson = '{"email":';
    expect((await post('cdp', notJson, signBody(secret, notJson))).body.error).toBe('invalid_json');
    const good = JSON.stringify({ email: 'fixed@acme.io' });
    expect((await post('cdp', good, signBody(secret, good))).status).toBe(202);
  });

  it('accepts the old secret for the grace period after a rotation, and the new one at once', async () => {
    const { secret: old } = (await http(sb.url, 'POST', '/v1/intake-sources', { name: 'webflow' })).body;
    const rotated = await http(sb.url, 'POST', '/v1/intake-sources/webflow/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(old);
    const validUntil = Date.parse(rotated.body.previousValidUntil);
    expect(validUntil - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const a = JSON.stringify({ email: 'old-secret@acme.io' });
    const b = JSON.stringify({ email: 'new-secret@acme.io' });
    expect((await post('webflow', a, signBody(old, a))).status).toBe(202);
    expect((await post('webflow', b, signBody(rotated.body.secret, b))).status).toBe(202);
    // A second rotation retires the first secret: only the one before the last is kept.
    const again = await http(sb.url, 'POST', '/v1/intake-sources/webflow/rotate');
    const c = JSON.stringify({ email: 'older@acme.io' });
    expect((await post('webflow', c, signBody(old, c))).status).toBe(401);
    expect((await post('webflow', c, signBody(rotated.body.secret, c))).status).toBe(202);
    const d = JSON.stringify({ email: 'newest@acme.io' });
    expect((await post('webflow', d, signBody(again.body.secret, d))).status).toBe(202);
    // Once the grace is over, the old secret is refused.
    await sb.database.db.updateTable('intake_sources').set({ previous_valid_until: new Date(Date.now() - 1000) }).where('name', '=', 'webflow').execute();
    const e = JSON.stringify({ email: 'after-grace@acme.io' });
    expect((await post('webflow', e, signBody(rotated.body.secret, e))).status).toBe(401);
    expect((await http(sb.url, 'GET', '/v1/intake-sources')).body.items.map((s: { name: string }) => s.name)).toEqual(['cdp', 'typeform', 'webflow']);
    expect(JSON.stringify((await http(sb.url, 'GET', '/v1/intake-sources')).body)).not.toContain('whsec_');
  });

  it('lets exactly one of 20 concurrent posts with one signature in', async () => {
    const { secret } = (await http(sb.url, 'POST', '/v1/intake-sources', { name: 'burst' })).body;
    const body = JSON.stringify({ email: 'once@acme.io' });
    const signature = signBody(secret, body);
    const before = await leadCount();
    const answers = await mapConcurrent(Array.from({ length: 20 }, (_, i) => i), 20, () => post('burst', body, signature));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    expect(await leadCount()).toBe(before + 1);
  });

  it('refuses bad source names and unknown sources to rotate, naming them', async () => {
    expect((await http(sb.url, 'POST', '/v1/intake-sources', { name: 'Has Spaces' })).body.errors[0].path).toBe('name');
    expect((await http(sb.url, 'POST', '/v1/intake-sources', { name: 'typeform' })).status).toBe(409);
    expect((await http(sb.url, 'POST', '/v1/intake-sources/nope/rotate')).status).toBe(404);
    expect((await http(sb.url, 'DELETE', '/v1/intake-sources/burst')).status).toBe(204);
    const body = JSON.stringify({ email: 'gone@acme.io' });
    expect((await post('burst', body, signBody('whsec_x', body))).status).toBe(401);
  });
});
