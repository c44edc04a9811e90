import type { FastifyInstance } from 'fastify';

/**
 * Registers routes whose JSON body is kept as sent: a webhook's signature covers the raw
 * bytes, and `JSON.parse` followed by `JSON.stringify` does not give them back (key order,
 * spacing, escapes). Inside `routes`, `request.body` of an `application/json` post is that text,
 * and the route parses it after checking the signature. Other routes parse JSON as always.
 *
 * @example
 * withRawJsonBody(app, (scope) => {
 *   scope.post('/v1/intake/:name', { schema }, async (request) => verify(request.body as string));
 * });
 */
export function withRawJsonBody(app: FastifyInstance, routes: (scope: FastifyInstance) => void): void {
  // A plugin scope: the parser it swaps in applies to the routes registered in it alone.
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    routes(scope);
  });
}
