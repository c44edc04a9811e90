import type { ApiClient } from '../api-client.ts';
import { formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';
import { streamUntil } from '../stream-until.ts';

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
  await streamUntil(
    api,
    io,
    `/v1/events${query.size > 0 ? `?${query}` : ''}`,
    { opened: `watching ${describeFilter(options)}`, quiet: options.json ?? false, count: options.count, signal },
    (data) => (options.json ? JSON.stringify(data) : formatEvent(data as LifecycleEvent)),
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

/** "2026-12-02 14:09:25Z  lead.assigned   0190…  → rep 0190… (team 0190…): rule 2 …". */
export function formatEvent(event: LifecycleEvent): string {
  const data = event.data ?? {};
  const details: string[] = [];
  if (typeof data.repId === 'string') details.push(`rep ${data.repId}`);
  if (typeof data.teamId === 'string') details.push(`team ${data.teamId}`);
  for (const key of ['summary', 'reason', 'outcome', 'type'] as const) {
    if (typeof data[key] === 'string') details.push(String(data[key]));
  }
  return `${formatTime(event.occurredAt)}  ${event.type.padEnd(24)}  ${event.leadId}  ${details.join('  ')}`.trimEnd();
}
