/** A lead of a replayed period as the record orders it. */
export interface RecordedOrder {
  /** When the router first decided on it (epoch ms); the input is sorted by it. */
  readonly at: number;
  /** The team and sequence number of its first decision when that assigned it (see `RoutingDecision.seq`), else null. */
  readonly decision: { readonly teamId: string; readonly seq: number } | null;
}

/**
 * The order to replay a period's leads in: by decision time, except that each team's leads
 * keep the order its decisions were really taken in (their sequence numbers). Leads decided
 * at nearly the same moment can carry times out of that order — the time is taken when a
 * lead's step starts, the decision later in its team's mailbox — and swapping two leads of a
 * round robin swaps their owners. Each team's leads are put back in sequence order into the
 * places the team's leads hold, and take those places' times, so the replay sees them in that
 * order. Answers indices into `leads` with the time to replay each at.
 */
export function replayOrder(leads: ReadonlyArray<RecordedOrder>): Array<{ readonly index: number; readonly at: number }> {
  const order = leads.map((lead, index) => ({ index, at: lead.at }));
  const byTeam = new Map<string, number[]>();
  leads.forEach((lead, index) => {
    if (lead.decision === null) return;
    const places = byTeam.get(lead.decision.teamId);
    if (places) places.push(index);
    else byTeam.set(lead.decision.teamId, [index]);
  });
  for (const places of byTeam.values()) {
    const inSequence = [...places].sort((a, b) => leads[a]!.decision!.seq - leads[b]!.decision!.seq);
    places.forEach((place, k) => {
      order[place] = { index: inSequence[k]!, at: leads[place]!.at };
    });
  }
  return order;
}
