// Internal: the instants a slot may start at on one local day of a time zone. Not exported from
// the package; `freeSlots` and `isSlotFree` are its public faces.
import { IANAZone, type Zone } from 'luxon';
import { DAY_MS, dayStart } from '../local-day.ts';

const zones = new Map<string, Zone>();

function zoneOf(name: string): Zone {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

/** UTC offset of `zone` at `at`, in ms. */
function offsetAt(zone: Zone, at: number): number {
  return zone.offset(at) * 60_000;
}

/**
 * The stretches of local day `day` with one UTC offset each: `[from, to, base]`, where `base` is
 * the instant the day's wall-clock midnight would be at that offset. Assumes at most one offset
 * change within a day, as every zone has had since 1970.
 */
function offsetSegments(name: string, day: number): Array<readonly [from: number, to: number, base: number]> {
  const zone = zoneOf(name);
  const start = dayStart(name, day);
  const end = dayStart(name, day + 1);
  const wallMidnight = day * DAY_MS;
  const first = offsetAt(zone, start);
  const last = offsetAt(zone, end - 1);
  if (first === last) return [[start, end, wallMidnight - first]];
  // Find the change: the first instant with the later offset.
  let lo = start;
  let hi = end - 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === first) lo = mid;
    else hi = mid;
  }
  return [
    [start, hi, wallMidnight - first],
    [hi, end, wallMidnight - last],
  ];
}

// Reps share a handful of zones and steps and look at the same few days.
const grids = new Map<string, ReadonlyArray<number>>();

/**
 * The slot starts of local date `day` (days since 1970-01-01) in `zone`, ascending: the instants
 * whose wall-clock time is a multiple of `step` after local midnight (09:00, 09:30… for 30
 * minutes). A DST change moves no start off that grid: wall times skipped by a spring-forward
 * change have no start, and those repeated when clocks fall back have two.
 *
 * Then, so that slots of `gap` ms never overlap, a start less than `gap` after the one kept before
 * it is dropped (only around DST changes, where the wall clock jumps), as is a start less than
 * `gap` before the next day begins (a step that doesn't divide 24 hours). Each day's starts
 * depend only on that day, so a single start can be checked without the days around it.
 *
 * `zone` must have passed `checkTimeZone`; `step` and `gap` are positive ms.
 */
export function slotGrid(zone: string, day: number, step: number, gap: number): ReadonlyArray<number> {
  const key = `${zone}\u0000${day}\u0000${step}\u0000${gap}`;
  let grid = grids.get(key);
  if (grid === undefined) {
    grid = computeGrid(zone, day, step, gap);
    if (grids.size >= 20_000) grids.clear();
    grids.set(key, grid);
  }
  return grid;
}

function computeGrid(zone: string, day: number, step: number, gap: number): number[] {
  const starts: number[] = [];
  for (const [from, to, base] of offsetSegments(zone, day)) {
    // Wall-clock time `k * step` after midnight is `base + k * step` while the offset holds.
    for (let k = Math.max(0, Math.ceil((from - base) / step)); k * step < DAY_MS; k++) {
      const at = base + k * step;
      if (at >= to) break;
      const previous = starts.at(-1);
      if (previous === undefined || at - previous >= gap) starts.push(at);
    }
  }
  const next = dayStart(zone, day + 1);
  while (starts.length > 0 && starts.at(-1)! + gap > next) starts.pop();
  return starts;
}
