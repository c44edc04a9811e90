import { createServer, type Server } from 'node:http';
import { configFromEnv } from '@switchboard/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, ManualScheduler, startTestSlackReceiver, startTestSmtpServer, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// Slack and email notifications end to end, set in the routing configuration: a Slack
// receiver and an SMTP server the test starts, a manual clock for quiet hours and SLA
// warnings, and the setup check.

const MINUTE = 60_000;
const PUBLIC_URL = 'https://sb.example.com';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Slack and email notifications', () => {
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
    smtp.mails.length = 0;
    slack.posts.length = 0;
  });
  afterAll(async () => {
    await smtp?.close();
    await slack?.close();
  });

  const start = (clock: ManualScheduler) =>
    startTestSwitchboard({
      bus: 'in-process',
      scheduler: clock,
      env: { SWITCHBOARD_PUBLIC_URL: PUBLIC_URL, SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: 'Switchboard <switchboard@acme.io>' },
    });
  const rep = async (body: Record<string, unknown>) => {
    const made = await http(sb!.url, 'POST', '/v1/reps', body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as { id: string; email: string };
  };
  const configure = async (config: Record<string, unknown>) => {
    const applied = await http(sb!.url, 'PUT', '/v1/config', config);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  };
  const assigned = async (email: string) => {
    const posted = await http(sb!.url, 'POST', '/v1/leads', { email, company: 'Navy' });
    expect(posted.status).toBe(202);
    return eventually(async () => {
      const lead = (await http(sb!.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
      return lead.state === 'assigned' && lead;
    });
  };
  const notificationsOf = async (leadId: string) => (await http(sb!.url, 'GET', `/v1/notifications?lead=${leadId}`)).body.items as any[];

  it('emails the manager at once, and holds the owner’s Slack message in quiet hours until they end', async () => {
    // 06:50 in Lisbon (summer time): the owner's quiet hours, 22:00 to 07:00, are not over.
    const clock = new ManualScheduler(Date.parse('2026-07-05T05:50:00Z'));
    sb = await start(clock);
    const mia = await rep({ name: 'Mia Manager', email: 'mia@acme.io' });
    const ana = await rep({ name: 'Ana Silva', email: 'ana@acme.io', timezone: 'Europe/Lisbon', managerId: mia.id });
    // Reps and teams the section names must exist; every problem is named at once, and nothing changes.
    const refused = await http(sb.url, 'PUT', '/v1/config', {
      teams: [{ name: 'EMEA', members: [ana.email] }],
      notifications: { teams: [{ team: 'APAC', email: 'apac@acme.io' }], reps: [{ rep: 'nobody@acme.io' }, { rep: ana.id, channel: 'slack' }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string; message: string }) => `${e.path}: ${e.message}`)).toEqual([
      'notifications.teams[0].team: no team or queue named "APAC" in this configuration',
      'notifications.reps[0].rep: no rep with email or id "nobody@acme.io"; create it first with POST /v1/reps or switchboard reps add',
      'notifications.reps[1].channel: slack needs the rep’s incoming-webhook URL in slack; or use channel: email',
    ]);
    await configure({
      teams: [{ name: 'EMEA', members: [ana.email] }],
      rules: [{ name: 'Everything', route: { team: 'EMEA' } }],
      notifications: {
        reps: [{ rep: 'ana@acme.io', channel: 'slack', slack: slack.url, quietHours: { from: '22:00', to: '07:00' } }],
        on: { 'lead.assigned': ['owner', 'manager'] },
      },
    });
    const lead = await assigned('grace@navy.example');
    expect(lead.ownerId).toBe(ana.id);

    const planned = await eventually(async () => {
      const items = await notificationsOf(lead.id);
      return items.length === 2 && items.some((n) => n.status === 'delivered') && items;
    });
    const email = planned.find((n: any) => n.channel === 'email');
    const held = planned.find((n: any) => n.channel === 'slack');
    expect(email).toMatchObject({ eventType: 'lead.assigned', destination: 'mia@acme.io', status: 'delivered', attempts: [{ attempt: 1, error: null }] });
    // 07:00 in Lisbon is 06:00 UTC.
    expect(held).toMatchObject({ eventType: 'lead.assigned', destination: slack.url, status: 'pending', nextAttemptAt: '2026-07-05T06:00:00.000Z', attempts: [] });

    const mail = await eventually(async () => smtp.mails[0]);
    expect(mail.to).toEqual(['mia@acme.io']);
    expect(mail.subject).toBe('New lead for you: Navy');
    expect(mail.text).toContain(`Open the lead: ${PUBLIC_URL}/leads/${lead.id}`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/leads/${lead.id}"`);

    // Still quiet a minute before seven: nothing goes to Slack.
    await clock.advance(Date.parse('2026-07-05T05:59:00Z') - clock.now());
    await pause(1_000);
    expect(slack.posts).toEqual([]);

    await clock.advance(MINUTE);
    const post = await eventually(async () => slack.posts[0]);
    expect(post.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'New lead for you: Navy' } });
    expect(post.blocks.find((b: any) => b.type === 'actions').elements[0].url).toBe(`${PUBLIC_URL}/leads/${lead.id}`);
    const sent = await eventually(async () => (await notificationsOf(lead.id)).find((n) => n.channel === 'slack' && n.status === 'delivered'));
    expect(sent.attempts).toMatchObject([{ attempt: 1, statusCode: 200, error: null }]);
    expect(slack.posts).toHaveLength(1);
  });

  it('warns the owner at 80% of the response time, and skips the warning for a lead already touched', async () => {
    const clock = new ManualScheduler();
    sb = await start(clock);
    const ben = await rep({ name: 'Ben', email: 'ben@acme.io' });
    await configure({
      teams: [{ name: 'Inside', members: [ben.email], sla: { response: 'PT1H' } }],
      rules: [{ name: 'Everything', route: { team: 'Inside' } }],
      notifications: { reps: [{ rep: 'ben@acme.io', channel: 'slack', slack: slack.url }], on: { 'sla.warning': ['owner'] } },
    });
    const waiting = await assigned('slow@navy.example');
    const answered = await assigned('quick@navy.example');
    expect((await http(sb.url, 'POST', `/v1/leads/${answered.id}/touches`, { type: 'call' })).status).toBe(200);

    await clock.advance(47 * MINUTE);
    await pause(1_000);
    expect(slack.posts).toEqual([]);

    await clock.advance(2 * MINUTE);
    const warning = await eventually(async () => (await notificationsOf(waiting.id)).find((n) => n.status === 'delivered'));
    expect(warning).toMatchObject({ eventType: 'sla.warning', channel: 'slack', destination: slack.url });
    expect(slack.posts.map((p) => p.blocks[0].text.text)).toEqual(['SLA running out: Navy']);
    expect(slack.posts[0].blocks[1].text.text).toMatch(/— 1\d min left/);
    const skipped = await eventually(async () => (await notificationsOf(answered.id)).find((n) => n.status === 'skipped'));
    expect(skipped).toMatchObject({ eventType: 'sla.warning', attempts: [{ attempt: 1, statusCode: null, error: 'skipped: the lead is touched now' }] });
    // A routing configuration without the section sends nothing more.
    expect(slack.posts).toHaveLength(1);
  });

  it('sends a sample on each channel as a setup check, and names what is wrong with a bad one', async () => {
    sb = await start(new ManualScheduler());
    const toSlack = await http(sb.url, 'POST', '/v1/notifications/test', { channel: 'slack', to: slack.url });
    expect(toSlack.status, JSON.stringify(toSlack.body)).toBe(200);
    expect(toSlack.body).toMatchObject({ channel: 'slack', destination: slack.url, status: 'delivered', attempts: [{ statusCode: 200 }] });
    expect(slack.posts[0].blocks[0].text.text).toMatch(/^New lead for you: /);

    const toEmail = await http(sb.url, 'POST', '/v1/notifications/test', { channel: 'email', to: 'ops@acme.io' });
    expect(toEmail.body).toMatchObject({ channel: 'email', destination: 'ops@acme.io', status: 'delivered' });
    expect((await eventually(async () => smtp.mails[0])).to).toEqual(['ops@acme.io']);

    // A dead endpoint: answered at once, dead, not retried.
    const gone = await startTestSlackReceiver();
    await gone.close();
    const refused = await http(sb.url, 'POST', '/v1/notifications/test', { channel: 'slack', to: gone.url });
    expect(refused.body).toMatchObject({ status: 'dead', attempts: [{ statusCode: null, error: expect.stringMatching(/^could not post: .*ECONNREFUSED/) }] });

    const bad = await http(sb.url, 'POST', '/v1/notifications/test', { channel: 'email', to: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'to', message: 'an email address, such as sarah@example.com' }]);
    const noHook = await http(sb.url, 'POST', '/v1/notifications/test', { channel: 'webhook', to: '00000000-0000-4000-8000-000000000000' });
    expect(noHook.status).toBe(400);
    expect(noHook.body.errors[0].message).toMatch(/^no webhook with id /);
    // Every sample is in the delivery log.
    expect((await http(sb.url, 'GET', '/v1/notifications')).body.items.map((n: any) => `${n.channel} ${n.status}`).sort()).toEqual(['email delivered', 'slack dead', 'slack delivered']);
  });

  it('never holds up routing for a Slack endpoint that does not answer', async () => {
    const hung: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}/services/T1/B1/hung`;
    try {
      sb = await start(new ManualScheduler());
      const cy = await rep({ name: 'Cy', email: 'cy@acme.io', cap: 100 });
      await configure({
        teams: [{ name: 'Fast', members: [cy.email] }],
        rules: [{ name: 'Everything', route: { team: 'Fast' } }],
        notifications: { reps: [{ rep: 'cy@acme.io', channel: 'slack', slack: hungUrl }], on: { 'lead.assigned': ['owner'] } },
      });
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const lead = await assigned(`lead${i}@navy.example`);
        // Intake to assigned, while every earlier message waits on the endpoint's 10-second timeout.
        expect(performance.now() - started).toBeLessThan(3_000);
        expect(lead.ownerId).toBe(cy.id);
      }
      const pending = await eventually(async () => {
        const items = (await http(sb!.url, 'GET', '/v1/notifications?channel=slack')).body.items;
        return items.length === 5 && items;
      });
      expect(pending.map((n: any) => n.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    } finally {
      // Reset the hung connections so that stopping does not wait out the timeouts.
      hung.closeAllConnections();
      hung.close();
    }
  });

  it('reads its settings from the environment, keeps the SMTP URL out of logs, and names a bad one', () => {
    const config = configFromEnv({ SWITCHBOARD_PUBLIC_URL: PUBLIC_URL, SWITCHBOARD_SMTP_URL: 'smtp://user:hunter2@smtp.acme.io:587', SWITCHBOARD_EMAIL_FROM: 'switchboard@acme.io' });
    expect(config.publicUrl).toBe(PUBLIC_URL);
    expect(config.email).toEqual({ smtpUrl: 'smtp://user:hunter2@smtp.acme.io:587', from: 'switchboard@acme.io' });
    expect(JSON.stringify(config)).not.toContain('hunter2');
    const issues = (env: Record<string, string>) => {
      try {
        configFromEnv(env);
        return [];
      } catch (error) {
        return (error as { issues: Array<{ path: string; message: string }> }).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ SWITCHBOARD_SMTP_URL: 'smtp://smtp.acme.io' })).toEqual(['SWITCHBOARD_EMAIL_FROM: email needs a sender too, e.g. "Switchboard <switchboard@example.com>"']);
    expect(issues({ SWITCHBOARD_SMTP_URL: 'http://smtp.acme.io', SWITCHBOARD_EMAIL_FROM: 'a@b.io', SWITCHBOARD_PUBLIC_URL: 'sb.example.com' })).toEqual([
      'SWITCHBOARD_PUBLIC_URL: must be the console’s address as people open it, e.g. https://switchboard.example.com',
      'SWITCHBOARD_SMTP_URL: must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587',
    ]);
  });
});
