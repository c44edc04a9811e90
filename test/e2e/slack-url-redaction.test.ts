import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// A Slack incoming-webhook URL posts to its channel for whoever holds it: only an admin sees it.

const SECRET_URL = 'https://hooks.slack.com/services/T0001/B0002/s3cr3tT0k3nXYZ';

let sb: TestSwitchboard;
let viewer: string;
let operator: string;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@acme.test' });
  const yaml = ['teams:', '  - name: EMEA', '    members: [sarah@acme.test]', 'notifications:', '  teams:', '    - team: EMEA', `      slack: ${SECRET_URL}`, ''].join('\n');
  const applied = await fetch(`${sb.url}/v1/config`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${process.env.SWITCHBOARD_ADMIN_KEY}`, 'content-type': 'application/yaml' },
    body: yaml,
  });
  expect(applied.status).toBe(200);
  viewer = (await http(sb.url, 'POST', '/v1/keys', { name: 'wallboard', role: 'viewer' })).body.key;
  operator = (await http(sb.url, 'POST', '/v1/keys', { name: 'ops', role: 'operator' })).body.key;
});
afterAll(async () => {
  await sb?.destroy();
});

describe('Slack incoming-webhook URLs', () => {
  it('are shown whole to an admin, and redacted for every other role, in the configuration, its versions and diffs', async () => {
    expect(JSON.stringify((await http(sb.url, 'GET', '/v1/config')).body)).toContain(SECRET_URL);
    for (const key of [viewer, operator]) {
      for (const path of ['/v1/config', '/v1/config/versions/1', '/v1/config/versions']) {
        const answer = await http(sb.url, 'GET', path, undefined, { key });
        expect(answer.status).toBe(200);
        const text = JSON.stringify(answer.body);
        expect(text).not.toContain('s3cr3tT0k3nXYZ');
        if (path !== '/v1/config/versions') expect(text).toContain('https://hooks.slack.com/services/[redacted]');
      }
    }
  });
});
