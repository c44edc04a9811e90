import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, eventually, http, icsWithMeetings, startTestCalendarFeed, startTestSwitchboard, type TestCalendarFeed, type TestSwitchboard } from '@switchboard/testing';
import { runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let feed: TestCalendarFeed;
let repId: string;
beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  feed = await startTestCalendarFeed(icsWithMeetings([[now - 60_000, now + 3_600_000]]));
  sb = await startTestSwitchboard({ bus: 'in-process' });
  repId = (await createTeamOfReps(sb.url, { count: 1, team: 'Inbound' })).repIds[0] as string;
});
afterAll(async () => {
  await sb?.destroy();
  await feed?.close();
});

const cli = (...args: string[]) => runCli(sb.url, ...args);

describe('switchboard calendars and booking', () => {
  it('sets a rep’s calendar, showing the rep busy and the calendar’s status without its secret address', async () => {
    const set = await cli('reps', 'calendars', repId, '--ics', feed.url);
    expect(set.exitCode).toBe(0);
    expect(set.out).toMatch(/^Rep rep 0 is busy until \d\d:\d\d; 1 calendar\(s\)\n {2}ics http:\/\/127\.0\.0\.1:\d+\/…: ok, read /);
    expect(set.out).not.toContain('private-');
    const refused = await cli('reps', 'calendars', repId, '--ics', 'http://127.0.0.1:9/nothing.ics');
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toMatch(/calendars\[0\]: .*nothing was changed/);
    expect((await cli('reps', 'calendars', repId, '--clear')).out).toMatch(/^Rep rep 0 is available; no calendars$/);
  });

  it('sets a team’s busy policy and booking, and makes a booking link for a lead', async () => {
    const lead = (await http(sb.url, 'POST', '/v1/leads', { email: 'cli-book@prospect.io' })).body.id as string;
    const none = await cli('leads', 'book', lead);
    expect(none.exitCode).toBe(1);
    expect(none.err).toMatch(/offers no booking/);

    const on = await cli('teams', 'set', 'Inbound', '--busy', 'allow', '--booking-duration', '45m', '--booking-buffer', '10m');
    expect(on.out).toBe('Team Inbound: reps in a meeting still take leads; booking 45m meetings (owner), within 7d, buffer 10m, notice 2h');
    // Changing one booking field keeps the others.
    expect((await cli('teams', 'set', 'Inbound', '--booking-mode', 'team')).out).toBe(
      'Team Inbound: reps in a meeting still take leads; booking 45m meetings (team), within 7d, buffer 10m, notice 2h',
    );
    const bad = await cli('teams', 'set', 'Inbound', '--booking-duration', '2m');
    expect(bad.exitCode).toBe(1);
    expect(bad.err).toMatch(/booking\.duration: must be between 5m and 8h/);

    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${lead}`)).body.ownerId === repId, 10_000, 'routing');
    const link = await cli('leads', 'book', lead, '--expires-in', '3d');
    expect(link.exitCode).toBe(0);
    const url = /\n(http\S+\/book\/\S+)$/.exec(link.out)?.[1] as string;
    const token = url.split('/book/')[1] as string;
    expect((await http(sb.url, 'GET', `/v1/booking/${token}/slots`, undefined, { key: null })).body.durationMinutes).toBe(45);
    expect((await cli('teams', 'set', 'Inbound', '--no-booking', '--busy', 'skip')).out).toBe('Team Inbound: reps in a meeting are skipped; no booking');
  });
});
