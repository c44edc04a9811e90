import { bearer, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

let sb: TestSwitchboard;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  for (const name of ['ana', 'ben']) expect((await http(sb.url, 'POST', '/v1/reps', { name, email: `${name}@acme.test` })).status).toBe(201);
});
afterAll(async () => {
  await sb?.destroy();
});

async function putConfig(body: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${sb.url}/v1/config`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/yaml' }, body });
  return { status: response.status, body: await response.json() };
}

const GOOD = `teams:
  - name: EMEA
    members: [ana@acme.test]
  - name: Global
    members: [ben@acme.test]
rules:
  - name: Web
    route: { team: Global }
`;

// Six mistakes of the three kinds the service checks: the shape (schema), the names the
// document's parts give each other (references), and the reps it names (the database).
const BROKEN = `teams:
  - name: EMEA
    members: [ana@acme.test, zoe@acme.test]
    strategy: fastest
    fallback: APAC
  - name: Global
    members: [ben@acme.test]
territories:
  - name: DACH
    when: { country: [DE, AT, CH] }
rules:
  - name: Munich
    when: { territory: Bavaria }
    route: { team: EMEA }
  - name: Key person
    route: { rep: max@acme.test }
  - name: Web
    when: { source: web }
    route: { team: Global }
    priority: high
`;

const EXPECTED = [
  { path: 'teams[0].members[1]', line: 3, column: 30, message: 'no rep with email or id "zoe@acme.test"; create it first with POST /v1/reps or switchboard reps add' },
  { path: 'teams[0].strategy', line: 4, column: 15, message: expect.stringMatching(/^unknown strategy "fastest"; use one of round_robin/) },
  { path: 'teams[0].fallback', line: 5, column: 15, message: 'no team named "APAC" in teams' },
  { path: 'rules[0].when.territory', line: 13, column: 24, message: 'no territory named "Bavaria" in territories' },
  { path: 'rules[1].route.rep', line: 16, column: 19, message: 'no rep with email or id "max@acme.test"; create it first with POST /v1/reps or switchboard reps add' },
  { path: 'rules[2].priority', line: 20, column: 5, message: 'unknown field "priority"' },
];

describe('a configuration with many mistakes', () => {
  it('gets every one of them in one answer, in the order of the file, each at its line and column, and changes nothing', async () => {
    expect((await putConfig(GOOD)).status).toBe(200);

    const refused = await putConfig(BROKEN);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('validation_failed');
    expect(refused.body.errors).toEqual(EXPECTED);
    // The sentence for people names them all too, in the same order.
    expect(refused.body.message.split('; ').filter((part: string) => /^(teams|rules)\[/.test(part)).map((part: string) => part.split(':')[0])).toEqual(EXPECTED.map((e) => e.path));

    // The same document as a JSON object: the same problems in the same order, but no text to point into.
    const asBody = await http(sb.url, 'PUT', '/v1/config', parse(BROKEN));
    expect(asBody.status).toBe(400);
    expect(asBody.body.errors).toEqual(EXPECTED.map(({ line: _line, column: _column, ...rest }) => rest));


    const current = await http(sb.url, 'GET', '/v1/config');
    expect(current.body).toMatchObject({ version: 1, source: GOOD });
    expect((await http(sb.url, 'GET', '/v1/config/versions')).body.items).toHaveLength(1);
    const teams = (await http(sb.url, 'GET', '/v1/teams')).body.items as Array<{ name: string; strategy: string }>;
    expect(teams.map((t) => [t.name, t.strategy]).sort()).toEqual([['EMEA', 'round_robin'], ['Global', 'round_robin']]);
  });
});
