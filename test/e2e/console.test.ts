import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { eventually, http, startTestSwitchboard, type TestSwitchboard, bearer, TEST_ADMIN_KEY } from '../support/index.ts';

// The web console, served by the API at /, driven in Debian's Chromium against the real
// service on real PostgreSQL. Screenshots of each page land in test-output/console/.

if (!hasChromium) {
  console.warn(`\n[switchboard] ${chromiumPath} is missing: the web console browser test is SKIPPED (apt-get install -y chromium; CI installs it).\n`);
}

const SCREENSHOTS = join(process.cwd(), 'test-output', 'console');

describe.skipIf(!hasChromium)('the web console in a real browser', () => {
  let sb: TestSwitchboard;
  let browser: Browser;
  let page: Page;
  // What the browser said about the page: a Content-Security-Policy violation is a console error.
  const browserErrors: string[] = [];
  const reps: Record<'sarah' | 'li' | 'tom', string> = { sarah: '', li: '', tom: '' };
  const leadIds: string[] = [];

  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const repRow = (id: string) => page.locator(`tr[data-rep-id="${id}"]`);
  const loadOf = (id: string) => repRow(id).locator('.load-text').innerText();
  const stateOf = (id: string) => repRow(id).getAttribute('data-state');
  const postLead = async (lead: Record<string, unknown>) => {
    const posted = await http(sb.url, 'POST', '/v1/leads', lead);
    expect(posted.status).toBe(202);
    leadIds.push(posted.body.id);
    return posted.body.id as string;
  };
  const assigned = (id: string) =>
    eventually(async () => {
      const lead = (await http(sb.url, 'GET', `/v1/leads/${id}`)).body;
      return lead.state === 'assigned' && lead;
    });

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const create = async (body: Record<string, unknown>) => {
      const answer = await http(sb.url, 'POST', '/v1/reps', body);
      expect(answer.status).toBe(201);
      return answer.body.id as string;
    };
    reps.sarah = await create({ name: 'Sarah Chen', email: 'sarah@example.com', cap: 3, weight: 2, tags: ['german', 'enterprise:3'], timezone: 'Europe/Berlin' });
    reps.li = await create({ name: 'Li Wei', email: 'li@example.com', cap: 5, tags: ['english'] });
    // Not in the team: a rep with working hours, so the board has a next shift change to show.
    reps.tom = await create({
      name: 'Tom Berg',
      email: 'tom@example.com',
      timezone: 'Europe/Berlin',
      cap: 10,
      workingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [{ from: '09:00', to: '17:00' }]])),
    });
    const team = await http(sb.url, 'POST', '/v1/teams', { name: 'EMEA', members: [reps.sarah, reps.li], sla: { response: 'PT30M' } });
    expect(team.status).toBe(201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await sb?.destroy();
  });

  it('asks for an API key, names what is wrong with a bad one, and signs in with a good one', async () => {
    await page.goto(sb.url);
    await page.getByLabel('API key').waitFor();
    expect(await page.title()).toBe('Sign in · Switchboard');
    await page.getByLabel('API key').fill('sbk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not one Switchboard issued' }).waitFor();
    await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await repRow(reps.sarah).waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sb_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.locator('.signed-in').innerText()).toContain('SWITCHBOARD_ADMIN_KEY · admin');
  });

  it('shows every rep on the board, and their load rising as leads are assigned', async () => {
    await page.goto(sb.url);
    await repRow(reps.sarah).waitFor();
    expect(await page.locator('h1').innerText()).toBe('Rep board');
    expect(await loadOf(reps.sarah)).toBe('0 / 3');
    expect(await loadOf(reps.li)).toBe('0 / 5');
    expect(await repRow(reps.sarah).innerText()).toContain('enterprise:3');
    // Tom works office hours: the board says when his shift next changes.
    const tom = (await http(sb.url, 'GET', `/v1/reps/${reps.tom}`)).body;
    expect(Date.parse(tom.nextShiftChangeAt)).toBeGreaterThan(Date.now());
    expect(await repRow(reps.tom).innerText()).toMatch(/\((in|just now)/);

    await postLead({ email: 'ana@acme.io', firstName: 'Ana', lastName: 'Lopez', company: 'Acme GmbH', attributes: { country: 'DE', score: 87 } });
    await postLead({ email: 'ben@globex.com', firstName: 'Ben', company: 'Globex' });
    await Promise.all(leadIds.map(assigned));
    // Round robin: one each. The board polls every 2 s; no reload.
    await expect.poll(() => loadOf(reps.sarah), { timeout: 10_000 }).toBe('1 / 3');
    await expect.poll(() => loadOf(reps.li), { timeout: 10_000 }).toBe('1 / 5');
    expect(await page.locator('.stat-tile', { hasText: 'Active leads' }).locator('.stat-value').innerText()).toBe('2');
    await shoot('rep-board');
  });

  it('lists the leads with their owners, and opens a lead with its timeline, SLA clock and why', async () => {
    await page.getByRole('link', { name: 'Leads' }).click();
    await page.locator('tr[data-lead-id]').first().waitFor();
    expect(await page.locator('tr[data-lead-id]').count()).toBe(2);
    // The rows come before the reps' names (a second request): until then an owner shows as its id.
    await expect.poll(() => page.locator('.lead-table').innerText(), { timeout: 10_000 }).toContain('Sarah Chen');
    const table = await page.locator('.lead-table').innerText();
    expect(table).toContain('Ana Lopez');
    expect(table).toContain('Sarah Chen');
    expect(table).toContain('Li Wei');
    await shoot('leads');

    // Filter by owner on the server, then search in the page.
    await page.getByLabel('Owner').selectOption({ label: 'Sarah Chen' });
    await expect.poll(() => page.locator('tr[data-lead-id]').count()).toBe(1);
    await page.getByLabel('Owner').selectOption({ label: 'Anyone' });
    await expect.poll(() => page.locator('tr[data-lead-id]').count()).toBe(2);
    await page.getByLabel('Search').fill('globex');
    await expect.poll(() => page.locator('tr[data-lead-id]').count()).toBe(1);
    await page.getByLabel('Search').fill('');

    const ana = leadIds[0]!;
    const lead = (await http(sb.url, 'GET', `/v1/leads/${ana}`)).body;
    const ownerName = lead.ownerId === reps.sarah ? 'Sarah Chen' : 'Li Wei';
    await page.locator(`tr[data-lead-id="${ana}"]`).click();
    await page.getByRole('heading', { name: 'Why it went there' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/leads/${ana}`);
    await expect.poll(() => page.getByTestId('lead-owner').innerText()).toBe(ownerName);
    const decision = (await http(sb.url, 'GET', `/v1/leads/${ana}/decision`)).body;
    await expect.poll(() => page.locator('.decision-summary').innerText()).toBe(decision.summary);
    const candidates = await page.locator('.candidates-table').innerText();
    expect(candidates).toContain('Sarah Chen');
    expect(candidates).toContain('Li Wei');
    expect(candidates).toMatch(/chosen/i);
    const timeline = await page.locator('.timeline').innerText();
    expect(timeline).toMatch(/received[\s\S]*routing[\s\S]*assigned/i);
    // A 30-minute response SLA is counting down.
    expect(await page.locator('.countdown-clock').innerText()).toMatch(/^(29|30):\d\d$/);
    await shoot('lead');

    // A deep link (the API answers index.html for console paths) opens the same page.
    await page.goto(`${sb.url}/leads/${ana}`);
    await page.getByRole('heading', { name: 'Why it went there' }).waitFor();
  });

  it('takes a rep out of rotation from the board, and the next lead goes to the other rep', async () => {
    await page.getByRole('link', { name: 'Rep board' }).click();
    await repRow(reps.sarah).waitFor();
    expect(await stateOf(reps.sarah)).toBe('available');
    await repRow(reps.sarah).getByRole('button', { name: 'Set away' }).click();
    await expect.poll(() => stateOf(reps.sarah), { timeout: 10_000 }).toBe('away');
    expect((await http(sb.url, 'GET', `/v1/reps/${reps.sarah}`)).body).toMatchObject({ available: false, state: 'away' });
    expect(await repRow(reps.sarah).getByRole('button').innerText()).toBe('Set available');

    const third = await postLead({ email: 'cleo@initech.io', company: 'Initech' });
    expect((await assigned(third)).ownerId).toBe(reps.li);
    await expect.poll(() => loadOf(reps.li), { timeout: 10_000 }).toBe('2 / 5');
    await shoot('rep-board-away');

    await repRow(reps.sarah).getByRole('button', { name: 'Set available' }).click();
    await expect.poll(() => stateOf(reps.sarah), { timeout: 10_000 }).toBe('available');
  });

  it('shows the routing configuration, its history and the diff between two versions', async () => {
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByText('No routing configuration applied yet').waitFor();

    const apply = async (strategy: string, comment: string) => {
      const config = { teams: [{ name: 'EMEA', members: ['sarah@example.com', 'li@example.com'], strategy, sla: { response: 'PT30M' } }] };
      const response = await fetch(`${sb.url}/v1/config?comment=${encodeURIComponent(comment)}`, {
        method: 'PUT',
        headers: { ...bearer(), 'content-type': 'application/json', 'sb-author': 'e2e' },
        body: JSON.stringify(config),
      });
      expect(response.status, await response.clone().text()).toBe(200);
    };
    await apply('round_robin', 'first rules');
    await apply('weighted_round_robin', 'weights count');
    await page.reload();
    await page.getByRole('heading', { name: /Current: version 2/ }).waitFor();
    expect(await page.locator('.versions-table tbody tr').count()).toBe(2);
    expect(await page.locator('.versions-table').innerText()).toContain('weights count');
    await page.locator('.diff-add').first().waitFor();
    expect(await page.locator('.diff').innerText()).toMatch(/-.*round_robin[\s\S]*\+.*weighted_round_robin/);
    await shoot('config');
  });

  it('shows the fairness and SLA reports for a period', async () => {
    // One touched lead, so that the SLA report has a time to first touch to draw.
    const touched = await http(sb.url, 'POST', `/v1/leads/${leadIds[0]}/touches`, { type: 'call' });
    expect(touched.status).toBe(200);

    await page.getByRole('link', { name: 'Fairness' }).click();
    await page.locator('.bar-chart').waitFor();
    expect(await page.locator('.table').innerText()).toContain('Li Wei');
    // One team by default (the default team): mixing teams compares reps with different rotations.
    expect(await page.getByLabel('Team').evaluate((select) => (select as unknown as { selectedOptions: ArrayLike<{ textContent: string | null }> }).selectedOptions[0]?.textContent)).toBe('EMEA');
    expect(await page.getByTestId('fairness-verdict').innerText()).toMatch(/Assignments (are consistent with|depart from) the weights/);
    // Three leads are far too few for the chi-square test, and the page says so.
    await page.getByTestId('fairness-low-counts').waitFor();
    await shoot('fairness');

    await page.getByRole('link', { name: 'SLA' }).click();
    await page.locator('.bar-chart').first().waitFor();
    expect(await page.locator('.table').innerText()).toMatch(/EMEA\s+3\s+1\s+0/);
    await shoot('sla');
  });

  it('keeps the API’s own answers: JSON 404 under /v1, docs, and a 404 for a missing asset', async () => {
    const missing = await http(sb.url, 'GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    expect((await fetch(`${sb.url}/openapi.json`, { headers: bearer() })).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${sb.url}/assets/gone-1234.js`)).status).toBe(404);
    const index = await fetch(`${sb.url}/sla`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
  });

  it('works within its Content-Security-Policy on every page, and so does the API explorer at /docs', async () => {
    expect((await fetch(sb.url)).headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    await page.goto(`${sb.url}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Switchboard API' }).waitFor();
    await page.locator('.opblock').first().click();
    await page.locator('.opblock-body').first().waitFor();
    await shoot('docs');
    // Every page above was visited in this browser: none may have been refused anything (but the wrong key at sign-in).
    expect(browserErrors.filter((e) => !e.includes('status of 401'))).toEqual([]);
  });

  it('follows the role: a viewer sees the board without switches, and signing out asks for a key again', async () => {
    const viewer = (await http(sb.url, 'POST', '/v1/keys', { name: 'Wall screen', role: 'viewer' })).body.key as string;
    await page.goto(sb.url);
    await repRow(reps.li).waitFor();
    expect(await repRow(reps.li).locator('button').count()).toBe(1);
    // An admin reads the audit log: the key just made, by whom.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('tr[data-audit-id]', { hasText: 'POST /v1/keys' }).first().waitFor();
    expect(await page.locator('tr[data-audit-id]', { hasText: 'POST /v1/keys' }).first().innerText()).toContain('SWITCHBOARD_ADMIN_KEY');
    await shoot('audit-log');
    await page.getByRole('link', { name: 'Rep board' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'sb_session')).toBeUndefined();
    await page.getByLabel('API key').fill(viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await repRow(reps.li).waitFor();
    expect(await page.locator('.signed-in').innerText()).toContain('Wall screen · viewer');
    expect(await repRow(reps.li).locator('button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await shoot('rep-board-viewer');
    // Revoking the key ends its session: the next poll of the board asks for a key.
    const keyId = ((await http(sb.url, 'GET', '/v1/keys')).body.items as Array<{ id: string; name: string }>).find((k) => k.name === 'Wall screen')!.id;
    await http(sb.url, 'DELETE', `/v1/keys/${keyId}`);
    await page.getByLabel('API key').waitFor({ timeout: 10_000 });
    expect(browserErrors.filter((e) => !e.includes('status of 401'))).toEqual([]);
  });
});
