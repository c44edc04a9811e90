import type { RepFacts, RepId } from '../../src/index.ts';

/**
 * A rep as the routing policy sees it: available, uncapped, weight 1, no tags, never
 * assigned, unless `overrides` say otherwise. Its id is its name in lower case with
 * dashes for spaces ("Tom Berg" → "tom-berg").
 */
export const repFacts = (name: string, overrides: Partial<RepFacts> = {}): RepFacts => ({
  repId: name.toLowerCase().replace(/ /g, '-') as RepId,
  name,
  state: 'available',
  activeLeads: 0,
  cap: null,
  weight: 1,
  tags: [],
  lastAssignedAt: null,
  lastAssignmentSeq: null,
  assigned: { day: 0, week: 0, month: 0 },
  ...overrides,
});
