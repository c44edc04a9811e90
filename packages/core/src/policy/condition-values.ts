import type { Scalar } from './condition.ts';

// Helpers shared by the condition grammar (condition.ts) and its compiler (compile-condition.ts).

/** How territories are keyed: names are unique ignoring case. */
export function territoryKey(name: string): string {
  return name.trim().toLowerCase();
}

const SPACE = /\s/;
const SPACES = /\s+/g;

/** How string range bounds and values compare: upper case, without spaces ("sw1a 1aa" → "SW1A1AA"). */
export function rangeKey(text: string): string {
  const upper = text.toUpperCase();
  // Most values have no spaces: skip the replace (and its new string) for them.
  return SPACE.test(upper) ? upper.replace(SPACES, '') : upper;
}

export function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Objects as YAML and JSON produce them; not arrays, dates or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Keys set to `undefined` (`{ all: undefined }` built in code) count as absent. */
export function definedEntries(value: object): Array<[string, unknown]> {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}
