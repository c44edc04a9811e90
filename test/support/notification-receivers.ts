import { createServer, type Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message a test SMTP server received: its envelope, and its parsed headers and bodies. */
export interface ReceivedMail {
  readonly from: string | undefined;
  readonly to: string[];
  readonly subject: string | undefined;
  readonly text: string;
  readonly html: string;
  /** The other parts: a meeting invite's `text/calendar` alternative (with its `method`), attachments. */
  readonly parts: ReadonlyArray<MailPart>;
}

/** A part of a received message beside its text and HTML bodies. */
export interface MailPart {
  /** Without parameters, e.g. `text/calendar`. */
  readonly contentType: string;
  /** The `method` parameter of a `text/calendar` part (`REQUEST`, `CANCEL`), else null. */
  readonly method: string | null;
  readonly filename: string | null;
  readonly content: string;
}

/** A local SMTP server that keeps what it is sent (no TLS, no authentication). */
export async function startTestSmtpServer(): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
      const to = session.envelope.rcptTo.map((r) => r.address);
      simpleParser(stream).then(
        (mail) => {
          const parts = mail.attachments.map((part): MailPart => {
            const type = part.headers.get('content-type') as { params?: Record<string, string> } | undefined;
            return { contentType: part.contentType, method: type?.params?.method ?? null, filename: part.filename ?? null, content: part.content.toString('utf8') };
          });
          mails.push({ from, to, subject: mail.subject, text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '', parts });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A Slack incoming webhook stand-in: keeps each JSON body posted to it and answers "ok". */
export async function startTestSlackReceiver(): Promise<{ url: string; posts: any[]; close(): Promise<void> }> {
  const posts: any[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      posts.push(JSON.parse(body));
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/services/T1/B1/secret`,
    posts,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
