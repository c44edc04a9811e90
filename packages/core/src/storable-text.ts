/** Deepest nesting of a submitted document: a routing configuration nests conditions a few levels, never dozens. */
export const MAX_NESTING = 64;

// PostgreSQL text and jsonb can't hold U+0000, and a lone UTF-16 surrogate is not Unicode: both
// reached the database and came back as errors. A surrogate *pair* (an emoji) is fine.
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a piece of text for storing it, or undefined if nothing is. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes(NUL)) return 'contains a NUL character (\\u0000), which text can’t hold; remove it';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (half of an emoji or other character), which is not valid Unicode; send the whole character';
  return undefined;
}

/** Where a value can't be stored, and why. */
export interface UnstorableValue {
  /** Keys, and indexes as numbers (as zod gives paths). */
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/**
 * The first thing in `value` that can't be stored: a NUL character or a lone surrogate in any
 * string or key, or nesting deeper than `MAX_NESTING`. Walks iteratively, so a document nested
 * 10,000 levels deep can't exhaust the stack.
 */
export function findUnstorableValue(value: unknown, at: ReadonlyArray<string | number> = []): UnstorableValue | undefined {
  const stack: Array<{ path: ReadonlyArray<string | number>; value: unknown }> = [{ path: at, value }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value === 'string') {
      const reason = unstorableTextReason(next.value);
      if (reason) return { path: next.path, message: reason };
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.path.length - at.length >= MAX_NESTING) return { path: next.path, message: `nests deeper than ${MAX_NESTING} levels; flatten it` };
    const entries: ReadonlyArray<readonly [string | number, unknown]> = Array.isArray(next.value) ? next.value.map((v, i) => [i, v] as const) : Object.entries(next.value);
    for (const [key] of entries) {
      const reason = typeof key === 'string' ? unstorableTextReason(key) : undefined;
      if (reason) return { path: [...next.path, key], message: `the field name ${reason}` };
    }
    // Last in, first out: pushed backwards, the first problem in document order is found first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as readonly [string | number, unknown];
      stack.push({ path: [...next.path, key], value: child });
    }
  }
  return undefined;
}
