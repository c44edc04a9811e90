import { positionOf, type SourcePosition, sourceMap } from '@switchboard/core';

/** `rules[3].when.country` as the keys and indexes it is made of. */
export function pathSegments(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segments.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return segments;
}

/**
 * Where a problem the API reported by path alone is in the file that was sent. A JSON file
 * reaches the API already parsed, so its problems come without a line; the file itself still
 * has one.
 */
export function locateProblem(text: string, path: string): SourcePosition | undefined {
  return positionOf(sourceMap(text), pathSegments(path));
}
