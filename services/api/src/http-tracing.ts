import {
  Attr,
  context,
  contextOfHeaders,
  recordFailure,
  type Span,
  SpanKind,
  SpanStatusCode,
  startSpan,
  trace,
  tracingActive,
} from '@switchboard/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * A SERVER span for each HTTP request (`POST /v1/leads`), a child of the caller's
 * `traceparent` if it sent one, and active while the route's handler runs — so the spans
 * the handler starts (a lead's intake, a command to the router) join the request's trace.
 *
 * Installed only when tracing is on: with tracing off the API has no hooks at all.
 */
export function installHttpTracing(app: FastifyInstance): void {
  if (!tracingActive()) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = startSpan(`${request.method}${route ? ` ${route}` : ''}`, { kind: SpanKind.SERVER }, contextOfHeaders(request.headers));
    span.setAttributes({
      [Attr.httpRequestMethod]: request.method,
      // A booking link's token is its credential: the path keeps the route's placeholder instead.
      [Attr.urlPath]: (request.url.split('?')[0] ?? request.url).replace(/^\/(v1\/booking|book)\/[^/]+/, '/$1/:token'),
      ...(route && { [Attr.httpRoute]: route }),
    });
    spans.set(request, span);
    done();
  });
  // After the body is parsed, so that the handler (and all it awaits) runs inside the span.
  app.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request);
    if (span) context.with(trace.setSpan(context.active(), span), done);
    else done();
  });
  app.addHook('onError', (request, _reply, error, done) => {
    const span = spans.get(request);
    if (span) recordFailure(span, error);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute(Attr.httpResponseStatusCode, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
}
