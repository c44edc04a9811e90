import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { bearer, http, startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/index.ts';

// The configuration page's editor, in Debian's Chromium against the real service: a document
// with several mistakes gets all of them listed with their lines, and changes nothing.

if (!hasChromium) {
  console.warn(`\n[switchboard] ${chromiumPath} is missing: the configuration editor browser test is SKIPPED (apt-get install -y chromium; CI installs it).\n`);
}

const GOOD = `teams:
  - name: EMEA
    members: [sarah@example.com, li@example.com]
rules:
  - name: Everyone
    route: { team: EMEA }
`;

// Four mistakes: an unknown rep (line 3), a bad strategy (4), a team nobody defines (7), an unknown field (8).
const BROKEN = `teams:
  - name: EMEA
    members: [sarah@example.com, zoe@example.com]
    strategy: fastest
rules:
  - name: Everyone
    route: { team: APAC }
    colour: blue
`;

describe.skipIf(!hasChromium)('the configuration editor in a real browser', () => {
  let sb: TestSwitchboard;
  let browser: Browser;
  let page: Page;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sb = await startTestSwitchboard({ bus: 'in-process' });
    for (const [name, email] of [['Sarah Chen', 'sarah@example.com'], ['Li Wei', 'li@example.com']]) {
      expect((await http(sb.url, 'POST', '/v1/reps', { name, email })).status).toBe(201);
    }
    const applied = await fetch(`${sb.url}/v1/config`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/yaml' }, body: GOOD });
    expect(applied.status, await applied.clone().text()).toBe(200);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (message) => {
      // The 401 before signing in and the 400s of the broken document are expected answers; anything else (a CSP violation, say) is not.
      if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 40[01]\b/.test(message.text())) {
        browserErrors.push(`${page.url()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await sb?.destroy();
  });

  it('lists every problem of a broken document with its line and column, marks the lines, and applies nothing', async () => {
    await page.goto(sb.url);
    await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('heading', { name: /Current: version 1/ }).waitFor();

    const editor = page.getByLabel('Configuration document');
    expect(await editor.inputValue()).toBe(GOOD);
    await editor.fill(BROKEN);
    await page.getByRole('button', { name: 'Check' }).click();
    const problems = page.getByRole('list', { name: 'Problems' });
    await problems.waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('4 problems; nothing was changed.');
    expect(await problems.locator('li').allInnerTexts()).toEqual([
      'line 3:34 teams[0].members[1] no rep with email or id "zoe@example.com"; create it first with POST /v1/reps or switchboard reps add',
      expect.stringMatching(/^line 4:15 teams\[0\]\.strategy unknown strategy "fastest"/),
      'line 7:20 rules[0].route.team no team named "APAC" in teams',
      'line 8:5 rules[0].colour unknown field "colour"',
    ]);
    expect(await page.locator('.gutter-line.faulty').allInnerTexts()).toEqual(['3', '4', '7', '8']);
    mkdirSync(join(process.cwd(), 'test-output', 'console'), { recursive: true });
    await page.screenshot({ path: join(process.cwd(), 'test-output', 'console', 'config-editor.png'), fullPage: true });

    // Choosing a problem selects its line in the text.
    await problems.getByRole('button', { name: 'line 7:20' }).click();
    // The test runs in Node, whose types know no DOM: the textarea is described by what is read of it.
    const selected = await editor.evaluate((element) => {
      const area = element as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return area.value.slice(area.selectionStart, area.selectionEnd);
    });
    expect(selected).toBe('    route: { team: APAC }');

    // Applying it is refused the same way, and the version in force stays.
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('alert').filter({ hasText: '4 problems' }).waitFor();
    expect((await http(sb.url, 'GET', '/v1/config')).body).toMatchObject({ version: 1, source: GOOD });

    // Fixed, it applies as the next version.
    await editor.fill(BROKEN.replace('zoe@', 'li@').replace('fastest', 'round_robin').replace('APAC', 'EMEA').replace('    colour: blue\n', ''));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'Applied version 2: 1 team(s), 0 territories, 1 rule(s).' }).waitFor();
    await page.getByRole('heading', { name: /Current: version 2/ }).waitFor();
    expect(browserErrors).toEqual([]);
  });
});
