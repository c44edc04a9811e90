import { ConflictError, NotFoundError, ValidationError, type ValidationIssue } from '@switchboard/core';
import { isDatabaseUnanswered, isDatabaseUnavailable } from '@switchboard/store';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** The body of every error answer. */
export interface ErrorBody {
  /** A stable code for programs: `validation_failed`, `not_found`, `conflict`, ... */
  readonly error: string;
  /** A sentence for people that names the problem and, where it helps, the fix. */
  readonly message: string;
  readonly errors?: ReadonlyArray<ValidationIssue>;
}

function pathOf(instancePath: string, context: string | undefined): string {
  const path = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  return context && context !== 'body' ? (path ? `${context}.${path}` : context) : path;
}

function withKeys(issue: { message: string; params?: { keys?: unknown } }): string {
  const keys = issue.params?.keys;
  if (Array.isArray(keys) && keys.length > 0) {
    return `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${String(k)}"`).join(', ')}; free-form data goes in "attributes"`;
  }
  return issue.message;
}

/** What `Retry-After` tells a client when PostgreSQL is down: about how long a restart takes. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Maps every failure to an answer that names the problem; unknown errors are 500 and logged. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: pathOf(issue.instancePath, error.validationContext),
      message: withKeys(issue as never),
    }));
    return reply.code(400).send(validationBody(errors));
  }
  if (error instanceof ValidationError) return reply.code(400).send(validationBody(error.issues));
  if (error instanceof NotFoundError) {
    const status = request.method === 'GET' ? 404 : 400;
    return reply.code(status).send({ error: 'not_found', message: error.message } satisfies ErrorBody);
  }
  if (error instanceof ConflictError) return reply.code(409).send({ error: 'conflict', message: error.message } satisfies ErrorBody);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply.code(400).send({ error: 'invalid_json', message: `the body is not valid JSON: ${error.message}` } satisfies ErrorBody);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply.code(400).send({
        error: 'body_too_large',
        message: `the body is larger than the ${request.routeOptions.bodyLimit ?? 'configured'} byte limit; send less (lead attributes are for fields, not documents)`,
      } satisfies ErrorBody);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply.code(415).send({ error: 'unsupported_media_type', message: 'send the body as application/json' } satisfies ErrorBody);
  }
  if (error.statusCode === 429) return reply.code(429).send({ error: 'rate_limited', message: error.message } satisfies ErrorBody);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ error: 'bad_request', message: error.message } satisfies ErrorBody);
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'request refused: the database is unavailable');
    // A query the database did not answer may still take effect when it does: say so.
    const outcome = isDatabaseUnanswered(error)
      ? 'the database did not answer in time, so whether this request was stored is not known yet; send the same request again in ' +
        `${DATABASE_RETRY_AFTER_SECONDS} seconds (a lead sent again with the same externalId is never stored twice)`
      : `the database is unavailable right now, so nothing was stored or changed; send the same request again in ${DATABASE_RETRY_AFTER_SECONDS} seconds`;
    return reply
      .code(503)
      .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      .send({ error: 'database_unavailable', message: `${outcome} (GET /healthz shows when it is back)` } satisfies ErrorBody);
  }
  request.log.error({ err: error }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'something went wrong on our side; the request changed nothing if it was not acknowledged' } satisfies ErrorBody);
}

/** The body of a 400 for invalid input: every issue in `errors`, and all of them in `message`. */
export function validationBody(errors: ReadonlyArray<ValidationIssue>): ErrorBody {
  return {
    error: 'validation_failed',
    message: errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
    errors,
  };
}
