import { createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from './run-cli.ts';

let sb: TestSwitchboard;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
});
afterAll(async () => {
  await sb?.destroy();
});

/** Runs one `switchboard ...` command against the test service. */
const cli = (...args: string[]): Promise<CliRun> => runCli(sb.url, ...args);

describe('switchboard CLI', () => {
  it('adds a lead and inspects it and its owner, in words and as JSON', async () => {
    const rep = await cli('reps', 'add', '--name', 'Sarah Chen', '--email', 'sarah@example.com', '--cap', '10', '--json');
    const repId = JSON.parse(rep.out).id as string;
    const team = await cli('teams', 'add', '--name', 'EMEA', '--members', repId);
    expect(team.out).toMatch(/^Team created: EMEA \(.+\), 1 member\(s\), the default team$/);

    const added = await cli('leads', 'add', '--email', 'ana@acme.io', '--company', 'Acme GmbH', '--attr', 'score=87', '--attr', 'country=DE');
    const leadId = /Lead accepted: (\S+)/.exec(added.out)?.[1];
    expect(leadId).toBeDefined();
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${leadId}`)).body.state === 'assigned');
    const stored = await http(sb.url, 'GET', `/v1/leads/${leadId}`);
    expect(stored.body.attributes).toEqual({ score: 87, country: 'DE' });

    const shown = await cli('inspect', 'lead', leadId as string);
    expect(shown.out).toContain(`Lead ${leadId}`);
    expect(shown.out).toContain('state:    assigned');
    expect(shown.out).toContain(`owner:    Sarah Chen <sarah@example.com> (${repId})`);
    expect(shown.out).toMatch(/why: {6}team .+ \(the default team\); 1 candidate; Sarah Chen eligible; round robin picked Sarah Chen/);
    expect(shown.out).toMatch(/lead\.received\s+· → new\s+intake:api/);
    expect(shown.out).toMatch(/lead\.assigned\s+routing → assigned\s+offer-accepted/);

    const json = JSON.parse((await cli('inspect', 'lead', leadId as string, '--json')).out);
    expect(json).toMatchObject({ id: leadId, state: 'assigned', ownerId: repId });

    expect((await cli('leads', 'touch', leadId as string, '--type', 'meeting')).out).toBe(`Lead ${leadId} is now touched, owned by Sarah Chen <sarah@example.com>`);
    expect((await cli('leads', 'close', leadId as string, '--outcome', 'won')).out).toBe(`Lead ${leadId} is now closed, owned by Sarah Chen <sarah@example.com>`);
    const closedAgain = await cli('leads', 'close', leadId as string, '--outcome', 'won');
    expect(closedAgain.exitCode).toBe(1);
    expect(closedAgain.err).toContain('answered 409');
    const reopened = await cli('leads', 'add', '--email', 'bo@acme.io');
    const secondLead = /Lead accepted: (\S+)/.exec(reopened.out)?.[1] as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${secondLead}`)).body.state === 'assigned');

    const repShown = await cli('inspect', 'rep', repId);
    expect(repShown.out).toContain('state:        available');
    expect(repShown.out).toContain('active leads: 1 of 10');
    expect(JSON.parse((await cli('inspect', 'rep', repId, '--json')).out)).toMatchObject({ id: repId, activeLeads: 1, state: 'available' });
  });

  it('toggles a rep away and back', async () => {
    const { repIds } = await createTeamOfReps(sb.url, { count: 1, team: 'Toggle' });
    expect((await cli('reps', 'set', repIds[0] as string, '--away')).out).toMatch(/is now away/);
    expect((await cli('reps', 'set', repIds[0] as string, '--available')).out).toMatch(/is now available/);
  });

  it('reports the API’s error message and exits 1 on bad input', async () => {
    const result = await cli('leads', 'add', '--email', 'not-an-email');
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain('POST /v1/leads answered 400: email: must be an email address');
  });

  it('says what to do when no service answers', async () => {
    const result = await runCli('http://127.0.0.1:9', 'inspect', 'lead', 'x');
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain('could not reach Switchboard at http://127.0.0.1:9: is it running?');
  });

  it('names a missing required option', async () => {
    const result = await cli('leads', 'add', '--company', 'Acme');
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain("required option '--email <email>' not specified");
  });
});
