import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors.ts';

/** Turns zod's issues into ours: a dotted path (`attributes.score`, `members[1]`) and a message. */
export function toValidationIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => {
    let path = prefix;
    for (const key of issue.path) {
      path += typeof key === 'number' ? `[${key}]` : path ? `.${String(key)}` : String(key);
    }
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
