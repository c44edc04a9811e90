import { createServer, type Server } from 'node:http';
import { startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let slack: Server;
let slackUrl: string;
const received: any[] = [];
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  slack = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  slackUrl = `http://127.0.0.1:${(slack.address() as { port: number }).port}/services/T1/B1/x`;
});
afterAll(async () => {
  slack?.closeAllConnections();
  slack?.close();
  await sb?.destroy();
});

const cli = (...args: string[]) => runCli(sb.url, ...args);

describe('switchboard notify test', () => {
  it('sends a sample to Slack and says so; says why not, and exits 1, when it can’t', async () => {
    const sent = await cli('notify', 'test', '--channel', 'slack', '--to', slackUrl);
    expect(sent.exitCode).toBe(0);
    expect(sent.out).toMatch(/^Sample slack message sent to Slack: the endpoint answered 200 in \d+ ms\.$/);
    expect(received).toHaveLength(1);
    expect(received[0].blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });

    const noEmail = await cli('notify', 'test', '--channel', 'email', '--to', 'ops@acme.io');
    expect(noEmail.exitCode).toBe(1);
    expect(noEmail.err).toContain('channel: email is not set up on this server: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_EMAIL_FROM');

    const wrong = await cli('notify', 'test', '--channel', 'sms', '--to', '+351');
    expect(wrong.exitCode).toBe(1);
    expect(wrong.err).toContain("argument 'sms' is invalid. Allowed choices are slack, email, webhook");

    const gone = await cli('notify', 'test', '--channel', 'slack', '--to', 'http://127.0.0.1:9/hooks');
    expect(gone.exitCode).toBe(1);
    expect(gone.out).toMatch(/^Sample slack message not sent to Slack: could not post: .+\.\nCheck the URL; for Slack, make an incoming webhook/);
  });
});
