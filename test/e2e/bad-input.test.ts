import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTeamOfReps, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

let sb: TestSwitchboard;
let repIds: string[];
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  ({ repIds } = await createTeamOfReps(sb.url, { count: 2, team: 'Sales' }));
});
afterAll(async () => {
  await sb?.destroy();
});

/** Every row the API could have written, counted. */
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['leads', 'lead_events', 'assignments', 'reps', 'teams', 'team_members'] as const) {
    const row = await sb.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

let before: Record<string, number>;
beforeEach(async () => {
  before = await rowCounts();
});

async function expectRejected(method: string, path: string, body: unknown, status: number, message: string | RegExp) {
  const answer = await http(sb.url, method, path, body);
  expect(answer.status).toBe(status);
  if (typeof message === 'string') expect(answer.body.message).toContain(message);
  else expect(answer.body.message).toMatch(message);
  expect(await rowCounts()).toEqual(before);
  return answer.body;
}

describe('bad input to POST /v1/leads gets a 400 that names the problem and changes nothing', () => {
  it('missing email', async () => {
    const body = await expectRejected('POST', '/v1/leads', { company: 'Acme' }, 400, 'email:');
    expect(body).toMatchObject({ error: 'validation_failed', errors: [{ path: 'email' }] });
  });

  it('an email that is not one', async () => {
    await expectRejected('POST', '/v1/leads', { email: 'ana-at-acme' }, 400, 'email: must be an email address');
  });

  it('wrong types', async () => {
    const body = await expectRejected('POST', '/v1/leads', { email: 'a@acme.io', company: 7, attributes: { score: [1] } }, 400, 'company:');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['attributes.score', 'company']);
  });

  it('an unknown team', async () => {
    const body = await expectRejected('POST', '/v1/leads', { email: 'a@acme.io', team: 'Nowhere' }, 400, 'team: team "Nowhere" does not exist');
    expect(body.errors).toEqual([{ path: 'team', message: expect.stringContaining('GET /v1/teams') }]);
  });

  it('an oversized body', async () => {
    const big = { email: 'a@acme.io', attributes: { notes: 'x'.repeat(9000), more: 'y'.repeat(9000), again: 'z'.repeat(9000), last: 'w'.repeat(9000) } };
    const padded = { ...big, attributes: { ...big.attributes, ...Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, 'v'.repeat(9000)])) } };
    const body = await expectRejected('POST', '/v1/leads', padded, 400, /larger than the \d+ byte limit/);
    expect(body.error).toBe('body_too_large');
  });

  it('invalid JSON', async () => {
    const body = await expectRejected('POST', '/v1/leads', '{"email": "a@acme.io",', 400, 'the body is not valid JSON');
    expect(body.error).toBe('invalid_json');
  });

  it('a misspelt field', async () => {
    await expectRejected('POST', '/v1/leads', { email: 'a@acme.io', compnay: 'Acme' }, 400, 'unknown field "compnay"; free-form data goes in "attributes"');
  });
});

describe('bad input to reps and teams', () => {
  it('a rep with an unknown time zone', async () => {
    await expectRejected('POST', '/v1/reps', { name: 'Tom', email: 'tom@x.io', timezone: 'Europe/Atlantis' }, 400, 'timezone: unknown time zone "Europe/Atlantis"');
  });

  it('a rep whose email is taken', async () => {
    const existing = await http(sb.url, 'GET', `/v1/reps/${repIds[0]}`);
    const answer = await http(sb.url, 'POST', '/v1/reps', { name: 'Copy', email: existing.body.email });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toContain('already exists');
    expect(await rowCounts()).toEqual(before);
  });

  it('a team with a member that is not a rep', async () => {
    const ghost = '0190f0f0-0000-7000-8000-000000000000';
    await expectRejected('POST', '/v1/teams', { name: 'Ghosts', members: [repIds[0], ghost] }, 400, `members[1]: rep "${ghost}" does not exist`);
  });

  it('a team listing a rep twice', async () => {
    await expectRejected('POST', '/v1/teams', { name: 'Twice', members: [repIds[0], repIds[0]] }, 400, 'members: lists a rep more than once');
  });

  it('an unknown rep', async () => {
    await expectRejected('PATCH', '/v1/reps/0190f0f0-0000-7000-8000-000000000000', { available: false }, 404, 'does not exist');
    await expectRejected('GET', '/v1/reps/0190f0f0-0000-7000-8000-000000000000', undefined, 404, 'does not exist');
  });

  it('a malformed id', async () => {
    await expectRejected('GET', '/v1/leads/not-a-uuid', undefined, 400, 'id: must be a lead id (a UUID)');
  });

  it('an empty change', async () => {
    await expectRejected('PATCH', `/v1/reps/${repIds[0]}`, {}, 400, 'give at least one field to change');
  });

  it('an unknown lead state filter', async () => {
    await expectRejected('GET', '/v1/leads?state=lost', undefined, 400, 'state:');
  });
});
