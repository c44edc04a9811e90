import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalDavError, CalendarFeedError, CalendarProblem, parseFreeBusy, readCalDavFreeBusy } from '../src/index.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

const at = (iso: string) => Date.parse(iso);
const block = (start: string, end: string) => ({ start: at(start), end: at(end) });
const crlf = (lines: ReadonlyArray<string>) => `${lines.join('\r\n')}\r\n`;

const from = at('2027-03-15T00:00:00Z');
const until = at('2027-03-22T00:00:00Z');

/** What a CalDAV server (RFC 4791 §7.10) answers to a free-busy-query: one VFREEBUSY. */
const vfreebusy = (...freebusy: string[]) =>
  crlf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example Corp//CalDAV Server//EN',
    'BEGIN:VFREEBUSY',
    'DTSTAMP:20270314T120000Z',
    'DTSTART:20270315T000000Z',
    'DTEND:20270322T000000Z',
    ...freebusy,
    'END:VFREEBUSY',
    'END:VCALENDAR',
  ]);

const ANSWER = vfreebusy(
  'FREEBUSY;FBTYPE=BUSY:20270315T090000Z/20270315T100000Z',
  'FREEBUSY:20270316T090000Z/PT30M,20270316T140000Z/20270316T150000Z',
  'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20270317T000000Z/20270318T000000Z',
  'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270319T120000Z/20270319T130000Z',
  'FREEBUSY;FBTYPE=FREE:20270320T090000Z/20270320T170000Z',
  // Runs past the end of the window: clipped.
  'FREEBUSY;FBTYPE=BUSY:20270321T230000Z/20270322T010000Z',
);

const EXPECTED = [
  block('2027-03-15T09:00:00Z', '2027-03-15T10:00:00Z'),
  block('2027-03-16T09:00:00Z', '2027-03-16T09:30:00Z'),
  block('2027-03-16T14:00:00Z', '2027-03-16T15:00:00Z'),
  block('2027-03-17T00:00:00Z', '2027-03-18T00:00:00Z'),
  block('2027-03-19T12:00:00Z', '2027-03-19T13:00:00Z'),
  block('2027-03-21T23:00:00Z', '2027-03-22T00:00:00Z'),
];

describe('readCalDavFreeBusy', () => {
  let server: RecordingServer;
  let answer: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '' };

  beforeAll(async () => {
    server = await startRecordingServer((_request, response) => {
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  afterAll(() => server.close());

  const serve = (status: number, body: string, contentType = 'text/calendar; charset=utf-8') => {
    answer = { status, headers: { 'content-type': contentType }, body };
  };

  it('sends a free-busy-query REPORT for the window with basic auth, and reads the busy periods of the VFREEBUSY', async () => {
    serve(200, ANSWER);
    const before = server.requests.length;

    const busy = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/calendars/ana/work/`, username: 'ana', password: 's3cret:pw', from, until });

    expect(busy).toEqual(EXPECTED);
    expect(server.requests).toHaveLength(before + 1);
    const request = server.requests[before]!;
    expect(request.method).toBe('REPORT');
    expect(request.path).toBe('/calendars/ana/work/');
    expect(request.headers.depth).toBe('1');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('ana:s3cret:pw').toString('base64')}`);
    expect(request.headers['content-type']).toMatch(/xml/);
    expect(request.body).toMatch(/<([\w-]+:)?free-busy-query[^>]*xmlns(:[\w-]+)?="urn:ietf:params:xml:ns:caldav"/);
    expect(request.body).toMatch(/<([\w-]+:)?time-range start="20270315T000000Z" end="20270322T000000Z"\s*\/>/);
  });

  it('sends no Authorization header without credentials', async () => {
    serve(200, vfreebusy());
    const before = server.requests.length;
    expect(await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/public/`, from, until })).toEqual([]);
    expect(server.requests[before]!.headers.authorization).toBeUndefined();
  });

  it('reads the whole of a long answer (tsdav alone keeps only its first 4 KB)', async () => {
    // 200 one-hour meetings, one a day at 09:00 UTC, a line each: about 11 KB.
    const days = Array.from({ length: 200 }, (_, i) => new Date(at('2027-01-01T09:00:00Z') + i * 86_400_000));
    const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    serve(200, vfreebusy(...days.map((d) => `FREEBUSY;FBTYPE=BUSY:${stamp(d)}/PT1H`)));

    const busy = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/calendars/ana/work/`, from: at('2027-01-01T00:00:00Z'), until: at('2028-01-01T00:00:00Z') });

    expect(busy).toHaveLength(200);
    expect(busy.at(-1)).toEqual({ start: days.at(-1)!.getTime(), end: days.at(-1)!.getTime() + 3_600_000 });
  });

  it('says a refused user name and password need checking', async () => {
    serve(401, 'Unauthorized', 'text/plain');
    const error = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/calendars/ana/work/`, username: 'ana', password: 'wrong', from, until }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalDavError);
    expect(error).toMatchObject({ name: 'CalDavError', problem: CalendarProblem.HttpStatus, status: 401, transient: false });
    expect((error as Error).message).toBe(
      `the CalDAV server at ${new URL(server.base).host} answered 401 Unauthorized: check the user name and password (many providers want an app password)`,
    );
  });

  it('says an XML answer is not a VFREEBUSY', async () => {
    serve(207, '<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"></d:multistatus>', 'application/xml; charset=utf-8');
    const error = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/calendars/`, from, until }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CalDavError', problem: CalendarProblem.NotICalendar });
    expect((error as Error).message).toMatch(/answered with XML instead of a VFREEBUSY: is the address a calendar collection/);
  });

  it('says a broken VFREEBUSY cannot be read', async () => {
    serve(200, vfreebusy('FREEBUSY:not-a-period'));
    const error = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/calendars/ana/work/`, from, until }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CalDavError', problem: CalendarProblem.Malformed, status: 200 });
    expect((error as Error).message).toMatch(new RegExp(`^the CalDAV server at ${new URL(server.base).host}'s free-busy answer cannot be read: `));
  });

  it('gives up after the timeout, and refuses an answer over the size limit', async () => {
    const silent = await startRecordingServer(() => {
      // Never answers.
    });
    try {
      const error = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${silent.base}/calendars/`, from, until, timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'CalDavError', problem: CalendarProblem.Timeout, transient: true });
      expect((error as Error).message).toBe(`the CalDAV server at ${new URL(silent.base).host} timed out after 0.3 s`);
    } finally {
      await silent.close();
    }

    serve(200, ANSWER);
    const large = await readCalDavFreeBusy({ allowPrivateAddresses: true, url: `${server.base}/calendars/`, from, until, maxBytes: 100 }).catch((e: unknown) => e);
    expect(large).toMatchObject({ name: 'CalDavError', problem: CalendarProblem.TooLarge });
    expect((large as Error).message).toMatch(/'s answer is more than the 100 bytes limit$/);
  });

  it('says when the server cannot be reached', async () => {
    const gone = await startRecordingServer(() => {});
    const url = `${gone.base}/calendars/`;
    await gone.close();
    const error = await readCalDavFreeBusy({ allowPrivateAddresses: true, url, from, until }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CalDavError', problem: CalendarProblem.Unreachable, transient: true });
    expect((error as Error).message).toBe(`could not reach the CalDAV server at ${new URL(url).host}: ECONNREFUSED`);
  });
});

describe('parseFreeBusy', () => {
  it('counts every type but FREE as busy, unknown ones too, and merges what overlaps', () => {
    const text = vfreebusy(
      'FREEBUSY;FBTYPE=X-OUT-OF-OFFICE:20270315T090000Z/20270315T100000Z',
      'FREEBUSY;FBTYPE=BUSY:20270315T093000Z/20270315T110000Z',
      'FREEBUSY;FBTYPE=FREE:20270316T090000Z/20270316T100000Z',
    );
    expect(parseFreeBusy(text, { from, until })).toEqual([block('2027-03-15T09:00:00Z', '2027-03-15T11:00:00Z')]);
  });

  it('is not iCalendar when it is not', () => {
    expect(() => parseFreeBusy('{"busy":[]}', { from, until })).toThrow(new CalendarFeedError('not an iCalendar file: expected BEGIN:VCALENDAR, found "{\\"busy\\":[]}"', { problem: 'not-icalendar' }));
  });
});
