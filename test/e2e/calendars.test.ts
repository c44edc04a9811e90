import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTeamOfReps,
  eventually,
  http,
  icsWithMeetings,
  startTestCalendarFeed,
  startTestSwitchboard,
  type TestCalendarFeed,
  type TestSwitchboard,
} from '../support/index.ts';

// Reps' calendars: a meeting now makes the rep `busy`, routing skips it (or not, by the team's
// policy) and says why, and a feed that stops working is shown on the rep.

const MINUTE = 60_000;

describe('reps’ calendars', () => {
  let sb: TestSwitchboard;
  let feed: TestCalendarFeed;
  let sarah: string;
  let tom: string;
  // iCalendar times are whole seconds.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const meeting: [number, number] = [now - 10 * MINUTE, now + 50 * MINUTE];

  beforeAll(async () => {
    feed = await startTestCalendarFeed(icsWithMeetings([meeting]));
    // Polled every second, so the test sees a second reading soon.
    sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_CALENDAR_POLL_INTERVAL: '1s' } });
    const team = await createTeamOfReps(sb.url, { count: 2, team: 'Inbound' });
    [sarah, tom] = team.repIds as [string, string];
  });
  afterAll(async () => {
    await sb?.destroy();
    await feed?.close();
  });

  it('refuses a calendar that can’t be read, naming it, and changes nothing', async () => {
    const missing = await startTestCalendarFeed('');
    missing.set('', 404);
    const answer = await http(sb.url, 'PATCH', `/v1/reps/${sarah}`, { calendars: [{ ics: missing.url }], weight: 3 });
    await missing.close();
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/calendars\[0\]: .*404/);
    const rep = (await http(sb.url, 'GET', `/v1/reps/${sarah}`)).body;
    expect(rep.calendars).toEqual([]);
    expect(rep.weight).toBe(1);
    const twice = await http(sb.url, 'PATCH', `/v1/reps/${sarah}`, { calendars: [{ ics: feed.url }, { ics: feed.url }] });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/calendars: lists a calendar more than once/);
    const badAddress = await http(sb.url, 'PATCH', `/v1/reps/${sarah}`, { calendars: [{ ics: 'calendar.google.com/secret' }] });
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.message).toMatch(/calendars\.0\.ics: must be an http\(s\):\/\/ or webcal:\/\/ address/);
  });

  it('refuses a calendar on this network when the operator has not allowed it, naming the setting', async () => {
    const strict = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES: 'refuse' } });
    try {
      const rep = (await createTeamOfReps(strict.url, { count: 1 })).repIds[0] as string;
      const refused = await http(strict.url, 'PATCH', `/v1/reps/${rep}`, { calendars: [{ ics: feed.url }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/calendars\[0\]: the calendar's host 127\.0\.0\.1 is a private or local address .*SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES=allow/);
    } finally {
      await strict.destroy();
    }
  });

  it('reads a calendar at once: a meeting now makes the rep busy until it ends, and the address is never shown whole', async () => {
    const answer = await http(sb.url, 'PATCH', `/v1/reps/${sarah}`, { calendars: [{ ics: feed.url }] });
    expect(answer.status).toBe(200);
    expect(answer.body.state).toBe('busy');
    expect(answer.body.busyUntil).toBe(new Date(meeting[1]).toISOString());
    // Busy time is read from now on: the meeting's part still to come.
    expect(answer.body.upcomingBusy).toEqual([{ start: expect.any(String), end: new Date(meeting[1]).toISOString() }]);
    expect(Date.parse(answer.body.upcomingBusy[0].start)).toBeLessThanOrEqual(Date.now());
    expect(answer.body.calendars).toEqual([
      expect.objectContaining({ kind: 'ics', address: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…$/), status: 'ok', error: null }),
    ]);
    expect(JSON.stringify(answer.body)).not.toContain('private-0123456789abcdef');
    // The audit log keeps no secret address either.
    const audit = await http(sb.url, 'GET', '/v1/audit?limit=5');
    expect(JSON.stringify(audit.body)).not.toContain('private-0123456789abcdef');
  });

  it('routes around the busy rep and says until when', async () => {
    const lead = (await http(sb.url, 'POST', '/v1/leads', { email: 'busy-day@prospect.io' })).body.id as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${lead}`)).body.ownerId === tom, 10_000, 'the lead going to Tom');
    const decision = (await http(sb.url, 'GET', `/v1/leads/${lead}/decision`)).body;
    const until = new Date(meeting[1]).toLocaleTimeString('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });
    const candidates = decision.steps.flatMap((s: { candidates: unknown[] }) => s.candidates) as Array<{ repId: string; reason?: string; detail: string }>;
    expect(candidates.find((c) => c.repId === sarah)).toMatchObject({ reason: 'busy', detail: `rep 0 is busy (in a meeting until ${until})` });
  });

  it('lets busy reps take leads in a team with busy: allow', async () => {
    expect((await http(sb.url, 'PATCH', '/v1/teams/Inbound', { busy: 'allow' })).body.busy).toBe('allow');
    // Tom is away: only Sarah, in her meeting, is left.
    await http(sb.url, 'PATCH', `/v1/reps/${tom}`, { available: false });
    const lead = (await http(sb.url, 'POST', '/v1/leads', { email: 'allowed@prospect.io' })).body.id as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${lead}`)).body.ownerId === sarah, 10_000, 'the lead going to busy Sarah');
    await http(sb.url, 'PATCH', '/v1/teams/Inbound', { busy: 'skip' });
    await http(sb.url, 'PATCH', `/v1/reps/${tom}`, { available: true });
  });

  it('polls with a conditional GET, takes a changed feed, and shows a failing one on the rep while keeping its last reading', async () => {
    await eventually(async () => feed.requests.some((etag) => etag !== null), 10_000, 'a conditional poll');
    // The meeting is cancelled: Sarah is free again at the next poll.
    feed.set(icsWithMeetings([]));
    await eventually(async () => (await http(sb.url, 'GET', `/v1/reps/${sarah}`)).body.state === 'available', 10_000, 'Sarah free again');
    feed.set(icsWithMeetings([meeting]), 500);
    const failing = await eventually(async () => {
      const rep = (await http(sb.url, 'GET', `/v1/reps/${sarah}`)).body;
      return rep.calendars[0]?.status === 'failing' ? rep : undefined;
    }, 10_000, 'the failure shown on the rep');
    expect(failing.calendars[0].error).toMatch(/500/);
    expect(failing.calendars[0].failingSince).not.toBeNull();
    expect(failing.state).toBe('available');
  });
});
