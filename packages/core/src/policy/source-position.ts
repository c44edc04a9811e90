import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** Where a node starts in the source text: 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A YAML (or JSON, which is YAML too) document read for finding where its nodes are. */
export interface SourceMap {
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

/** Reads `text` for `positionOf`; syntax errors leave the nodes that could be read. */
export function sourceMap(text: string): SourceMap {
  const lineCounter = new LineCounter();
  return { document: parseDocument(text, { lineCounter, logLevel: 'silent' }), lineCounter };
}

/**
 * Where the node at `path` starts. A path that goes further than the document (a required key
 * left out) ends at the deepest node that is there, such as the mapping the key belongs in.
 * With `at: 'key'` a mapping entry is located by its key instead of its value.
 */
export function positionOf(source: SourceMap, path: ReadonlyArray<PropertyKey>, at?: 'key'): SourcePosition | undefined {
  const { document, lineCounter } = source;
  let node: unknown = document.contents;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(segment));
      if (!pair) break;
      node = (at === 'key' && i === path.length - 1) || isEmpty(pair.value) ? pair.key : pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
    } else {
      break;
    }
  }
  const offset = (node as Node | null | undefined)?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** A key written with nothing after it (`route:`): its empty value is best shown by the key. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const range = (value as Node).range;
  return isScalar(value) && value.value === null && range != null && range[0] === range[1];
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
