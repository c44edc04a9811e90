import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { createTeamOfReps, eventually, http, startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/index.ts';

// The lead page's delivery log: what was sent about the lead, where, and each attempt's answer.

if (!hasChromium) {
  console.warn(`\n[switchboard] ${chromiumPath} is missing: the console's notification log browser test is SKIPPED (apt-get install -y chromium; CI installs it).\n`);
}

describe.skipIf(!hasChromium)('the lead page’s notifications', () => {
  let sb: TestSwitchboard;
  let browser: Browser;
  let page: Page;
  let receiver: Server;
  let posts = 0;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sb = await startTestSwitchboard({ bus: 'in-process' });
    await createTeamOfReps(sb.url, { count: 1 });
    // Fails the first post, takes the second.
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(++posts === 1 ? 503 : 200).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    expect((await http(sb.url, 'POST', '/v1/webhooks', { url, events: ['lead.assigned'] })).status).toBe(201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    receiver?.closeAllConnections();
    receiver?.close();
    await sb?.destroy();
  });

  const signIn = async (key: string) => {
    await page.context().clearCookies();
    await page.goto(sb.url);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.signed-in').waitFor();
  };

  it('shows each notification about the lead with its status and every attempt; a viewer sees no log', async () => {
    const lead = (await http(sb.url, 'POST', '/v1/leads', { email: 'logged@prospect.io' })).body.id as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/notifications?lead=${lead}`)).body.items[0]?.status === 'delivered', 15_000, 'the delivery');

    await signIn(TEST_ADMIN_KEY);
    await page.goto(`${sb.url}/leads/${lead}`);
    const row = page.locator('.notification-log tr[data-status="delivered"]');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/lead\.assigned[\s\S]*webhook · [0-9a-f-]{36}[\s\S]*delivered[\s\S]*503 → 200/i);

    const viewer = (await http(sb.url, 'POST', '/v1/keys', { name: 'wallboard', role: 'viewer' })).body.key as string;
    await signIn(viewer);
    // The delivery log is an operator's: the viewer's console neither asks for it nor shows its card.
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/notifications')) asked.push(request.url());
    });
    await page.goto(`${sb.url}/leads/${lead}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByTestId('lead-owner').filter({ hasNotText: 'Nobody' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Notifications' }).count()).toBe(0);
    expect(asked).toEqual([]);
    // The API refuses it too, whatever the console does.
    expect((await http(sb.url, 'GET', `/v1/notifications?lead=${lead}`, undefined, { key: viewer })).status).toBe(403);
  });
});
