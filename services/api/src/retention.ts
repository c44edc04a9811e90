import type { Logger } from '@switchboard/core';
import { type ConfigVersionRepository, type Database, eraseLeadPersonalData, leadsDueForErasure } from '@switchboard/store';
import type { Kysely } from 'kysely';

/** How many leads one pass erases at most (the next pass goes on). */
const BATCH = 500;

/**
 * The retention policy (`retention.closedLeads` in the routing configuration): every
 * `intervalMs`, the personal data of leads closed or converted longer ago than that is erased.
 * Each API process runs it; erasing is idempotent, so they may overlap.
 */
export function startRetention(deps: { db: Kysely<Database>; versions: ConfigVersionRepository; clock: () => number; logger: Logger; intervalMs: number }): { stop(): Promise<void>; runOnce(): Promise<number> } {
  let running: Promise<number> | undefined;
  const runOnce = async (): Promise<number> => {
    const keepMs = (await deps.versions.current())?.document.retention?.closedLeads;
    if (keepMs === undefined) return 0;
    const now = deps.clock();
    let erased = 0;
    for (;;) {
      const due = await leadsDueForErasure(deps.db, new Date(now - keepMs), BATCH);
      for (const id of due) if ((await eraseLeadPersonalData(deps.db, id, new Date(now))).erased) erased++;
      if (due.length < BATCH) break;
    }
    if (erased > 0) deps.logger.info({ erased }, `retention: erased the personal data of ${erased} closed leads`);
    return erased;
  };
  const tick = () => {
    running ??= runOnce()
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'retention: erasing closed leads’ personal data failed; trying again at the next pass');
        return 0;
      })
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
