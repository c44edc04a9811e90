import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, hasChromium, launchChromium } from '../support/console-browser.ts';
import { eventually, http, type ReceivedMail, startTestSmtpServer, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// The hosted booking page (/book/:token), served by the API from the console's build and
// driven in Chromium as an anonymous prospect in New York: pick a slot, confirm, see the
// confirmation; the lead's SLA stops and the invites reach the local SMTP server. Then a move
// and a cancellation through the page, a slot taken by someone else meanwhile, a link whose
// lead is still being routed, and links that don't work.

if (!hasChromium) {
  console.warn(`\n[switchboard] ${chromiumPath} is missing: the booking page browser test is SKIPPED (apt-get install -y chromium; CI installs it).\n`);
}

const ZONE = 'America/New_York';
const SCREENSHOTS = join(process.cwd(), 'test-output', 'console');
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "Monday 7 December, 10:00–10:30" from the API's own wall-clock times (`2026-12-07T10:00:00-05:00`),
 * as an en-GB browser writes them: read off the strings, not through the page's formatting.
 */
function meetingText(start: string, end: string): string {
  const [year, month, day] = start.slice(0, 10).split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  return `${weekday} ${day} ${MONTHS[month - 1]}, ${start.slice(11, 16)}–${end.slice(11, 16)}`;
}

/** The meeting invites among the mails: each one's recipient, iTIP method and start (epoch ms). */
function invitesIn(mails: ReadonlyArray<ReceivedMail>) {
  return mails.flatMap((mail) =>
    mail.parts
      .filter((part) => part.contentType === 'text/calendar')
      .map((part) => {
        const calendar = new ICAL.Component(ICAL.parse(part.content));
        const event = calendar.getFirstSubcomponent('vevent')!;
        return {
          to: mail.to,
          partMethod: part.method,
          method: String(calendar.getFirstPropertyValue('method')),
          start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(),
        };
      }),
  );
}

describe.skipIf(!hasChromium)('the booking page in a real browser', () => {
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  let sb: TestSwitchboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sarah: { id: string; email: string };
  // What the page asked the server for, and what the browser complained about.
  const requested: string[] = [];
  const browserErrors: string[] = [];

  const leadWithLink = async (email: string) => {
    const { status, body } = await http(sb.url, 'POST', '/v1/leads', { email, team: 'Solo', book: true });
    expect(status, JSON.stringify(body)).toBe(202);
    expect(body.booking?.url).toMatch(new RegExp(`^${sb.url}/book/[\\w-]{40,}$`));
    return { leadId: body.id as string, url: body.booking.url as string, token: body.booking.token as string };
  };
  const leadOf = async (id: string) => (await http(sb.url, 'GET', `/v1/leads/${id}`)).body;
  const assigned = (id: string) => eventually(async () => (await leadOf(id)).state === 'assigned', 10_000, `lead ${id} assigned`);
  const offerOf = async (token: string) => (await http(sb.url, 'GET', `/v1/booking/${token}/slots?tz=${ZONE}`, undefined, { key: null })).body;
  const slotButtons = () => page.getByRole('tabpanel').getByRole('button');
  const confirmation = () => page.getByTestId('booking-confirmation');
  const status = () => page.getByRole('status').filter({ has: page.locator('.banner') });
  const invitesTo = (address: string, method: string) => invitesIn(smtp.mails).filter((invite) => invite.to.includes(address) && invite.method === method);

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    smtp = await startTestSmtpServer();
    sb = await startTestSwitchboard({
      bus: 'in-process',
      env: { SWITCHBOARD_SMTP_URL: smtp.url, SWITCHBOARD_EMAIL_FROM: 'Switchboard <switchboard@acme.io>' },
    });
    const rep = await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah', email: 'sarah@acme.io', timezone: 'Europe/Berlin' });
    expect(rep.status).toBe(201);
    sarah = rep.body;
    const team = await http(sb.url, 'POST', '/v1/teams', {
      name: 'Solo',
      members: [sarah.id],
      booking: { duration: '30m', window: 'P2D', minNotice: '1h' },
      sla: { response: '15m' },
    });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    browser = await launchChromium();
    // A prospect in New York with an en-GB browser, and no account: no cookie, no key.
    context = await browser.newContext({ timezoneId: ZONE, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    page.on('pageerror', (error) => browserErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.destroy();
    await smtp?.close();
  });

  it('serves the page to anyone: index.html for /book/<token>, and the assets it loads, without a key', async () => {
    const { token } = await leadWithLink('anyone@prospect.io');
    const html = await fetch(`${sb.url}/book/${token}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    const assets = [...(await html.text()).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect((await fetch(`${sb.url}${asset}`)).status, asset).toBe(200);
  });

  it('books the first slot in the prospect’s zone: the confirmation, the lead touched with its SLA stopped, an invite to the rep and to the prospect', async () => {
    const { leadId, url, token } = await leadWithLink('first@prospect.io');
    await assigned(leadId);
    expect((await leadOf(leadId)).slaDeadlineAt).not.toBeNull();

    requested.length = 0;
    await page.goto(url);
    await page.getByRole('heading', { name: 'Book a 30-minute meeting with Sarah' }).waitFor();
    expect(await page.getByLabel('Time zone').inputValue()).toBe(ZONE);
    // A prospect's page: no console around it.
    expect(await page.locator('.sidebar, nav').count()).toBe(0);
    const first = slotButtons().first();
    const start = (await first.getAttribute('data-start'))!;
    expect(start).toMatch(/-0[45]:00$/);
    const offered = (await offerOf(token)).slots as Array<{ start: string; end: string }>;
    const slot = offered.find((s) => s.start === start)!;
    expect(slot, `${start} among the API's slots`).toBeDefined();
    expect(await first.innerText()).toBe(start.slice(11, 16));
    await page.screenshot({ path: join(SCREENSHOTS, 'booking-slots.png'), fullPage: true });

    await first.click();
    await page.getByRole('heading', { name: 'Confirm your meeting' }).waitFor();
    expect(await page.locator('.booking-summary').innerText()).toBe(`${meetingText(slot.start, slot.end)} (${ZONE}) with Sarah`);
    await page.getByRole('button', { name: 'Confirm booking' }).click();

    await confirmation().waitFor();
    expect(await confirmation().innerText()).toBe(`Booked: ${meetingText(slot.start, slot.end)} (${ZONE}) with Sarah. An invite is on its way.`);
    expect(await status().innerText()).toBe('Your meeting is booked.');
    await page.screenshot({ path: join(SCREENSHOTS, 'booking-confirmed.png'), fullPage: true });

    const lead = await leadOf(leadId);
    expect(lead.state).toBe('touched');
    expect(lead.slaDeadlineAt).toBeNull();
    expect((await offerOf(token)).booking).toMatchObject({ start: slot.start, end: slot.end, repId: sarah.id, status: 'confirmed' });

    // Each gets an email with a text/calendar REQUEST for the booked time.
    const at = Date.parse(slot.start);
    await eventually(async () => invitesTo(sarah.email, 'REQUEST').length > 0 && invitesTo('first@prospect.io', 'REQUEST').length > 0, 15_000, 'the invites');
    for (const address of [sarah.email, 'first@prospect.io']) {
      const [invite] = invitesTo(address, 'REQUEST');
      expect(invite).toMatchObject({ partMethod: 'REQUEST', start: at });
    }

    // The page never asked who is signed in: the prospect has no session to ask about.
    expect(requested.filter((path) => path.startsWith('/v1/session'))).toEqual([]);
    expect(requested.filter((path) => path.startsWith('/v1/')).every((path) => path.startsWith('/v1/booking/'))).toBe(true);

    // Coming back to the link shows the booking.
    await page.reload();
    await confirmation().waitFor();
    expect(await confirmation().innerText()).toContain(`Booked: ${meetingText(slot.start, slot.end)} (${ZONE}) with Sarah.`);
  });

  it('moves the meeting with Reschedule and calls it off with Cancel', async () => {
    const { leadId, url, token } = await leadWithLink('mover@prospect.io');
    await assigned(leadId);
    await page.goto(url);
    await slotButtons().first().click();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmation().waitFor();
    const before = (await offerOf(token)).booking;

    await page.getByRole('button', { name: 'Reschedule' }).click();
    await page.getByText('Your meeting is booked for').waitFor();
    // The first day's third time, a slot the first booking left free.
    const later = slotButtons().nth(2);
    const start = (await later.getAttribute('data-start'))!;
    expect(start).not.toBe(before.start);
    await later.click();
    await page.getByRole('heading', { name: 'Move your meeting to this time?' }).waitFor();
    await page.getByRole('button', { name: 'Confirm new time' }).click();
    await confirmation().filter({ hasText: 'updated invite' }).waitFor();
    const moved = (await offerOf(token)).booking;
    expect(moved).toMatchObject({ start, repId: sarah.id, status: 'confirmed' });
    expect(moved.bookingId).not.toBe(before.bookingId);
    expect(await confirmation().innerText()).toBe(`Booked: ${meetingText(moved.start, moved.end)} (${ZONE}) with Sarah. An updated invite is on its way.`);
    expect(await status().innerText()).toBe('Your meeting was moved.');
    await eventually(async () => invitesTo('mover@prospect.io', 'REQUEST').some((invite) => invite.start === Date.parse(start)), 15_000, 'the updated invite');

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByRole('heading', { name: 'Meeting cancelled' }).waitFor();
    expect(await page.getByTestId('booking-cancelled').innerText()).toBe(`Your meeting on ${meetingText(moved.start, moved.end)} (${ZONE}) is cancelled. A cancellation is on its way.`);
    expect(await status().innerText()).toBe('Your meeting is cancelled.');
    const events = (await leadOf(leadId)).events as Array<{ type: string; data: { bookingId?: string } }>;
    expect(events.some((e) => e.type === 'lead.booking_cancelled' && e.data.bookingId === moved.bookingId)).toBe(true);
    expect((await offerOf(token)).slots.some((s: { start: string }) => s.start === start)).toBe(true);
    await eventually(async () => invitesTo('mover@prospect.io', 'CANCEL').some((invite) => invite.start === Date.parse(start)), 15_000, 'the cancellation');

    // The link still books: "Book another time" shows the slots again.
    await page.getByRole('button', { name: 'Book another time' }).click();
    await slotButtons().first().waitFor();
  });

  it('says a slot was just taken, and offers the slots still free, when another prospect booked it after the page loaded', async () => {
    const mine = await leadWithLink('slow@prospect.io');
    const theirs = await leadWithLink('quick@prospect.io');
    await assigned(mine.leadId);
    await assigned(theirs.leadId);
    await page.goto(mine.url);
    const button = slotButtons().first();
    const start = (await button.getAttribute('data-start'))!;
    // Another prospect takes it meanwhile.
    expect((await http(sb.url, 'POST', `/v1/booking/${theirs.token}`, { start, timeZone: ZONE }, { key: null })).status).toBe(201);

    await button.click();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await status().filter({ hasText: 'That time was just taken — pick another.' }).waitFor();
    expect(await page.locator(`[data-start="${start}"]`).count()).toBe(0);
    expect(await slotButtons().count()).toBeGreaterThan(0);
    expect((await offerOf(mine.token)).booking).toBeNull();
    await page.screenshot({ path: join(SCREENSHOTS, 'booking-taken.png'), fullPage: true });

    // One of the fresh slots books.
    const next = (await slotButtons().first().getAttribute('data-start'))!;
    await slotButtons().first().click();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmation().waitFor();
    expect((await offerOf(mine.token)).booking).toMatchObject({ start: next, status: 'confirmed' });
  });

  it('writes the times in another zone the prospect picks, and books in it', async () => {
    const { leadId, url, token } = await leadWithLink('traveller@prospect.io');
    await assigned(leadId);
    await page.goto(url);
    await slotButtons().first().waitFor();
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await page.locator('[data-start$="+09:00"]').first().waitFor();
    expect(await page.locator('[data-start$="-05:00"], [data-start$="-04:00"]').count()).toBe(0);
    const start = (await slotButtons().first().getAttribute('data-start'))!;
    expect(await slotButtons().first().innerText()).toBe(start.slice(11, 16));
    await slotButtons().first().click();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmation().waitFor();
    const booked = (await http(sb.url, 'GET', `/v1/booking/${token}/slots?tz=Asia/Tokyo`, undefined, { key: null })).body.booking;
    expect(booked.start).toBe(start);
    expect(await confirmation().innerText()).toBe(`Booked: ${meetingText(booked.start, booked.end)} (Asia/Tokyo) with Sarah. An invite is on its way.`);
  });

  it('in team mode offers the team’s times and names the member the meeting went to', async () => {
    const member = async (name: string) => (await http(sb.url, 'POST', '/v1/reps', { name, email: `${name.toLowerCase()}@acme.io` })).body.id as string;
    const members = [await member('Ana'), await member('Ben')];
    const team = await http(sb.url, 'POST', '/v1/teams', { name: 'Pool', members, booking: { duration: '45m', window: 'P2D', minNotice: '1h', mode: 'team' } });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const { status, body } = await http(sb.url, 'POST', '/v1/leads', { email: 'pooled@prospect.io', team: 'Pool', book: true });
    expect(status).toBe(202);
    await page.goto(body.booking.url);
    await page.getByRole('heading', { name: 'Book a 45-minute meeting with the Pool team' }).waitFor();
    expect(await page.locator('.booking-header .subtitle').innerText()).toBe('You’ll meet Ana or Ben, whoever is free at the time you pick.');
    await slotButtons().first().click();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmation().waitFor();
    expect(await confirmation().innerText()).toMatch(/^Booked: .+ \(America\/New_York\) with Ana\. An invite is on its way\.$/);
  });

  it('shows that the lead is still being routed, and the slots as soon as it has an owner', async () => {
    expect((await http(sb.url, 'PATCH', `/v1/reps/${sarah.id}`, { available: false })).status).toBe(200);
    const { leadId, url } = await leadWithLink('early@prospect.io');
    await page.goto(url);
    await page.getByText('The lead is still being routed to a rep; slots appear in a moment.').waitFor();
    expect(await slotButtons().count()).toBe(0);
    expect((await leadOf(leadId)).ownerId).toBeNull();

    expect((await http(sb.url, 'PATCH', `/v1/reps/${sarah.id}`, { available: true })).status).toBe(200);
    await assigned(leadId);
    // The page asks again every 2 s: the slots appear without a reload.
    await slotButtons().first().waitFor({ timeout: 6_000 });
    await page.getByRole('heading', { name: 'Book a 30-minute meeting with Sarah' }).waitFor();
  });

  it('says clearly when a link does not exist, and when its lead is closed', async () => {
    await page.goto(`${sb.url}/book/${'x'.repeat(43)}`);
    await page.getByRole('heading', { name: 'This booking link doesn’t exist' }).waitFor();

    const { leadId, url } = await leadWithLink('closed@prospect.io');
    await assigned(leadId);
    expect((await http(sb.url, 'POST', `/v1/leads/${leadId}/close`, { outcome: 'lost' })).status).toBeLessThan(300);
    await page.goto(url);
    await page.getByRole('heading', { name: 'This booking link no longer works' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/This lead is closed: there is nothing left to book\.[\s\S]*Ask the person who sent it to you for a new link\./);
    // The page answered 404 and 410 from the API; nothing else went wrong in the browser.
    expect(browserErrors.filter((text) => !/status of 40[14]|status of 410|status of 409/.test(text))).toEqual([]);
  });
});
