import { type CapWindow, capWindowStart, type RepId } from '@switchboard/core';
import type { WindowCounts } from '@switchboard/machines';
import type { LeadRepository } from '@switchboard/store';
import type { RepActors, RepEntry } from './rep-actors.ts';

const WINDOWS: ReadonlyArray<CapWindow> = ['hour', 'day', 'week'];

/** A rep whose stored load disagreed with its leads, and what it was corrected to. */
export interface ReconciledRep {
  readonly entry: RepEntry;
  readonly stored: { readonly activeLeads: number; readonly windows: WindowCounts };
  readonly actual: { readonly activeLeads: number; readonly windows: WindowCounts };
}

/**
 * Brings every rep actor's load in line with the leads it holds, as the router starts.
 *
 * A rep's load is written with each step that changes it, but the rep accepts an offer in
 * memory before the lead's step commits: a process killed between the two (SIGKILL in a
 * burst) leaves a stored load that counts leads the rep never got, and those slots were lost
 * for good. The leads themselves are the truth: the active load is the count of leads the
 * rep holds (assigned or touched), and each current cap window (hour, day, week) is the
 * count of its assignments since the window began.
 */
export async function reconcileRepLoads(reps: RepActors, leads: LeadRepository, now: number): Promise<ReadonlyArray<ReconciledRep>> {
  const active = await leads.countActiveByRep();
  const current: Array<{ readonly repId: RepId; readonly kind: CapWindow; readonly since: number }> = [];
  for (const entry of reps.values()) {
    const { windows, schedule } = entry.actor.getSnapshot().context;
    for (const kind of WINDOWS) {
      const window = windows[kind];
      // A window of a period that is over counts nothing already (see the rep machine).
      if (window && window.start === capWindowStart(kind, schedule.timezone, now)) current.push({ repId: entry.profile.id, kind, since: window.start });
    }
  }
  const counts = await leads.countAssignmentsOfRepsSince(current);
  const recounted = new Map<RepId, { [K in CapWindow]?: { start: number; count: number } }>();
  current.forEach((window, i) => {
    const windows = recounted.get(window.repId) ?? {};
    windows[window.kind] = { start: window.since, count: counts[i] ?? 0 };
    recounted.set(window.repId, windows);
  });

  const reconciled: ReconciledRep[] = [];
  for (const entry of reps.values()) {
    const context = entry.actor.getSnapshot().context;
    const activeLeads = active.get(entry.profile.id) ?? 0;
    const windows: WindowCounts = { ...context.windows, ...recounted.get(entry.profile.id) };
    const windowsDiffer = WINDOWS.some((kind) => context.windows[kind]?.count !== windows[kind]?.count);
    if (activeLeads === context.activeLeads && !windowsDiffer) continue;
    entry.actor.send({ type: 'SYNC_LOAD', activeLeads, windows });
    reconciled.push({ entry, stored: { activeLeads: context.activeLeads, windows: context.windows }, actual: { activeLeads, windows } });
  }
  return reconciled;
}
