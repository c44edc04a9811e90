import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAdminKey } from '@switchboard/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeamOfReps, eventually, http, startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/index.ts';

// Every operation of the OpenAPI document, as anonymous, as a role too weak for it, and as the
// least role that may call it: 401, 403, and neither. Rep keys reach their own leads and rep only.

type Role = 'admin' | 'operator' | 'viewer' | 'intake' | 'rep' | 'metrics';
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly role: string;
  readonly rep: string | undefined;
  readonly security: unknown;
}

/** A role that does not meet each requirement, and the least one that does. */
const TOO_WEAK: Record<string, Role> = { admin: 'operator', operator: 'viewer', viewer: 'intake', intake: 'viewer', metrics: 'intake' };
const ENOUGH: Record<string, Role> = { admin: 'admin', operator: 'operator', viewer: 'viewer', intake: 'intake', metrics: 'metrics' };
const STREAMS = [/\/v1\/events$/, /\/xstate$/];

let sb: TestSwitchboard;
const keys = {} as Record<Role, string>;
let repA: string;
let repB: string;
let leadOfA: string;
let leadOfB: string;
let operations: Operation[];

async function send(method: string, path: string, key: string | null, body?: unknown): Promise<number> {
  const stream = STREAMS.some((pattern) => pattern.test(path.split('?')[0] as string));
  const controller = new AbortController();
  const response = await fetch(`${sb.url}${path}`, {
    method,
    signal: controller.signal,
    headers: { ...(key !== null && bearer(key)), ...(body !== undefined && { 'content-type': 'application/json' }), ...(stream && { accept: 'text/event-stream' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (stream) controller.abort();
  else await response.text();
  return response.status;
}

/** A path of the document with real ids in it (the lead and rep of `owner`), so requests get past "not found". */
function concrete(path: string, owner: 'A' | 'B' = 'A'): string {
  const lead = owner === 'A' ? leadOfA : leadOfB;
  const rep = owner === 'A' ? repA : repB;
  return path
    .replace('/v1/leads/{id}', `/v1/leads/${lead}`)
    .replace('/v1/reps/{id}', `/v1/reps/${rep}`)
    .replace('/v1/inspect/{kind}/{id}', `/v1/inspect/lead/${lead}`)
    .replace('{version}', '1')
    .replace('{idOrName}', 'Sales')
    .replace('{name}', 'nowhere')
    .replace('{id}', '00000000-0000-7000-8000-000000000000');
}

beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  [repA, repB] = (await createTeamOfReps(sb.url, { count: 2, cap: 10 })).repIds as [string, string];
  for (const role of ['admin', 'operator', 'viewer', 'intake', 'metrics', 'rep'] as const) {
    const created = await http(sb.url, 'POST', '/v1/keys', { name: `${role} key`, role, ...(role === 'rep' && { repId: repA }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    keys[role] = created.body.key;
  }
  // Round robin over two reps: one lead each.
  const first = await http(sb.url, 'POST', '/v1/leads', { email: 'one@acme.io' });
  const second = await http(sb.url, 'POST', '/v1/leads', { email: 'two@acme.io' });
  const owners = await eventually(async () => {
    const a = (await http(sb.url, 'GET', `/v1/leads/${first.body.id}`)).body;
    const b = (await http(sb.url, 'GET', `/v1/leads/${second.body.id}`)).body;
    return a.ownerId && b.ownerId ? [a, b] : undefined;
  });
  leadOfA = owners.find((l) => l.ownerId === repA).id;
  leadOfB = owners.find((l) => l.ownerId === repB).id;
  const doc = (await http(sb.url, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, Record<string, unknown>>> };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      role: op['x-switchboard-role'] as string,
      rep: op['x-switchboard-rep'] as string | undefined,
      security: op.security,
    })),
  );
});
afterAll(async () => {
  await sb?.destroy();
});

describe('access control over the whole OpenAPI document', () => {
  it('has every operation declare its role and its security requirement (empty only when public)', () => {
    expect(operations.length).toBeGreaterThan(35);
    for (const op of operations) {
      expect(['public', 'admin', 'operator', 'viewer', 'intake', 'metrics'], `${op.method} ${op.path}`).toContain(op.role);
      expect(Array.isArray(op.security), `${op.method} ${op.path}`).toBe(true);
      expect((op.security as unknown[]).length === 0, `${op.method} ${op.path}`).toBe(op.role === 'public');
    }
  });

  it('answers 401 to anonymous callers, 403 to too weak a role, and lets the least role through', async () => {
    const failures: string[] = [];
    // Writes last: a DELETE or a close must not take away what later reads use.
    const ordered = [...operations].sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    for (const op of ordered) {
      if (op.role === 'public') continue;
      const path = concrete(op.path);
      const what = `${op.method} ${op.path}`;
      const body = op.method === 'GET' ? undefined : {};
      const anonymous = await send(op.method, path, null, body);
      if (anonymous !== 401) failures.push(`${what} anonymous: ${anonymous}`);
      if (op.security && JSON.stringify(op.security).includes('webhookSignature')) continue;
      const weak = await send(op.method, path, keys[TOO_WEAK[op.role] as Role], body);
      if (weak !== 403) failures.push(`${what} as ${TOO_WEAK[op.role]}: ${weak}`);
      const enough = await send(op.method, path, keys[ENOUGH[op.role] as Role], body);
      if (enough === 401 || enough === 403 || enough >= 500) failures.push(`${what} as ${ENOUGH[op.role]}: ${enough}`);
    }
    expect(failures).toEqual([]);
  });

  it('lets a rep key reach its own leads and its own rep, and nothing else', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.role !== 'public' && !JSON.stringify(o.security ?? '').includes('webhookSignature'))) {
      const what = `${op.method} ${op.path}`;
      const body = op.method === 'GET' ? undefined : op.path.endsWith('/touches') ? { type: 'call' } : op.path.endsWith('/close') ? { outcome: 'won' } : {};
      if (op.rep === undefined) {
        const status = await send(op.method, concrete(op.path), keys.rep, body);
        if (status !== 403) failures.push(`${what} (no rep access): ${status}`);
        continue;
      }
      if (op.rep === 'own-lead' || op.rep === 'own-rep') {
        const other = await send(op.method, concrete(op.path, 'B'), keys.rep, body);
        if (other !== 403) failures.push(`${what} on another rep's: ${other}`);
      }
    }
    expect(failures).toEqual([]);
    // Its own: reads, and a list narrowed to its leads.
    expect((await http(sb.url, 'GET', `/v1/leads/${leadOfA}`, undefined, { key: keys.rep })).status).toBe(200);
    expect((await http(sb.url, 'GET', `/v1/leads/${leadOfA}/decision`, undefined, { key: keys.rep })).status).toBe(200);
    const listed = await http(sb.url, 'GET', '/v1/leads', undefined, { key: keys.rep });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((l: { id: string }) => l.id)).toEqual([leadOfA]);
    expect((await http(sb.url, 'GET', `/v1/leads?owner=${repB}`, undefined, { key: keys.rep })).status).toBe(403);
    expect((await http(sb.url, 'GET', `/v1/reps/${repA}`, undefined, { key: keys.rep })).status).toBe(200);
    expect((await http(sb.url, 'GET', '/v1/reps', undefined, { key: keys.rep })).body.items.map((r: { id: string }) => r.id)).toEqual([repA]);
    expect((await http(sb.url, 'GET', '/v1/teams', undefined, { key: keys.rep })).body.items.map((t: { name: string }) => t.name)).toEqual(['Sales']);
    // Its own availability, and not its cap.
    expect((await http(sb.url, 'PATCH', `/v1/reps/${repA}`, { available: false }, { key: keys.rep })).body.available).toBe(false);
    const cap = await http(sb.url, 'PATCH', `/v1/reps/${repA}`, { cap: 99 }, { key: keys.rep });
    expect(cap.status).toBe(403);
    expect(cap.body.message).toContain('cap need an admin key');
    expect((await http(sb.url, 'GET', `/v1/reps/${repA}`)).body.cap).toBe(10);
    expect((await http(sb.url, 'PATCH', `/v1/reps/${repA}`, { available: true }, { key: keys.operator })).status).toBe(200);
    expect((await http(sb.url, 'PATCH', `/v1/reps/${repB}`, { weight: 3 }, { key: keys.operator })).status).toBe(403);
    // And it works its own lead.
    expect((await http(sb.url, 'POST', `/v1/leads/${leadOfA}/touches`, { type: 'call' }, { key: keys.rep })).status).toBe(200);
  });

  it('guards /metrics (viewer or metrics), the document and the API explorer, and leaves health and the console open', async () => {
    expect(await send('GET', '/metrics', null)).toBe(401);
    expect(await send('GET', '/metrics', keys.intake)).toBe(403);
    expect(await send('GET', '/metrics', keys.metrics)).toBe(200);
    expect(await send('GET', '/metrics', keys.viewer)).toBe(200);
    expect(await send('GET', '/openapi.json', null)).toBe(401);
    expect(await send('GET', '/docs', null)).toBe(401);
    expect(await send('GET', '/livez', null)).toBe(200);
    expect(await send('GET', '/healthz', null)).toBe(200);
    expect(await send('GET', '/leads', null)).not.toBe(401);
    const refused = await http(sb.url, 'GET', '/v1/reps', undefined, { key: null });
    expect(refused.body).toEqual({ error: 'unauthorized', message: expect.stringContaining('Authorization: Bearer <key>') });
    const weak = await http(sb.url, 'POST', '/v1/teams', { name: 'X' }, { key: keys.viewer });
    expect(weak.body).toEqual({ error: 'forbidden', message: expect.stringContaining('the viewer role may not do this; it needs admin') });
    expect((await http(sb.url, 'GET', '/v1/reps', undefined, { key: 'sbk_nope' })).body.message).toContain('not one Switchboard issued');
  });
});

describe('API keys', () => {
  it('shows a key once, stores only a hash, records its last use, and stops it at once when revoked', async () => {
    const created = await http(sb.url, 'POST', '/v1/keys', { name: 'Grafana', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sbk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const row = await sb.database.db.selectFrom('api_keys').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(row)).not.toContain(created.body.key.slice(37));
    const listed = (await http(sb.url, 'GET', '/v1/keys')).body.items as Array<Record<string, unknown>>;
    expect(listed.find((k) => k.id === created.body.id)).toMatchObject({ name: 'Grafana', role: 'viewer', lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.body.key);

    expect((await http(sb.url, 'GET', '/v1/reps', undefined, { key: created.body.key })).status).toBe(200);
    await eventually(async () => ((await http(sb.url, 'GET', '/v1/keys')).body.items as Array<Record<string, unknown>>).find((k) => k.id === created.body.id)?.lastUsedAt, 15_000, 'lastUsedAt');

    expect((await http(sb.url, 'DELETE', `/v1/keys/${created.body.id}`)).body.revokedAt).toEqual(expect.any(String));
    const after = await http(sb.url, 'GET', '/v1/reps', undefined, { key: created.body.key });
    expect(after.status).toBe(401);
    expect(after.body.message).toContain('revoked');
  });

  it('refuses a bad key request naming the problem, and changes nothing', async () => {
    const before = (await http(sb.url, 'GET', '/v1/keys')).body.items.length;
    expect((await http(sb.url, 'POST', '/v1/keys', { name: 'x', role: 'rep' })).body.errors).toEqual([{ path: 'repId', message: expect.stringContaining('bound to one rep') }]);
    expect((await http(sb.url, 'POST', '/v1/keys', { name: 'x', role: 'viewer', repId: repA })).body.errors).toEqual([{ path: 'repId', message: expect.stringContaining('only a rep key') }]);
    expect((await http(sb.url, 'POST', '/v1/keys', { name: 'x', role: 'root' })).status).toBe(400);
    expect((await http(sb.url, 'POST', '/v1/keys', { name: 'viewer key', role: 'viewer' })).status).toBe(409);
    expect((await http(sb.url, 'POST', '/v1/keys', { name: 'x', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);
    expect((await http(sb.url, 'GET', '/v1/keys')).body.items.length).toBe(before);
  });

  it('stops an expired key', async () => {
    const soon = new Date(Date.now() + 1500).toISOString();
    const created = await http(sb.url, 'POST', '/v1/keys', { name: 'short-lived', role: 'viewer', expiresAt: soon });
    expect((await http(sb.url, 'GET', '/v1/reps', undefined, { key: created.body.key })).status).toBe(200);
    await eventually(async () => (await http(sb.url, 'GET', '/v1/reps', undefined, { key: created.body.key })).body.message?.includes('expired'), 10_000, 'the key to expire');
  });
});

describe('the first start', () => {
  it('makes an admin key once, saves it with mode 0600 where the CLI finds it, and makes none on the next start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-first-key-'));
    const first = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_ADMIN_KEY: '', SWITCHBOARD_DATA_DIR: dataDir } });
    try {
      const file = join(dataDir, 'admin.key');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const key = (await readFile(file, 'utf8')).trim();
      expect(localAdminKey({ SWITCHBOARD_DATA_DIR: dataDir })).toBe(key);
      expect((await http(first.url, 'GET', '/v1/keys', undefined, { key })).body.items).toMatchObject([{ name: 'first admin key', role: 'admin', createdBy: 'first start' }]);
      expect((await http(first.url, 'GET', '/v1/reps', undefined, { key: TEST_ADMIN_KEY })).status).toBe(401);
      const again = await first.restart({ env: { SWITCHBOARD_ADMIN_KEY: '', SWITCHBOARD_DATA_DIR: dataDir } });
      expect((await http(again.url, 'GET', '/v1/keys', undefined, { key })).body.items).toHaveLength(1);
      await again.destroy();
    } finally {
      await first.destroy();
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the limit per key and per IP, each bucket on its own, guesses included', async () => {
    const limited = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_RATE_LIMIT_PER_KEY: '5', SWITCHBOARD_RATE_LIMIT_PER_IP: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await http(limited.url, 'GET', '/v1/reps')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await fetch(`${limited.url}/v1/reps`, { headers: bearer() });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ error: 'rate_limited', message: expect.stringContaining('at most 5 a minute from this key') });
      // Guessing keys from one address counts against the address, which the key's requests did not use.
      const guesses: number[] = [];
      for (let i = 0; i < 4; i++) guesses.push((await http(limited.url, 'GET', '/v1/reps', undefined, { key: `sbk_${'0'.repeat(32)}_${'x'.repeat(43)}` })).status);
      expect(guesses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.destroy();
    }
  });
});
