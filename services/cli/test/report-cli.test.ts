import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSeconds } from '../src/commands/report.ts';
import { type CliRun, runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let dir: string;
let from: string;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-report-'));
  const sarah = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@acme.test', weight: 2 })).body.id;
  const li = (await http(sb.url, 'POST', '/v1/reps', { name: 'Li Wei', email: 'li@acme.test', weight: 1 })).body.id;
  const team = await http(sb.url, 'POST', '/v1/teams', { name: 'EMEA', members: [sarah, li], strategy: 'weighted_round_robin' });
  expect(team.status, JSON.stringify(team.body)).toBe(201);
  from = new Date().toISOString();
  const leads: string[] = [];
  for (let i = 0; i < 6; i++) leads.push((await http(sb.url, 'POST', '/v1/leads', { email: `cfo${i}@bank${i}.example`, team: 'EMEA' })).body.id);
  for (const id of leads) await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body.state === 'assigned');
  await http(sb.url, 'POST', `/v1/leads/${leads[0]}/touches`, { type: 'call' });
}, 30_000);
afterAll(async () => {
  await sb?.destroy();
});

const cli = (...args: string[]): Promise<CliRun> => runCli(sb.url, ...args);

describe('switchboard report fairness', () => {
  it('prints a table per rep with the test’s verdict, and warns that so few leads make the test unreliable', async () => {
    const run = await cli('report', 'fairness', '--from', from, '--team', 'EMEA');
    expect(run.exitCode, run.err).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(/^Fairness, team EMEA, \S+ \S+Z → \S+ \S+Z$/);
    expect(lines[2]).toMatch(/^rep\s+weight\s+eligible\s+assigned\s+expected\s+deviation\s+actual share\s+weighted share$/);
    expect(lines[4]).toMatch(/^Sarah Chen\s+2\s+[\d.]+s\s+4\s+\d\.\d\s+[+-]?\d\.\d\s+66\.7%\s+\d+\.\d%$/);
    expect(lines[5]).toMatch(/^Li Wei\s+1\s+[\d.]+s\s+2\s+\d\.\d\s+[+-]?\d\.\d\s+33\.3%\s+\d+\.\d%$/);
    expect(run.out).toMatch(/6 lead\(s\) assigned\. Chi-square test against the weighted shares: χ² = \d+\.\d\d, 1 degree\(s\) of freedom: consistent with the weights \(p = [\d.]+\)\./);
    expect(run.out).toContain('warning: some reps expected fewer than 5 leads; the chi-square test is unreliable');
  });

  it('prints JSON with --format json (or --json) and CSV with --format csv, and writes either to --out', async () => {
    const json = JSON.parse((await cli('report', 'fairness', '--from', from, '--team', 'EMEA', '--json')).out);
    expect(json.team.name).toBe('EMEA');
    expect(json.reps.map((r: any) => [r.name, r.assignments])).toEqual([['Sarah Chen', 4], ['Li Wei', 2]]);
    expect(json.test).toMatchObject({ degreesOfFreedom: 1, lowExpectedCounts: true });

    const csv = await cli('report', 'fairness', '--from', from, '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toBe('repId,name,weight,eligibleSeconds,assignments,expectedShare,actualShare,expected,deviation');

    const file = join(dir, 'fairness.csv');
    const written = await cli('report', 'fairness', '--from', from, '--format', 'csv', '--out', file);
    expect(written.out).toBe(`wrote the fairness report to ${file}`);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    // Without a team, reps come by name.
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},Li Wei,1,[\d.]+,2,/);
    expect(lines[2]).toMatch(/^[0-9a-f-]{36},Sarah Chen,2,[\d.]+,4,/);
  });

  it('names the problem with a bad period or team, and exits 1', async () => {
    const badDate = await cli('report', 'fairness', '--from', 'last week');
    expect(badDate.exitCode).toBe(1);
    expect(badDate.err).toBe('error: querystring.from: must be an ISO 8601 date or date-time, such as 2026-11-01 or 2026-11-01T09:00:00Z');
    const backwards = await cli('report', 'fairness', '--from', '2026-12-02', '--to', '2026-12-01');
    expect(backwards.err).toBe('error: querystring.to: must be after from; the period is [from, to)');
    const team = await cli('report', 'fairness', '--from', from, '--team', 'Nowhere');
    expect(team.err).toBe('error: team: team "Nowhere" does not exist; use a team id or name from GET /v1/teams, or leave team out for all reps');
    const format = await cli('report', 'fairness', '--from', from, '--format', 'xml');
    expect(format.exitCode).toBe(1);
    expect(format.err).toContain("option '--format <format>' argument 'xml' is invalid. Allowed choices are table, csv, json.");
  });
});

describe('switchboard report sla', () => {
  it('prints per team the leads, touches, breaches and time to first touch', async () => {
    const run = await cli('report', 'sla', '--from', from);
    expect(run.exitCode, run.err).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(/^SLA, \S+ \S+Z → \S+ \S+Z$/);
    expect(lines[2]).toMatch(/^team\s+leads\s+touched\s+breaches\s+median first touch\s+p90 first touch$/);
    expect(lines[4]).toMatch(/^EMEA\s+6\s+1\s+0\s+[\d.]+s\s+[\d.]+s$/);
    const json = JSON.parse((await cli('report', 'sla', '--from', from, '--format', 'json')).out);
    expect(json.teams[0]).toMatchObject({ teamName: 'EMEA', leads: 6, touched: 1, breaches: 0 });
  });
});

describe('formatSeconds', () => {
  it.each([
    [3.94, '3.9s'],
    [245, '4m 05s'],
    [11_520, '3h 12m'],
    [190_000, '2d 4h'],
    [null, '-'],
  ])('writes %s as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
