import { setTimeout as sleep } from 'node:timers/promises';
import { LeadState } from '@switchboard/core';
import type { CalcomRepository, LeadPlacing } from '@switchboard/store';

/** States in which a lead without an owner won't get one soon: no point waiting on. */
const SETTLED_WITHOUT_OWNER = new Set<LeadState>([LeadState.waiting, LeadState.closed, LeadState.converted]);

/**
 * Waits for a lead just taken in to be routed: answers where it stands as soon as it has an
 * owner, or is waiting for one (nobody eligible), or when `timeoutMs` has passed (undefined if
 * the lead is not there at all). Reads the lead's row, which the router writes when it assigns:
 * it works the same whether the router runs in this process or in another.
 */
export async function awaitRoutingOutcome(calcom: CalcomRepository, leadId: string, timeoutMs: number): Promise<LeadPlacing | undefined> {
  const deadline = Date.now() + timeoutMs;
  // Routing takes milliseconds: look soon, then less often.
  let pause = 10;
  for (;;) {
    const placing = await calcom.lead(leadId);
    if (!placing || placing.ownerId !== null || SETTLED_WITHOUT_OWNER.has(placing.state)) return placing;
    const left = deadline - Date.now();
    if (left <= 0) return placing;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, 200);
  }
}
