import { InvalidArgumentError } from 'commander';
import type { ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';
import { RepDirectory } from '../rep-directory.ts';

/** Options of `switchboard leads add`. */
export interface AddLeadOptions {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  externalId?: string;
  team?: string;
  source?: string;
  attr?: Record<string, string | number | boolean>;
  json?: boolean;
}

/** Parses repeated `--attr key=value` options; numbers and booleans keep their type. */
export function collectAttribute(
  pair: string,
  previous: Record<string, string | number | boolean> = {},
): Record<string, string | number | boolean> {
  const at = pair.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${pair}"`);
  const key = pair.slice(0, at);
  const raw = pair.slice(at + 1);
  const value = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { ...previous, [key]: value };
}

/** `switchboard leads add`: submits one lead through the API. */
export async function addLead(api: ApiClient, io: Output, options: AddLeadOptions): Promise<void> {
  const body = {
    email: options.email,
    ...(options.firstName && { firstName: options.firstName }),
    ...(options.lastName && { lastName: options.lastName }),
    ...(options.company && { company: options.company }),
    ...(options.externalId && { externalId: options.externalId }),
    ...(options.team && { team: options.team }),
    ...(options.source && { source: options.source }),
    ...(options.attr && { attributes: options.attr }),
  };
  const { status, body: answer } = await api.request<{ id: string; duplicate: boolean; merged: boolean }>('POST', '/v1/leads', body);
  if (options.json) io.out(JSON.stringify(answer));
  else if (answer.merged) io.out(`Merged into open lead ${answer.id} (same email; dedupe.byEmail is on)`);
  else if (status === 200) io.out(`Lead already known (same external id): ${answer.id}`);
  else io.out(`Lead accepted: ${answer.id}\nFollow it with: switchboard inspect lead ${answer.id}`);
}

/** `switchboard leads list`. */
export async function listLeads(
  api: ApiClient,
  io: Output,
  options: { state?: string; owner?: string; limit?: string; json?: boolean },
): Promise<void> {
  const query = new URLSearchParams();
  const directory = new RepDirectory(api);
  if (options.state) query.set('state', options.state);
  if (options.owner) query.set('owner', await directory.idOf(options.owner));
  if (options.limit) query.set('limit', options.limit);
  const { body } = await api.request<{ items: Array<Record<string, string | null>> }>('GET', `/v1/leads?${query}`);
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('No leads match.');
    return;
  }
  const rows = await Promise.all(body.items.map(async (l) => [l.id ?? '', l.email ?? '', l.company ?? '-', l.state ?? '', await directory.label(l.ownerId), formatTime(l.createdAt)]));
  io.out(formatTable(['id', 'email', 'company', 'state', 'owner', 'received'], rows));
}

/** `switchboard leads touch|close|reject <id>`: what happens to a lead after assignment. */
export async function leadCommand(
  api: ApiClient,
  io: Output,
  id: string,
  path: 'touches' | 'close' | 'reject',
  body: Record<string, unknown>,
  json: boolean,
): Promise<void> {
  const { body: answer } = await api.request<{ id: string; state: string; ownerId: string | null }>(
    'POST',
    `/v1/leads/${encodeURIComponent(id)}/${path}`,
    body,
  );
  io.out(json ? JSON.stringify(answer) : `Lead ${answer.id} is now ${answer.state}${answer.ownerId ? `, owned by ${await new RepDirectory(api).label(answer.ownerId)}` : ''}`);
}
