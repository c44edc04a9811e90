/**
 * What a webhook subscribes to: each entry an event type (`lead.assigned`), a prefix ending in
 * `.*` (`lead.*`), or `*` for every event.
 */
export function subscribesTo(events: ReadonlyArray<string>, type: string): boolean {
  return events.some((entry) => entry === '*' || entry === type || (entry.endsWith('.*') && type.startsWith(entry.slice(0, -1))));
}
