import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { CalendarFeedError, CalendarProblem, fetchIcsFeed, isPrivateAddress, parseIcsBusy } from '../src/index.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

const at = (iso: string) => Date.parse(iso);
const block = (start: string, end: string) => ({ start: at(start), end: at(end) });
const crlf = (lines: ReadonlyArray<string>) => `${lines.join('\r\n')}\r\n`;

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/**
 * A rep's calendar around the 2027 change to summer time in Berlin (Sunday 28 March):
 * - a weekly Monday 10:00–11:00 Europe/Berlin meeting from 8 March, without 22 March (EXDATE),
 *   and the 5 April one moved to Tuesday 6 April 14:00–15:00 (RECURRENCE-ID);
 * - an all-day out-of-office on 31 March and 1 April;
 * - an event shown as free, a cancelled one and a to-do, none of which is busy time.
 */
const FEED = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example Corp//Calendar 1.0//EN',
  'CALSCALE:GREGORIAN',
  ...BERLIN,
  'BEGIN:VEVENT',
  'UID:pipeline-review@example.com',
  'DTSTAMP:20270301T120000Z',
  'SUMMARY:Pipeline review',
  'DTSTART;TZID=Europe/Berlin:20270308T100000',
  'DTEND;TZID=Europe/Berlin:20270308T110000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO',
  'EXDATE;TZID=Europe/Berlin:20270322T100000',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:pipeline-review@example.com',
  'DTSTAMP:20270301T120000Z',
  'SUMMARY:Pipeline review (moved)',
  'RECURRENCE-ID;TZID=Europe/Berlin:20270405T100000',
  'DTSTART;TZID=Europe/Berlin:20270406T140000',
  'DTEND;TZID=Europe/Berlin:20270406T150000',
  'SEQUENCE:1',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:ooo@example.com',
  'DTSTAMP:20270301T120000Z',
  'SUMMARY:Out of office',
  'DTSTART;VALUE=DATE:20270331',
  'DTEND;VALUE=DATE:20270402',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:lunch@example.com',
  'DTSTAMP:20270301T120000Z',
  'SUMMARY:Lunch (shown as free)',
  'DTSTART:20270316T110000Z',
  'DTEND:20270316T120000Z',
  'TRANSP:TRANSPARENT',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:called-off@example.com',
  'DTSTAMP:20270301T120000Z',
  'SUMMARY:Called off',
  'DTSTART:20270317T130000Z',
  'DTEND:20270317T140000Z',
  'STATUS:CANCELLED',
  'END:VEVENT',
  'BEGIN:VTODO',
  'UID:todo@example.com',
  'DTSTAMP:20270301T120000Z',
  'SUMMARY:Send the quote',
  'DTSTART:20270318T090000Z',
  'DUE:20270318T170000Z',
  'END:VTODO',
  'END:VCALENDAR',
]);

const ETAG = '"feed-v1"';

/** The test servers run on this machine: local addresses are allowed here (refusing them is tested below). */
const LOCAL = { allowPrivateAddresses: true } as const;

describe('an iCalendar feed served over HTTP', () => {
  let server: RecordingServer;
  let answer: { status: number; headers: Record<string, string>; body: string } | null = null;

  beforeAll(async () => {
    server = await startRecordingServer((request, response) => {
      if (answer) {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      } else if (request.path === '/old-address.ics') {
        response.writeHead(302, { location: '/calendar.ics' }).end();
      } else if (request.path !== '/calendar.ics') {
        response.writeHead(404).end('no such calendar');
      } else if (request.headers['if-none-match'] === ETAG) {
        response.writeHead(304, { etag: ETAG }).end();
      } else {
        response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag: ETAG, 'last-modified': 'Mon, 01 Mar 2027 12:00:00 GMT' }).end(FEED);
      }
    });
  });
  afterAll(() => server.close());

  const serve = (status: number, body: string, headers: Record<string, string> = {}) => {
    answer = { status, headers, body };
  };
  const serveFeed = () => {
    answer = null;
  };

  it('reads the busy time of a recurring meeting across the change to summer time, with its exceptions, and an all-day absence', async () => {
    serveFeed();
    const feed = await fetchIcsFeed(`${server.base}/calendar.ics`, LOCAL);
    expect(feed).toMatchObject({ kind: 'changed', etag: ETAG, lastModified: 'Mon, 01 Mar 2027 12:00:00 GMT' });
    if (feed.kind !== 'changed') throw new Error('expected the feed text');

    const busy = parseIcsBusy(feed.text, { from: at('2027-03-15T00:00:00Z'), until: at('2027-04-12T00:00:00Z'), timezone: 'Europe/Berlin' });

    expect(busy).toEqual([
      // 10:00 CET is 09:00 UTC ...
      block('2027-03-15T09:00:00Z', '2027-03-15T10:00:00Z'),
      // ... 22 March is excluded; after 28 March 10:00 CEST is 08:00 UTC.
      block('2027-03-29T08:00:00Z', '2027-03-29T09:00:00Z'),
      // 31 March and 1 April, midnight to midnight in Berlin (CEST).
      block('2027-03-30T22:00:00Z', '2027-04-01T22:00:00Z'),
      // The 5 April meeting moved to Tuesday 14:00 CEST; nothing is left on Monday.
      block('2027-04-06T12:00:00Z', '2027-04-06T13:00:00Z'),
      // 12 April 08:00 UTC is past the window.
    ]);
  });

  it('answers unchanged when the feed still has the ETag the reader holds, and sends it as If-None-Match', async () => {
    serveFeed();
    const first = await fetchIcsFeed(`${server.base}/calendar.ics`, LOCAL);
    if (first.kind !== 'changed') throw new Error('expected the feed text');
    const before = server.requests.length;

    const second = await fetchIcsFeed(`${server.base}/calendar.ics`, { allowPrivateAddresses: true, etag: first.etag, lastModified: first.lastModified });

    expect(second).toEqual({ kind: 'unchanged' });
    const request = server.requests[before]!;
    expect(request.headers['if-none-match']).toBe(ETAG);
    expect(request.headers['if-modified-since']).toBe('Mon, 01 Mar 2027 12:00:00 GMT');
    expect(server.requests[before - 1]!.headers['if-none-match']).toBeUndefined();
  });

  it('follows a redirect to the feed', async () => {
    serveFeed();
    const feed = await fetchIcsFeed(`${server.base}/old-address.ics`, LOCAL);
    expect(feed).toMatchObject({ kind: 'changed', etag: ETAG });
    expect(server.requests.slice(-2).map((r) => r.path)).toEqual(['/old-address.ics', '/calendar.ics']);
  });

  it('says the feed answered 404 and to check the secret address, without repeating the address', async () => {
    serveFeed();
    const error = await fetchIcsFeed(`${server.base}/secret-token-123/basic.ics`, LOCAL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalendarFeedError);
    expect(error).toMatchObject({ name: 'CalendarFeedError', problem: CalendarProblem.HttpStatus, status: 404, transient: false });
    expect((error as Error).message).toBe(`the calendar feed at ${new URL(server.base).host} answered 404 Not Found: check the secret address (resetting it in the calendar makes the old one answer 404)`);
    expect((error as Error).message).not.toContain('secret-token-123');
  });

  it('marks a 503 as worth retrying', async () => {
    serve(503, 'maintenance');
    const error = await fetchIcsFeed(`${server.base}/calendar.ics`, LOCAL).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CalendarFeedError', status: 503, transient: true });
    expect((error as Error).message).toMatch(/answered 503 Service Unavailable: the calendar provider has a problem; try again later$/);
  });

  it('says an HTML page is not an iCalendar file', async () => {
    serve(200, '<!DOCTYPE html>\n<html><body>Sign in</body></html>', { 'content-type': 'text/html' });
    const error = await fetchIcsFeed(`${server.base}/calendar.ics`, LOCAL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalendarFeedError);
    expect(error).toMatchObject({ problem: CalendarProblem.NotICalendar });
    expect((error as Error).message).toBe(
      `the calendar feed at ${new URL(server.base).host} is not an iCalendar file: it is an HTML page (expected BEGIN:VCALENDAR); is the address the calendar's iCal/ICS link?`,
    );
  });

  it('refuses a feed larger than the limit by its Content-Length, and one that turns out larger while it is read', async () => {
    const big = `BEGIN:VCALENDAR\r\n${'X-FILLER:0123456789\r\n'.repeat(300)}END:VCALENDAR\r\n`;
    serve(200, big, { 'content-type': 'text/calendar', 'content-length': String(Buffer.byteLength(big)) });
    const declared = await fetchIcsFeed(`${server.base}/calendar.ics`, { allowPrivateAddresses: true, maxBytes: 2048 }).catch((e: unknown) => e);
    expect(declared).toMatchObject({ name: 'CalendarFeedError', problem: CalendarProblem.TooLarge });
    expect((declared as Error).message).toBe(`the calendar feed at ${new URL(server.base).host} is 6.2 KB, more than the 2 KB limit`);

    // Without Content-Length (chunked), the reader counts as it goes.
    const chunked = await startRecordingServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/calendar' });
      response.write('BEGIN:VCALENDAR\r\n');
      for (let i = 0; i < 300; i++) response.write('X-FILLER:0123456789\r\n');
      response.end('END:VCALENDAR\r\n');
    });
    try {
      const counted = await fetchIcsFeed(`${chunked.base}/calendar.ics`, { allowPrivateAddresses: true, maxBytes: 2048 }).catch((e: unknown) => e);
      expect(counted).toMatchObject({ name: 'CalendarFeedError', problem: CalendarProblem.TooLarge });
      expect((counted as Error).message).toBe(`the calendar feed at ${new URL(chunked.base).host} is more than the 2 KB limit`);
    } finally {
      await chunked.close();
    }
  });
});

describe('fetching a feed that does not answer properly', () => {
  it('gives up after the timeout and says so', async () => {
    const silent = await startRecordingServer(() => {
      // Never answers.
    });
    try {
      const started = Date.now();
      const error = await fetchIcsFeed(`${silent.base}/calendar.ics`, { allowPrivateAddresses: true, timeoutMs: 300 }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toMatchObject({ name: 'CalendarFeedError', problem: CalendarProblem.Timeout, transient: true });
      expect((error as Error).message).toBe(`the calendar feed at ${new URL(silent.base).host} timed out after 0.3 s`);
    } finally {
      await silent.close();
    }
  });

  it('reads a webcal:// address over https', async () => {
    // A bare TCP server: what arrives first shows whether the client spoke TLS (a handshake
    // record starts with byte 0x16) or plain HTTP ("GET ...").
    const firstBytes: Buffer[] = [];
    const sockets = new Set<Socket>();
    const tcp = createTcpServer((socket) => {
      sockets.add(socket);
      socket.once('data', (data: Buffer) => {
        firstBytes.push(data);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as AddressInfo;
    try {
      const error = await fetchIcsFeed(`webcal://127.0.0.1:${port}/calendar.ics`, { allowPrivateAddresses: true, timeoutMs: 2_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'CalendarFeedError', problem: CalendarProblem.Unreachable });
      expect(firstBytes[0]?.[0]).toBe(0x16);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it('refuses an address that is not http(s) or webcal', async () => {
    const error = await fetchIcsFeed('ftp://calendar.example.com/feed.ics').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CalendarFeedError', problem: CalendarProblem.BadAddress });
    expect((error as Error).message).toBe('the calendar feed address starts with ftp://: expected https://, http:// or webcal://');
  });
});

describe('a malformed feed', () => {
  const window = { from: at('2027-03-15T00:00:00Z'), until: at('2027-04-12T00:00:00Z'), timezone: 'Europe/Berlin' };
  const parseError = (text: string) => {
    try {
      parseIcsBusy(text, window);
    } catch (error) {
      return error as CalendarFeedError;
    }
    throw new Error('expected parseIcsBusy to throw');
  };

  it('is not an iCalendar file when it does not start with BEGIN:VCALENDAR', () => {
    const error = parseError('Hello, this is not a calendar');
    expect(error).toBeInstanceOf(CalendarFeedError);
    expect(error.name).toBe('CalendarFeedError');
    expect(error.problem).toBe(CalendarProblem.NotICalendar);
    expect(error.message).toBe('not an iCalendar file: expected BEGIN:VCALENDAR, found "Hello, this is not a calendar"');
  });

  it('says an empty text is empty', () => {
    expect(parseError('\r\n').message).toBe('not an iCalendar file: it is empty (expected BEGIN:VCALENDAR)');
  });

  it('says a calendar cut short ends early', () => {
    const error = parseError(FEED.slice(0, FEED.indexOf('BEGIN:VTODO')));
    expect(error.problem).toBe(CalendarProblem.Malformed);
    expect(error.message).toBe('the iCalendar file ends early: expected END:VCALENDAR as its last line (was the download cut short?)');
  });

  it('says which line cannot be read', () => {
    const error = parseError(crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'THIS LINE HAS NO COLON', 'END:VCALENDAR']));
    expect(error.problem).toBe(CalendarProblem.Malformed);
    expect(error.message).toMatch(/^the iCalendar file cannot be read: invalid line \(no token ";" or ":"\) "THIS LINE HAS NO COLON"/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('names the event whose date cannot be read', () => {
    const error = parseError(
      crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:broken@example.com', 'DTSTART:2027031X', 'DTEND:20270316T100000Z', 'END:VEVENT', 'END:VCALENDAR']),
    );
    expect(error.problem).toBe(CalendarProblem.Malformed);
    expect(error.message).toMatch(/^the iCalendar file cannot be read: the event with UID "broken@example.com" is broken: /);
  });
});

describe('calendar addresses on this network', () => {
  it('tells private, loopback, link-local and shared addresses from public ones', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['142.250.185.78', '8.8.8.8', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8']) expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses a feed on this machine unless the operator allows it, naming the setting, and asks nothing', async () => {
    let asked = 0;
    const server = createServer((_request, response) => {
      asked += 1;
      response.writeHead(200, { 'content-type': 'text/calendar' }).end('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      for (const url of [`http://127.0.0.1:${port}/feed.ics`, `http://localhost:${port}/feed.ics`]) {
        const error = await fetchIcsFeed(url).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CalendarFeedError);
        expect((error as Error).message).toMatch(/is a private or local address .*SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES=allow/);
      }
      expect(asked).toBe(0);
      expect((await fetchIcsFeed(`http://127.0.0.1:${port}/feed.ics`, LOCAL)).kind).toBe('changed');
    } finally {
      server.close();
    }
  });
});
