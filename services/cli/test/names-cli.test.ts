import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let sb: TestSwitchboard;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
});
afterAll(async () => {
  await sb?.destroy();
});

const cli = (...args: string[]) => runCli(sb.url, ...args);

describe('the CLI takes names', () => {
  it('makes a team of reps given by email, lists and shows it, and changes a rep by email', async () => {
    await cli('reps', 'add', '--name', 'Sarah Chen', '--email', 'sarah@example.com', '--cap', '10');
    await cli('reps', 'add', '--name', 'Li Wei', '--email', 'li@example.com');
    const team = await cli('teams', 'add', '--name', 'EMEA', '--members', 'Sarah@Example.com', 'li@example.com');
    expect(team.out).toMatch(/^Team created: EMEA \(.+\), 2 member\(s\), the default team$/);

    const listed = await cli('teams', 'list');
    expect(listed.out).toMatch(/EMEA \(default\)\s+│?\s*round_robin\s+│?\s*2\s+│?\s*Sarah Chen <sarah@example.com>, Li Wei <li@example.com>/);

    const set = await cli('reps', 'set', 'li@example.com', '--weight', '3', '--tags', 'german', 'enterprise', '--timezone', 'Europe/Berlin', '--cap', '4');
    expect(set.exitCode).toBe(0);
    const li = ((await http(sb.url, 'GET', '/v1/reps')).body.items as Array<Record<string, unknown>>).find((r) => r.email === 'li@example.com');
    expect(li).toMatchObject({ weight: 3, tags: ['german', 'enterprise'], timezone: 'Europe/Berlin', cap: 4 });
    // The first spelling still works.
    await cli('reps', 'set', 'li@example.com', '--tag', 'german');
    expect((await http(sb.url, 'GET', '/v1/reps/li@example.com')).body.tags).toEqual(['german']);

    const shown = await cli('teams', 'show', 'EMEA');
    expect(shown.out).toContain('Team EMEA');
    expect(shown.out).toMatch(/Li Wei\s+│?\s*li@example.com\s+│?\s*available\s+│?\s*0\/4\s+│?\s*3/);
  });

  it('lists leads by owner email, showing owners by name, and inspects a rep by email', async () => {
    const id = (await http(sb.url, 'POST', '/v1/leads', { email: 'ana@acme.io' })).body.id as string;
    const lead = await eventually(async () => {
      const l = (await http(sb.url, 'GET', `/v1/leads/${id}`)).body;
      return l.state === 'assigned' && l;
    });
    const owner = ((await http(sb.url, 'GET', `/v1/reps/${lead.ownerId}`)).body as { name: string; email: string });
    const listed = await cli('leads', 'list', '--owner', owner.email.toUpperCase());
    expect(listed.out).toContain(id);
    expect(listed.out).toContain(`${owner.name} <${owner.email}>`);
    expect(listed.out).not.toContain(lead.ownerId);
    const inspected = await cli('inspect', 'rep', owner.email);
    expect(inspected.exitCode).toBe(0);
    expect(inspected.out).toContain(owner.name);
    const touched = await cli('leads', 'touch', id, '--type', 'call');
    expect(touched.out).toContain(`owned by ${owner.name} <${owner.email}>`);
  });

  it('sets working hours as people write them, overnight shifts and "always" included', async () => {
    const set = await cli('reps', 'set', 'sarah@example.com', '--working-hours', 'mon-thu 09:00-12:30,13:30-18:00', 'fri 09:00-15:00');
    expect(set.out).toMatch(/^Rep Sarah Chen is now \w+ \(\d+ active\); works mon-thu 09:00-12:30,13:30-18:00; fri 09:00-15:00 \(UTC\)$/);
    const stored = async () => ((await http(sb.url, 'GET', '/v1/reps/sarah@example.com')).body as { workingHours: unknown }).workingHours;
    expect(await stored()).toEqual({
      mon: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '18:00' }],
      tue: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '18:00' }],
      wed: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '18:00' }],
      thu: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '18:00' }],
      fri: [{ from: '09:00', to: '15:00' }],
    });
    await cli('reps', 'set', 'sarah@example.com', '--working-hours', 'sat 22:00-06:00');
    expect(await stored()).toEqual({ sat: [{ from: '22:00', to: '24:00' }], sun: [{ from: '00:00', to: '06:00' }] });

    const refused = await cli('reps', 'set', 'sarah@example.com', '--working-hours', 'mon-fri 9-17');
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toContain('"9-17" in "mon-fri 9-17": hours must be HH:MM-HH:MM on a 24-hour clock, e.g. 09:00-17:00');
    expect(await stored()).toEqual({ sat: [{ from: '22:00', to: '24:00' }], sun: [{ from: '00:00', to: '06:00' }] });

    expect((await cli('reps', 'set', 'sarah@example.com', '--working-hours', 'always')).out).toContain('works always (UTC)');
    expect(await stored()).toBeNull();
  });

  it('names an unknown email, and changes nothing', async () => {
    const before = (await http(sb.url, 'GET', '/v1/teams')).body.items.length;
    const refused = await cli('teams', 'add', '--name', 'Ghosts', '--members', 'nobody@example.com');
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toBe('error: no rep with email nobody@example.com; list reps with: switchboard reps list');
    expect((await http(sb.url, 'GET', '/v1/teams')).body.items.length).toBe(before);
    expect((await cli('reps', 'set', 'nobody@example.com', '--away')).err).toContain('no rep with id or email "nobody@example.com"');
    expect((await cli('leads', 'list', '--help')).out.replace(/\s+/g, ' ')).toContain('new, routing, assigned, touched, waiting, escalated, closed, converted');
  });
});
