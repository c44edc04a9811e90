import { createServer, type Server } from 'node:http';
import { createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  await createTeamOfReps(sb.url, { count: 1 });
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      received.push(body);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  receiver?.close();
  await sb?.destroy();
});

const cli = (...args: string[]) => runCli(sb.url, ...args);

describe('switchboard webhooks and notifications', () => {
  it('adds a webhook, sends it a sample, and shows what was delivered for a lead', async () => {
    expect((await cli('webhooks', 'list')).out).toContain('No webhooks yet. Add one with: switchboard webhooks add');
    const refused = await cli('webhooks', 'add', '--endpoint', receiverUrl, '--events', 'lead.asigned');
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toContain('events.0: must be a lifecycle event type');

    const added = await cli('webhooks', 'add', '--endpoint', receiverUrl, '--events', 'lead.assigned', 'lead.breached', '--description', 'CRM');
    expect(added.exitCode).toBe(0);
    const id = /Webhook created: (\S+)/.exec(added.out)?.[1] as string;
    expect(added.out).toMatch(/\n {2}whsec_\S{32}\n/);
    expect((await cli('webhooks', 'list')).out).toMatch(new RegExp(`${id}\\s+│?\\s*${receiverUrl.replace(/[.]/g, '\\.')}\\s+│?\\s*lead.assigned, lead.breached\\s+│?\\s*yes\\s+│?\\s*CRM`));

    const tested = await cli('webhooks', 'test', id);
    expect(tested.out).toMatch(/^Sample delivered: the endpoint answered 200 in \d+ ms \(event \S+\)\.$/);
    expect(JSON.parse(received.at(-1) as string)).toMatchObject({ type: 'webhook.test' });

    const lead = (await http(sb.url, 'POST', '/v1/leads', { email: 'hook@prospect.io' })).body.id as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/notifications?lead=${lead}`)).body.items[0]?.status === 'delivered', 15_000, 'the assignment delivered');
    const listed = await cli('notifications', '--lead', lead);
    expect(listed.out).toMatch(new RegExp(`lead\\.assigned\\s+│?\\s*${lead}\\s+│?\\s*webhook\\s+│?\\s*${id}\\s+│?\\s*delivered\\s+│?\\s*200`));
    expect((await cli('webhooks', 'deliveries', id, '--status', 'delivered')).out.split('\n').filter((line) => /delivered/.test(line))).toHaveLength(2);

    expect((await cli('webhooks', 'remove', id)).out).toBe(`Webhook ${id} deleted: nothing more is sent to it.`);
    expect((await cli('webhooks', 'test', id)).err).toContain(`webhook "${id}" does not exist`);
  });
});
