/** Which lifecycle events a watcher wants; every given field must hold. */
export interface EventFilter {
  readonly lead?: string | undefined;
  readonly rep?: string | undefined;
  readonly team?: string | undefined;
  /** An event type, or a prefix ending in `*` (`lead.*`). */
  readonly type?: string | undefined;
}

// The data fields that name a rep or a team, across the lifecycle events.
const REP_FIELDS = ['repId', 'lastOwnerId', 'previousRepId'] as const;

/** True when the event (as published on the bus) passes the filter. */
export function matchesEventFilter(event: { type?: string; leadId?: string; data?: unknown }, filter: EventFilter): boolean {
  if (filter.type !== undefined) {
    const type = event.type ?? '';
    if (filter.type.endsWith('*') ? !type.startsWith(filter.type.slice(0, -1)) : type !== filter.type) return false;
  }
  if (filter.lead !== undefined && event.leadId !== filter.lead) return false;
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (filter.rep !== undefined && !REP_FIELDS.some((field) => data[field] === filter.rep)) return false;
  if (filter.team !== undefined && data.teamId !== filter.team) return false;
  return true;
}
