import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { eventually, http, startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/index.ts';

// A new user's first minutes in the console: each empty page says what to run next. The
// commands are read off the page and run exactly as shown, from the Switchboard directory,
// and must fill the page they were shown on.

if (!hasChromium) {
  console.warn(`\n[switchboard] ${chromiumPath} is missing: the console's first-steps browser test is SKIPPED (apt-get install -y chromium; CI installs it).\n`);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = join(root, 'test-output', 'console');

/**
 * Runs one command line as a user pastes it into a shell in the Switchboard directory. Not
 * synchronously: the service it talks to runs in this process.
 */
async function runAsShown(line: string): Promise<string> {
  expect(line).toMatch(/^npx switchboard /);
  // The user's CLI finds the first start's admin key in .switchboard/; this service takes the test key.
  const { stdout } = await promisify(execFile)('bash', ['-c', line], { cwd: root, env: { ...process.env, SWITCHBOARD_API_KEY: TEST_ADMIN_KEY }, encoding: 'utf8' });
  return stdout;
}

describe.skipIf(!hasChromium)('the console’s empty pages', () => {
  let sb: TestSwitchboard;
  let browser: Browser;
  let page: Page;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    sb = await startTestSwitchboard({ bus: 'in-process' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
    await page.goto(sb.url);
    await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.destroy();
  });

  const shownCommands = async (page: Page) => (await page.locator('.command-lines').innerText()).split('\n').filter((line) => line.trim() !== '');

  it('the rep board shows commands that add reps and a team, and they work as written', async () => {
    await page.getByText('No reps yet').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'first-steps-board.png'), fullPage: true });
    const commands = await shownCommands(page);
    expect(commands).toEqual([
      `npx switchboard --url ${sb.url} reps add --name "Sarah Chen" --email sarah@example.com --cap 10`,
      `npx switchboard --url ${sb.url} reps add --name "Li Wei" --email li@example.com`,
      `npx switchboard --url ${sb.url} teams add --name Inbound --members sarah@example.com li@example.com`,
    ]);
    for (const line of commands) await runAsShown(line);
    // The board polls: both reps appear without a reload.
    await expect.poll(() => page.locator('tr[data-rep-id]').count(), { timeout: 10_000 }).toBe(2);
    expect((await http(sb.url, 'GET', '/v1/teams/Inbound')).body).toMatchObject({ isDefault: true, members: expect.any(Array) });
  });

  it('the lead list shows a command that sends a lead, and it is assigned', async () => {
    await page.goto(`${sb.url}/leads`);
    await page.getByText('No leads yet').waitFor();
    const [add, list] = await shownCommands(page);
    expect(add).toBe(`npx switchboard --url ${sb.url} leads add --email ana@acme.io --company "Acme GmbH" --attr country=DE`);
    const id = /Lead accepted: (\S+)/.exec((await runAsShown(add as string)))?.[1] as string;
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body.state === 'assigned');
    expect(await runAsShown(list as string)).toContain(id);
    await page.reload();
    await page.locator('.lead-table').getByText('ana@acme.io').waitFor();
  });

  it('the configuration page shows a file and the commands that apply it, and they do', async () => {
    await page.goto(`${sb.url}/config`);
    await page.getByText('No routing configuration applied yet').waitFor();
    const file = page.locator('.command-file');
    const name = (await file.getAttribute('data-file')) as string;
    expect(name).toBe('routing.yaml');
    const path = join(root, name);
    writeFileSync(path, await file.innerText());
    try {
      const [dryRun, apply] = await shownCommands(page);
      expect(await runAsShown(dryRun as string)).toMatch(/valid/i);
      expect((await http(sb.url, 'GET', '/v1/config')).body.version).toBeNull();
      await runAsShown(apply as string);
    } finally {
      rmSync(path, { force: true });
    }
    expect((await http(sb.url, 'GET', '/v1/config')).body.version).toBe(1);
    // The rules route: a DACH lead goes to Sarah, by the file's first rule.
    const posted = await http(sb.url, 'POST', '/v1/leads', { email: 'max@firma.de', attributes: { country: 'DE' } });
    const lead = await eventually(async () => {
      const l = (await http(sb.url, 'GET', `/v1/leads/${posted.body.id}`)).body;
      return l.state === 'assigned' && l;
    });
    expect((await http(sb.url, 'GET', `/v1/reps/${lead.ownerId}`)).body.email).toBe('sarah@example.com');
    await page.reload();
    await page.getByText('DACH to Sarah').first().waitFor();
    expect(browserErrors).toEqual([]);
  });
});
