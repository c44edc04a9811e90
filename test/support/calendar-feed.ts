import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** An ICS feed served as Google's secret address is: with an ETag, answering 304 to a matching If-None-Match. */
export interface TestCalendarFeed {
  /** The feed's address. */
  readonly url: string;
  /** What it serves next; `status` other than 200 makes it fail. */
  set(text: string, status?: number): void;
  /** Each request's If-None-Match header (null when absent), in order. */
  readonly requests: Array<string | null>;
  close(): Promise<void>;
}

export async function startTestCalendarFeed(initial: string): Promise<TestCalendarFeed> {
  let text = initial;
  let status = 200;
  const requests: Array<string | null> = [];
  const server: Server = createServer((request, response) => {
    const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
    requests.push((request.headers['if-none-match'] as string | undefined) ?? null);
    if (status !== 200) return void response.writeHead(status).end('no such calendar');
    if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
    response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', etag }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/calendar/private-0123456789abcdef/basic.ics`,
    set(next, nextStatus = 200) {
      text = next;
      status = nextStatus;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `20261207T140000Z`: a UTC time as iCalendar writes it. */
export const icsTime = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** A calendar with one busy event per `[start, end)`. */
export function icsWithMeetings(meetings: ReadonlyArray<readonly [number, number]>): string {
  const events = meetings.map(
    ([start, end], i) => `BEGIN:VEVENT\r\nUID:meeting-${i}@test\r\nDTSTAMP:${icsTime(start)}\r\nDTSTART:${icsTime(start)}\r\nDTEND:${icsTime(end)}\r\nSUMMARY:Private meeting ${i}\r\nEND:VEVENT\r\n`,
  );
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Switchboard tests//EN\r\n${events.join('')}END:VCALENDAR\r\n`;
}
