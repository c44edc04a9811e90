import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let dir: string;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
});
afterAll(async () => {
  await sb?.destroy();
});

/** Runs one `switchboard ...` command against the test service. */
const cli = (...args: string[]): Promise<CliRun> => runCli(sb.url, ...args);

const CONFIG = `teams:
  - name: EMEA
    members: [sarah@acme.test, li@acme.test]
    strategy: weighted_round_robin
rules:
  - name: DACH
    when: { country: [DE, AT, CH] }
    route: { team: EMEA }
`;

describe('switchboard config, why and simulate', () => {
  it('refuses a broken file naming each path, applies a good one, explains a lead, and simulates a change', async () => {
    for (const [name, email, weight] of [['Sarah Chen', 'sarah@acme.test', '2'], ['Li Wei', 'li@acme.test', '1']] as const) {
      expect((await cli('reps', 'add', '--name', name, '--email', email, '--weight', weight)).exitCode).toBe(0);
    }
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, CONFIG.replace('country: [DE, AT, CH]', 'country: null').replace('li@acme.test', 'nobody@acme.test'));
    const refused = await cli('config', 'apply', broken);
    expect(refused.exitCode).toBe(1);
    // Every problem at once, the rep that does not exist (line 3) before the bad test (line 7),
    // each at <file>:<line>:<column> so that an editor can jump to it.
    expect(refused.err).toBe(
      [
        'the configuration is not valid; nothing was changed:',
        `${broken}:3:32 teams[0].members[1]: no rep with email or id "nobody@acme.test"; create it first with POST /v1/reps or switchboard reps add`,
        `${broken}:7:22 rules[0].when.country: expected a string or list, or a test such as { in: [...] }`,
      ].join('\n'),
    );
    expect((await cli('config', 'versions')).out).toBe('no configuration applied yet');
    // A JSON file reaches the API parsed, without lines: the CLI finds each path in the file itself.
    const brokenJson = join(dir, 'broken.json');
    await writeFile(brokenJson, JSON.stringify({ teams: [{ name: 'EMEA', members: ['sarah@acme.test', 'nobody@acme.test'], strategy: 'fastest' }] }, null, 2));
    const refusedJson = await cli('config', 'apply', brokenJson);
    expect(refusedJson.exitCode).toBe(1);
    const lines = refusedJson.err.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`${brokenJson}:7:9 teams[0].members[1]: no rep with email or id "nobody@acme.test"; create it first with POST /v1/reps or switchboard reps add`);
    expect(lines[2]).toMatch(/:9:19 teams\[0\]\.strategy: unknown strategy "fastest"/);
    expect(lines[2]!.startsWith(`${brokenJson}:9:19 `)).toBe(true);
    expect((await cli('config', 'versions')).out).toBe('no configuration applied yet');

    const good = join(dir, 'good.yaml');
    await writeFile(good, CONFIG);
    expect((await cli('config', 'apply', good, '--comment', 'first')).out).toBe('applied version 1: 1 team(s), 0 territories, 1 rule(s)');
    expect((await cli('config', 'versions')).out).toMatch(/^version\s+applied\s+by\s+comment\n[-\s]+\n1\s+\S+ \S+\s+cli:\S+\s+first$/);

    const beforeLead = new Date(Date.now() - 1000).toISOString();
    const added = await cli('leads', 'add', '--email', 'cfo@bank.de', '--attr', 'country=DE');
    const leadId = /Lead accepted: (\S+)/.exec(added.out)?.[1] as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.state === 'assigned');
    const why = await cli('why', leadId);
    expect(why.out.split('\n')[0]).toMatch(/^Went to Sarah Chen: rule 1 "DACH" → team EMEA; 2 candidates; Sarah Chen and Li Wei eligible; smooth weighted round robin picked Sarah Chen/);
    expect(why.out).toMatch(/1\s+DACH\s+yes\s+country in DE, AT, CH/);

    const leads = join(dir, 'leads.csv');
    await writeFile(leads, 'email,country,score\na@bank.de,DE,10\nb@corp.us,US,99\n');
    const proposed = join(dir, 'proposed.yaml');
    await writeFile(proposed, CONFIG.replace('[DE, AT, CH]', '[DE, AT, CH, US]'));
    const simulated = await cli('simulate', '--config', proposed, '--leads', leads);
    expect(simulated.exitCode).toBe(0);
    expect(simulated.out).toContain('2 lead(s) simulated; 1 would go elsewhere under the proposed configuration.');
    expect(simulated.out).toMatch(/b@corp\.us\s+queue unrouted\s+\S+ \S+ \(EMEA\)/);
    expect(simulated.out).toContain('Unmatched (no rule; default queue): 0 proposed, 1 current');

    // A past period: compared with where its leads really went, and the replay's own fidelity said.
    const replayed = await cli('simulate', '--config', proposed, '--from', beforeLead);
    expect(replayed.exitCode, replayed.err).toBe(0);
    expect(replayed.out).toContain('1 lead(s) replayed; 0 would go elsewhere than they really went under the proposed configuration.');
    expect(replayed.out).toContain('Replaying the current configuration reproduces all 1 recorded owners');
    expect(replayed.out).toMatch(/Sarah Chen\s+1\s+1\s*\n/);
    expect(replayed.out).toMatch(/rep\s+recorded\s+proposed\s+change/);

    const malformed = join(dir, 'malformed.csv');
    await writeFile(malformed, 'email,country\n"a@bank.de,DE\n');
    const refusedCsv = await cli('simulate', '--config', proposed, '--leads', malformed);
    expect(refusedCsv.exitCode).toBe(1);
    expect(refusedCsv.err).toMatch(/^error: .*malformed\.csv is not valid CSV: /);
  });
});
