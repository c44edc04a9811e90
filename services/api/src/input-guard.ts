import { ValidationError, type ValidationIssue } from '@switchboard/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Deepest nesting of a JSON body: a routing configuration nests conditions a few levels, never dozens. */
export const MAX_NESTING = 64;

// PostgreSQL text and jsonb can't hold U+0000, and a lone UTF-16 surrogate is not Unicode: both
// reached the database and came back as 500s. A surrogate *pair* (an emoji) is fine.
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | undefined {
  if (text.includes(NUL)) return 'contains a NUL character (\\u0000), which text can’t hold; remove it';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (half of an emoji or other character), which is not valid Unicode; send the whole character';
  return undefined;
}

/**
 * The first problem in a request's parameters, query or body that no schema can say well: a
 * NUL character or a lone surrogate in any string or key, or nesting deeper than
 * `MAX_NESTING`. Walks iteratively, so a 10,000-level document can't exhaust the stack.
 */
export function findInputProblem(parts: ReadonlyArray<readonly [string, unknown]>): ValidationIssue | undefined {
  const stack: Array<{ path: string; value: unknown; depth: number }> = parts.map(([path, value]) => ({ path, value, depth: 0 }));
  while (stack.length > 0) {
    const { path, value, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { path, message: problem };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_NESTING) return { path, message: `nests deeper than ${MAX_NESTING} levels; flatten it` };
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key);
      if (keyProblem) return { path: childPath, message: `the field name ${keyProblem}` };
      stack.push({ path: childPath, value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Refuses, with a 400 that names the field, text PostgreSQL can't store and documents nested
 * past reason, before any route sees them. Path parameters and the query string are checked
 * as they arrive; bodies once parsed (JSON as a tree, CSV and YAML as their text).
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const problem = findInputProblem([
      ['params', request.params],
      ['query', request.query],
      // A JSON body's fields are named as the validation errors name them: without a prefix.
      typeof request.body === 'string' ? ['body', request.body] : ['', request.body],
    ]);
    if (problem) throw new ValidationError([problem]);
  });
}
