/**
 * A stretch of time a rep's calendar shows as taken (a meeting, a flight, a booked call):
 * `[start, end)` in epoch milliseconds. Titles are left out on purpose: a calendar's contents
 * are the rep's, and routing needs only when.
 */
export interface BusyBlock {
  readonly start: number;
  readonly end: number;
}

/** Sorts blocks and joins those that overlap or touch; drops empty ones. */
export function mergeBusyBlocks(blocks: Iterable<BusyBlock>): BusyBlock[] {
  const sorted = [...blocks].filter((b) => b.start < b.end).sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const { start, end } of sorted) {
    const last = merged.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}

/** The busy block covering `at` (`start <= at < end`), or null. `blocks` sorted and merged. */
export function busyBlockAt(blocks: ReadonlyArray<BusyBlock>, at: number): BusyBlock | null {
  for (const block of blocks) {
    if (block.start > at) return null;
    if (at < block.end) return block;
  }
  return null;
}
