import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { createTeamOfReps, eventually, http, icsWithMeetings, startTestCalendarFeed, startTestSwitchboard, TEST_ADMIN_KEY, type TestCalendarFeed, type TestSwitchboard } from '../support/index.ts';

// The rep board knows meetings: a rep in one is "busy" until its end, and a calendar that stopped
// working is said on the rep, not silently ignored.

if (!hasChromium) {
  console.warn(`\n[switchboard] ${chromiumPath} is missing: the console's calendar browser test is SKIPPED (apt-get install -y chromium; CI installs it).\n`);
}

describe.skipIf(!hasChromium)('the rep board and calendars', () => {
  let sb: TestSwitchboard;
  let feed: TestCalendarFeed;
  let browser: Browser;
  let page: Page;
  let sarah: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    const now = Math.floor(Date.now() / 1000) * 1000;
    feed = await startTestCalendarFeed(icsWithMeetings([[now - 60_000, now + 45 * 60_000]]));
    sb = await startTestSwitchboard({ bus: 'in-process', env: { SWITCHBOARD_CALENDAR_POLL_INTERVAL: '1s' } });
    sarah = (await createTeamOfReps(sb.url, { count: 2 })).repIds[0] as string;
    expect((await http(sb.url, 'PATCH', `/v1/reps/${sarah}`, { calendars: [{ ics: feed.url }] })).body.state).toBe('busy');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(sb.url);
    await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.signed-in').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.destroy();
    await feed?.close();
  });

  it('shows a rep in a meeting as busy until its end, and counts it', async () => {
    const row = page.locator(`tr[data-rep-id="${sarah}"]`);
    await row.and(page.locator('[data-state="busy"]')).waitFor();
    expect(await row.innerText()).toMatch(/busy[\s\S]*in a meeting until/i);
    expect(await page.locator('.stat-tile', { hasText: 'In a meeting' }).innerText()).toMatch(/In a meeting\s*1\b/i);
  });

  it('says on the rep when its calendar stops working', async () => {
    feed.set('', 404);
    const warning = page.locator(`tr[data-rep-id="${sarah}"] .calendar-warning`);
    await eventually(async () => (await warning.count()) > 0, 15_000, 'the warning on the board');
    expect(await warning.innerText()).toMatch(/Calendar failing since .*404/);
  });
});
