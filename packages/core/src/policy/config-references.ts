import { findTerritoryCycle, territoryReferences } from './condition.ts';

/** A problem in a configuration document, located by its path as a list of keys and indexes. */
export interface ConfigIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
  /** Point at the key rather than its value (an unknown field is the key's fault). */
  readonly at?: 'key';
}

type Entry = Record<string, unknown>;

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);
const readableName = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/**
 * The entries of `list` with readable names, or none at all when some name cannot be read: a
 * reference to a team whose name is misspelt as a number is not "no such team", and saying so
 * would send the admin after the wrong line.
 */
function named(list: unknown): { readonly entries: Array<{ index: number; name: string; item: Entry }>; readonly complete: boolean } {
  if (!Array.isArray(list)) return { entries: [], complete: list === undefined };
  const entries: Array<{ index: number; name: string; item: Entry }> = [];
  let complete = true;
  list.forEach((item, index) => {
    const name = isEntry(item) ? readableName(item.name) : undefined;
    if (name === undefined) complete = false;
    else entries.push({ index, name, item: item as Entry });
  });
  return { entries, complete };
}

/**
 * How the teams, territories and rules of a configuration name each other: duplicate names,
 * fallbacks and routes to teams that are not there, territories nobody defines, circles.
 *
 * It reads the document as given, not as the schema accepted it, so that these problems are
 * reported together with the schema's own even when parts of the document are malformed;
 * whatever cannot be read is skipped, and references are only judged against a list whose
 * names could all be read.
 */
export function crossReferenceIssues(config: unknown): ConfigIssue[] {
  if (!isEntry(config)) return [];
  const issues: ConfigIssue[] = [];
  const teams = named(config.teams);
  const territories = named(config.territories);
  const rules = named(config.rules);
  checkUnique(teams.entries, 'teams', issues);
  checkUnique(territories.entries, 'territories', issues);
  checkUnique(rules.entries, 'rules', issues);
  const teamNames = teams.complete ? new Set(teams.entries.map((t) => t.name.toLowerCase())) : undefined;
  const territoryNames = territories.complete ? new Set(territories.entries.map((t) => t.name.toLowerCase())) : undefined;
  for (const { index, item } of teams.entries) {
    const fallback = readableName(item.fallback);
    if (fallback !== undefined && teamNames && !teamNames.has(fallback.toLowerCase())) {
      issues.push({ path: ['teams', index, 'fallback'], message: `no team named "${fallback}" in teams` });
    }
  }
  const cycle = fallbackCycle(teams.entries);
  if (cycle) issues.push({ path: ['teams', cycle.index, 'fallback'], message: `fallbacks go round in a circle: ${cycle.names.join(' → ')}` });
  const checkTerritories = (condition: unknown, path: Array<string | number>): void => {
    if (!territoryNames) return;
    for (const ref of territoryReferences(condition)) {
      if (!territoryNames.has(ref.name.trim().toLowerCase())) {
        issues.push({ path: [...path, ...ref.path], message: `no territory named "${ref.name.trim()}" in territories` });
      }
    }
  };
  for (const { index, item } of territories.entries) checkTerritories(item.when, ['territories', index, 'when']);
  const territoryCycle = findTerritoryCycle(territories.entries.map(({ name, item }) => ({ name, when: item.when })));
  if (territoryCycle) {
    issues.push({
      path: ['territories', territories.entries[territoryCycle.index]!.index, 'when'],
      message: `territories refer to each other in a circle: ${territoryCycle.names.join(' → ')}`,
    });
  }
  // Rules are checked whatever their names: a rule's route does not depend on them.
  (Array.isArray(config.rules) ? config.rules : []).forEach((rule: unknown, i) => {
    if (!isEntry(rule)) return;
    if (rule.when !== undefined) checkTerritories(rule.when, ['rules', i, 'when']);
    const route = rule.route;
    if (!isEntry(route)) return;
    const team = readableName(route.team);
    if (team !== undefined && teamNames && !teamNames.has(team.toLowerCase())) {
      issues.push({ path: ['rules', i, 'route', 'team'], message: `no team named "${team}" in teams` });
    }
    const owner = route.accountOwner;
    if (isEntry(owner) && owner.ifUnavailable === 'wait' && owner.waitUpTo === undefined) {
      issues.push({ path: ['rules', i, 'route', 'accountOwner', 'waitUpTo'], message: 'required with ifUnavailable: wait (e.g. PT2H)' });
    }
  });
  notificationIssues(config.notifications, teams.complete ? teamNames : undefined, queueNames(config), issues);
  return issues;
}

/** The queues a configuration names: leads may wait in them, so their channels may be set too. */
function queueNames(config: Entry): Set<string> {
  const names = new Set<string>([readableName(config.defaultQueue) ?? 'unrouted'].map((n) => n.toLowerCase()));
  for (const team of Array.isArray(config.teams) ? config.teams : []) {
    const overflow = isEntry(team) ? readableName(team.overflow) : undefined;
    if (overflow !== undefined) names.add(overflow.toLowerCase());
  }
  for (const rule of Array.isArray(config.rules) ? config.rules : []) {
    const queue = isEntry(rule) && isEntry(rule.route) ? readableName(rule.route.queue) : undefined;
    if (queue !== undefined) names.add(queue.toLowerCase());
  }
  return names;
}

/** `notifications.teams` names teams (or queues) of this configuration, each once; `notifications.reps` names each rep once. */
function notificationIssues(section: unknown, teamNames: Set<string> | undefined, queues: Set<string>, issues: ConfigIssue[]): void {
  if (!isEntry(section)) return;
  const seenTeams = new Map<string, number>();
  (Array.isArray(section.teams) ? section.teams : []).forEach((entry: unknown, i) => {
    const team = isEntry(entry) ? readableName(entry.team) : undefined;
    if (team === undefined) return;
    const key = team.toLowerCase();
    if (teamNames && !teamNames.has(key) && !queues.has(key)) issues.push({ path: ['notifications', 'teams', i, 'team'], message: `no team or queue named "${team}" in this configuration` });
    const first = seenTeams.get(key);
    if (first !== undefined) issues.push({ path: ['notifications', 'teams', i, 'team'], message: `"${team}" already has its channels in notifications.teams[${first}]` });
    else seenTeams.set(key, i);
  });
  (Array.isArray(section.reps) ? section.reps : []).forEach((entry: unknown, i) => {
    if (isEntry(entry) && entry.channel === 'slack' && entry.slack === undefined) {
      issues.push({ path: ['notifications', 'reps', i, 'channel'], message: 'slack needs the rep’s incoming-webhook URL in slack; or use channel: email' });
    }
  });
}

function checkUnique(items: ReadonlyArray<{ index: number; name: string }>, key: string, issues: ConfigIssue[]): void {
  const seen = new Map<string, number>();
  for (const { index, name } of items) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) issues.push({ path: [key, index, 'name'], message: `"${name}" is already the name of ${key}[${first}]` });
    else seen.set(name.toLowerCase(), index);
  }
}

function fallbackCycle(teams: ReadonlyArray<{ index: number; name: string; item: Entry }>): { index: number; names: string[] } | null {
  const byName = new Map(teams.map((t) => [t.name.toLowerCase(), t]));
  for (const start of teams) {
    const names = [start.name];
    let next = readableName(start.item.fallback);
    while (next !== undefined) {
      const found = byName.get(next.toLowerCase());
      if (!found) break;
      names.push(found.name);
      if (found.index === start.index) return { index: start.index, names };
      if (names.length > teams.length + 1) break;
      next = readableName(found.item.fallback);
    }
  }
  return null;
}
