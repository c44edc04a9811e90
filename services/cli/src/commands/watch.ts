import type { ApiClient } from '../api-client.ts';
import { formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';
import { RepDirectory } from '../rep-directory.ts';
import { streamUntil } from '../stream-until.ts';
import { TeamDirectory } from '../team-directory.ts';

/** A lifecycle event as the API streams it (the bus's JSON). */
interface LifecycleEvent {
  id: string;
  type: string;
  occurredAt: string;
  leadId: string;
  data: Record<string, unknown>;
}

export interface WatchOptions {
  lead?: string;
  rep?: string;
  team?: string;
  type?: string;
  json?: boolean;
  /** Stop after this many events. */
  count?: number;
}

/**
 * `switchboard watch`: live lifecycle events, one line each, filtered by lead, rep, team
 * and type, until Ctrl-C (or `--count` events).
 */
export async function watch(api: ApiClient, io: Output, options: WatchOptions, signal?: AbortSignal): Promise<void> {
  const query = new URLSearchParams();
  for (const key of ['lead', 'rep', 'team', 'type'] as const) {
    const value = options[key];
    if (value !== undefined) query.set(key, value);
  }
  const [reps, teams] = [new RepDirectory(api), new TeamDirectory(api)];
  const names: EventNames = { rep: (id) => reps.label(id), team: (id) => teams.label(id) };
  await streamUntil(
    api,
    io,
    `/v1/events${query.size > 0 ? `?${query}` : ''}`,
    { opened: `watching ${describeFilter(options)}`, quiet: options.json ?? false, count: options.count, signal },
    (data) => (options.json ? JSON.stringify(data) : formatEvent(data as LifecycleEvent, names)),
  );
}

function describeFilter(options: WatchOptions): string {
  const parts = [
    options.type ? `type ${options.type}` : 'all events',
    ...(options.lead ? [`of lead ${options.lead}`] : []),
    ...(options.rep ? [`naming rep ${options.rep}`] : []),
    ...(options.team ? [`of team ${options.team}`] : []),
  ];
  return parts.join(' ');
}

/** How a printed event names reps and teams: by name, not id. */
export interface EventNames {
  rep(id: string): Promise<string>;
  team(id: string): Promise<string>;
}

/** "2026-12-02 14:09:25Z  lead.assigned   0190…  → Sarah Chen <sarah@acme.com>  team EMEA  rule 2 …". */
export async function formatEvent(event: LifecycleEvent, names: EventNames): Promise<string> {
  const data = event.data ?? {};
  const details: string[] = [];
  if (typeof data.repId === 'string') details.push(`${event.type === 'lead.assigned' ? '→ ' : 'rep '}${await names.rep(data.repId)}`);
  if (typeof data.lastOwnerId === 'string') details.push(`last owner ${await names.rep(data.lastOwnerId)}`);
  if (typeof data.teamId === 'string') details.push(`team ${await names.team(data.teamId)}`);
  for (const key of ['summary', 'reason', 'outcome', 'type'] as const) {
    if (typeof data[key] === 'string') details.push(String(data[key]));
  }
  return `${formatTime(event.occurredAt)}  ${event.type.padEnd(24)}  ${event.leadId}  ${details.join('  ')}`.trimEnd();
}
