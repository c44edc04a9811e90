import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, eventually, http, ManualScheduler, startTestSlackReceiver, startTestSmtpServer, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// Each rep's daily digest end to end: a Slack receiver and an SMTP server the test starts, and
// a manual clock the notifier follows (the digest is due on each rep's own clock).

const MINUTE = 60_000;
const PUBLIC_URL = 'https://sb.example.com';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the daily digest', () => {
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  let slack: Awaited<ReturnType<typeof startTestSlackReceiver>>;
  let sb: TestSwitchboard | undefined;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    slack = await startTestSlackReceiver();
  });
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });
  afterAll(async () => {
    await smtp?.close();
    await slack?.close();
  });

  const rep = async (body: Record<string, unknown>) => {
    const made = await http(sb!.url, 'POST', '/v1/reps', body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as { id: string; email: string };
  };
  const putYaml = async (source: string) => {
    const response = await fetch(`${sb!.url}/v1/config`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/yaml' }, body: source });
    return { status: response.status, body: (await response.json()) as any };
  };
  const assigned = async (email: string, firstName: string) => {
    const posted = await http(sb!.url, 'POST', '/v1/leads', { email, firstName, company: 'Navy' });
    expect(posted.status).toBe(202);
    return eventually(async () => {
      const lead = (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
      return lead.state === 'assigned' && lead;
    });
  };
  const digests = async () => ((await http(sb!.url, 'GET', '/v1/notifications?limit=100')).body.items as any[]).filter((n) => n.eventType === 'digest');

  it('arrives once at 08:00 on each rep’s own clock with its open leads, lost leads and the link; not before, after quiet hours, and not again after a second round or a restart', async () => {
    // 07:50 in New York, 12:50 in Lisbon.
    const clock = new ManualScheduler(Date.parse('2026-12-04T12:50:00Z'));
    sb = await startTestSwitchboard({
      bus: 'in-process',
      scheduler: clock,
      env: { SWITCHBOARD_PUBLIC_URL: PUBLIC_URL, SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: 'Switchboard <switchboard@acme.io>' },
    });
    const ana = await rep({ name: 'Ana Silva', email: 'ana@acme.io', timezone: 'America/New_York' });
    await rep({ name: 'Ben Costa', email: 'ben@acme.io', timezone: 'Europe/Lisbon' });
    await rep({ name: 'Cy Off', email: 'cy@acme.io' });
    await rep({ name: 'Dee Quiet', email: 'dee@acme.io', timezone: 'Europe/Lisbon' });

    // A bad digest setting is named at its line and column, with the rest, and nothing changes.
    const refused = await putYaml(
      [
        'teams:',
        '  - name: East',
        '    members: [ana@acme.io]',
        'notifications:',
        '  digest: { at: "8am" }',
        '  reps:',
        '    - rep: ben@acme.io',
        '      digest: true',
        '',
      ].join('\n'),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'notifications.digest.at', line: 5, column: 17, message: 'expected a time of day as HH:MM, such as "22:00"' },
      { path: 'notifications.reps[0].digest', line: 8, column: 15, message: 'expected digest: { at: "08:00" } for a daily digest, or digest: false for none' },
    ]);
    expect((await http(sb.url, 'GET', '/v1/config')).body.version ?? null).toBeNull();

    const applied = await putYaml(
      [
        'teams:',
        '  - name: East',
        '    members: [ana@acme.io]',
        '    sla: { response: PT4H }',
        'rules:',
        '  - name: Everything',
        '    route: { team: East }',
        'notifications:',
        '  digest: { at: "08:00" }',
        '  "on": {}',
        '  reps:',
        `    - { rep: ben@acme.io, channel: slack, slack: "${slack.url}", digest: { at: "13:00" } }`,
        '    - { rep: cy@acme.io, digest: false }',
        '    - { rep: dee@acme.io, digest: { at: "13:00" }, quietHours: { from: "12:00", to: "14:00" } }',
        '',
      ].join('\n'),
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);

    const grace = await assigned('grace@navy.example', 'Grace');
    const alan = await assigned('alan@navy.example', 'Alan');
    const given = await assigned('ada@navy.example', 'Ada');
    expect([grace.ownerId, alan.ownerId, given.ownerId]).toEqual([ana.id, ana.id, ana.id]);
    expect((await http(sb.url, 'POST', `/v1/leads/${given.id}/reject`, { reason: 'wrong language' })).status).toBe(200);
    expect((await http(sb.url, 'POST', `/v1/leads/${alan.id}/touches`, { type: 'call' })).status).toBe(200);

    // 07:59 in New York (12:59 in Lisbon): nobody's digest is due.
    await clock.advance(9 * MINUTE);
    await pause(1_500);
    expect(smtp.mails).toEqual([]);
    expect(slack.posts).toEqual([]);
    expect(await digests()).toEqual([]);

    // 08:00 in New York is 13:00 UTC, and 13:00 in Lisbon, Ben's own time.
    await clock.advance(MINUTE);
    const mailsTo = (who: string) => smtp.mails.filter((m) => m.to.includes(who));
    const mail = await eventually(async () => mailsTo('ana@acme.io')[0]);
    expect(mail.to).toEqual(['ana@acme.io']);
    expect(mail.subject).toBe('Your leads today (Fri 4 Dec): 2 open, 1 lost');
    expect(mail.text).toContain(`Grace (Navy) (grace@navy.example), assigned: respond by Fri 4 Dec, 11:50 (America/New_York) ${PUBLIC_URL}/leads/${grace.id}`);
    expect(mail.text).toContain(`Alan (Navy) (alan@navy.example), touched`);
    expect(mail.text).toMatch(new RegExp(`Ada \\(Navy\\) \\(ada@navy\\.example\\): given back, Fri 4 Dec, 07:50 ${PUBLIC_URL}/leads/${given.id}`));
    expect(mail.text).toContain(`Open the console: ${PUBLIC_URL}/leads`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/leads"`);
    const post = await eventually(async () => slack.posts[0]);
    expect(post.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Your leads today (Fri 4 Dec): 0 open' } });
    expect(post.blocks[1].text.text).toContain('You have no open leads.');
    expect(post.blocks.find((b: any) => b.type === 'actions').elements[0].url).toBe(`${PUBLIC_URL}/leads`);
    const sent = await eventually(async () => {
      const items = await digests();
      return items.length === 3 && items.filter((n) => n.status === 'delivered').length === 2 && items;
    });
    expect(sent.map((n: any) => [n.channel, n.destination, n.status]).sort()).toEqual([
      ['email', 'ana@acme.io', 'delivered'],
      ['email', 'dee@acme.io', 'pending'],
      ['slack', slack.url, 'delivered'],
    ]);
    // Dee's digest falls in its quiet hours: it waits for their end, 14:00 in Lisbon.
    expect(sent.find((n: any) => n.destination === 'dee@acme.io').nextAttemptAt).toBe('2026-12-04T14:00:00.000Z');

    // A second planning round, then a restart: neither digest goes out again that day.
    await clock.advance(MINUTE);
    await pause(1_500);
    sb = await sb.restart();
    await clock.advance(MINUTE);
    await pause(1_500);
    expect(smtp.mails).toHaveLength(1);
    expect(slack.posts).toHaveLength(1);
    expect(await digests()).toHaveLength(3);

    await clock.advance(Date.parse('2026-12-04T13:59:00Z') - clock.now());
    await pause(1_000);
    expect(mailsTo('dee@acme.io')).toEqual([]);
    await clock.advance(MINUTE);
    const quiet = await eventually(async () => mailsTo('dee@acme.io')[0]);
    expect(quiet.subject).toBe('Your leads today (Fri 4 Dec): 0 open');

    // The next local day has its own (a new clock: a day of the manual clock's timers is not what this is about).
    const tomorrow = new ManualScheduler(Date.parse('2026-12-05T12:59:00Z'));
    sb = await sb.restart({ scheduler: tomorrow });
    await pause(1_500);
    expect(mailsTo('ana@acme.io')).toHaveLength(1);
    await tomorrow.advance(MINUTE);
    const next = await eventually(async () => mailsTo('ana@acme.io')[1]);
    expect(next.to).toEqual(['ana@acme.io']);
    expect(next.subject).toMatch(/^Your leads today \(Sat 5 Dec\)/);
    await eventually(async () => slack.posts[1]);
    expect(mailsTo('ana@acme.io')).toHaveLength(2);
  });
});
