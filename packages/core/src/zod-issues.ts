import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors.ts';

/** A path as people read it, after an optional prefix: `rules[3].when.country`, `members[1]`. */
export function dottedPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let text = prefix;
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text ? `.${String(key)}` : String(key);
  return text;
}

/** Turns zod's issues into ours: a dotted path (`attributes.score`, `members[1]`) and a message. */
export function toValidationIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = dottedPath(issue.path, prefix);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}` };
    }
    return { path, message: issue.message };
  });
}

/** Parses `input` with `schema`, throwing a `ValidationError` that names each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toValidationIssues(result.error, prefix));
  return result.data;
}
