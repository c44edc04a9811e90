import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { freePort, http, startTestIdentityProvider, startTestSwitchboard, type TestIdentityProvider, type TestSwitchboard } from '../support/index.ts';

// The console's single sign-on, in Chromium, against a local OpenID Connect provider
// (oidc-provider): the groups or email the provider gives map to a role.

describe.skipIf(!hasChromium)('console sign-in with single sign-on', () => {
  let idp: TestIdentityProvider;
  let sb: TestSwitchboard;
  let browser: Browser;
  let page: Page;
  let sarah: string;
  let li: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    const port = await freePort();
    const redirectUrl = `http://127.0.0.1:${port}/v1/session/oidc/callback`;
    idp = await startTestIdentityProvider({ redirectUrl, groups: { 'ana@revops.test': ['revops', 'everyone'], 'olga@ops.test': ['sales-ops'] } });
    sb = await startTestSwitchboard({
      bus: 'in-process',
      env: {
        PORT: String(port),
        SWITCHBOARD_OIDC_ISSUER: idp.issuer,
        SWITCHBOARD_OIDC_CLIENT_ID: idp.clientId,
        SWITCHBOARD_OIDC_CLIENT_SECRET: idp.clientSecret,
        SWITCHBOARD_OIDC_REDIRECT_URL: redirectUrl,
        SWITCHBOARD_OIDC_SCOPES: 'openid email groups',
        SWITCHBOARD_OIDC_NAME: 'Test IdP',
        SWITCHBOARD_OIDC_ROLES: JSON.stringify([
          { group: 'revops', role: 'admin' },
          { group: 'sales-ops', role: 'operator' },
          { email: 'sarah@example.com', role: 'rep' },
          { domain: 'viewers.test', role: 'viewer' },
        ]),
      },
    });
    sarah = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@example.com' })).body.id;
    li = (await http(sb.url, 'POST', '/v1/reps', { name: 'Li Wei', email: 'li@example.com' })).body.id;
    await http(sb.url, 'POST', '/v1/teams', { name: 'EMEA', members: [sarah, li] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.destroy();
    await idp?.stop();
  });

  /** Signs in through the provider as `email`, in a fresh browser context. */
  async function signInAs(email: string): Promise<void> {
    await page?.context().close();
    page = await (await browser.newContext()).newPage();
    await page.goto(sb.url);
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await page.locator('input[name="login"]').fill(email);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  it('signs an admin in by group, with a session cookie, and the audit log names them', async () => {
    await signInAs('ana@revops.test');
    await page.locator(`tr[data-rep-id="${sarah}"]`).waitFor();
    expect(await page.locator('.signed-in').innerText()).toContain('ana@revops.test · admin');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sb_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The session is a credential for the API too: a change made with it is Ana's.
    const answer = await page.evaluate(async (id) => (await fetch(`/v1/reps/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cap: 7 }) })).status, li);
    expect(answer).toBe(200);
    expect((await http(sb.url, 'GET', `/v1/audit?target=${li}`)).body.items[0]).toMatchObject({ actor: 'ana@revops.test', actorRole: 'admin' });
  });

  it('gives an operator by group, a rep by email (its own switch only) and a viewer by domain what their roles allow', async () => {
    await signInAs('olga@ops.test');
    await page.locator(`tr[data-rep-id="${sarah}"]`).waitFor();
    expect(await page.locator('.signed-in').innerText()).toContain('olga@ops.test · operator');
    expect(await page.locator(`tr[data-rep-id="${li}"] button`).count()).toBe(1);

    await signInAs('sarah@example.com');
    await page.locator(`tr[data-rep-id="${sarah}"]`).waitFor();
    expect(await page.locator('.signed-in').innerText()).toContain('sarah@example.com · rep');
    expect(await page.locator(`tr[data-rep-id="${sarah}"] button`).count()).toBe(1);
    expect(await page.locator(`tr[data-rep-id="${li}"] button`).count()).toBe(0);

    await signInAs('vic@viewers.test');
    await page.locator(`tr[data-rep-id="${sarah}"]`).waitFor();
    expect(await page.locator('.signed-in').innerText()).toContain('vic@viewers.test · viewer');
    expect(await page.locator('tr[data-rep-id] button').count()).toBe(0);
  });

  it('refuses someone the rules give no role, saying why, and opens no session', async () => {
    await signInAs('mallory@elsewhere.test');
    await page.getByRole('alert').filter({ hasText: 'mallory@elsewhere.test has no role in Switchboard' }).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'sb_session')).toBeUndefined();
  });

  it('refuses a callback that no sign-in started (a forged or replayed answer)', async () => {
    const answer = await fetch(`${sb.url}/v1/session/oidc/callback?code=forged&state=forged`, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(decodeURIComponent(answer.headers.get('location') ?? '')).toContain('the sign-in took too long or was started elsewhere');
    expect(answer.headers.get('set-cookie') ?? '').not.toContain('sb_session=');
  });
});
