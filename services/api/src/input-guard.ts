import { findUnstorableValue, ValidationError, type ValidationIssue } from '@switchboard/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Refuses, with a 400 that names the field, text PostgreSQL can't store and documents nested
 * past reason, before any route sees them. Path parameters and the query string are checked
 * as they arrive; bodies once parsed (JSON as a tree, CSV and YAML as their text).
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const problem =
      findUnstorableValue(request.params, ['params']) ??
      findUnstorableValue(request.query, ['query']) ??
      // A JSON body's fields are named as the validation errors name them: without a prefix.
      findUnstorableValue(request.body, typeof request.body === 'string' ? ['body'] : []);
    if (problem) throw new ValidationError([{ path: problem.path.join('.'), message: problem.message } satisfies ValidationIssue]);
  });
}
