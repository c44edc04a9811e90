import type { ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';
import { RepDirectory } from '../rep-directory.ts';
import { streamUntil } from '../stream-until.ts';

interface LeadEvent {
  type: string;
  from: string | null;
  to: string | null;
  cause: string;
  data: Record<string, unknown>;
  at: string;
}
interface LeadDetail {
  id: string;
  email: string;
  company: string | null;
  externalId: string | null;
  state: string;
  ownerId: string | null;
  teamId: string | null;
  waitingReason: string | null;
  createdAt: string;
  events: LeadEvent[];
  assignments: Array<{ repId: string; teamId: string; assignedAt: string; endedAt: string | null; decision: { summary?: string } }>;
}
interface Rep {
  id: string;
  name: string;
  email: string;
  state: string;
  available: boolean;
  activeLeads: number;
  cap: number | null;
  weight: number;
  timezone: string;
  tags: string[];
  lastAssignedAt: string | null;
}

/** What `/v1/inspect/:kind/:id` answers: the actor's state value, context and last transitions. */
interface ActorInspection {
  kind: 'lead' | 'rep';
  id: string;
  name: string;
  state: string;
  live: boolean;
  value: unknown;
  context: unknown;
  status: string | null;
  version: number;
  updatedAt: string;
  traceId: string | null;
  transitions: Array<{ type: string | null; from: string | null; to: string | null; cause: string; at: string; activeLeads?: number }>;
}

/** `switchboard inspect lead <id>`: state, owner, the actor's state and context, and the event log of one lead. */
export async function inspectLead(api: ApiClient, io: Output, id: string, json: boolean): Promise<void> {
  const { body: lead } = await api.request<LeadDetail>('GET', `/v1/leads/${encodeURIComponent(id)}`);
  const { body: actor } = await api.request<ActorInspection>('GET', `/v1/inspect/leads/${encodeURIComponent(id)}`);
  if (json) {
    io.out(JSON.stringify({ ...lead, actor }, null, 2));
    return;
  }
  let owner = '-';
  if (lead.ownerId) {
    const { body: rep } = await api.request<Rep>('GET', `/v1/reps/${lead.ownerId}`);
    owner = `${rep.name} <${rep.email}> (${rep.id})`;
  }
  const current = lead.assignments.find((a) => a.endedAt === null);
  io.out(
    [
      `Lead ${lead.id}`,
      `  email:    ${lead.email}${lead.company ? `  (${lead.company})` : ''}`,
      `  state:    ${lead.state}${lead.waitingReason ? ` — ${lead.waitingReason}` : ''}`,
      `  owner:    ${owner}`,
      `  team:     ${lead.teamId ?? '-'}`,
      ...(lead.externalId ? [`  external: ${lead.externalId}`] : []),
      `  received: ${formatTime(lead.createdAt)}`,
      ...(current?.decision.summary ? [`  why:      ${current.decision.summary}`] : []),
      ...(actor.traceId ? [`  trace:    ${actor.traceId}`] : []),
      ...describeActor(actor, 10),
      '',
      formatTable(
        ['time', 'event', 'transition', 'cause'],
        lead.events.map((e) => [formatTime(e.at), e.type, `${e.from ?? '·'} → ${e.to ?? '·'}`, e.cause]),
      ),
    ].join('\n'),
  );
}

/** `switchboard inspect rep <id>`: state, load and profile of one rep, its actor's state and context, and its last transitions. */
export async function inspectRep(api: ApiClient, io: Output, ref: string, json: boolean): Promise<void> {
  const id = await new RepDirectory(api).idOf(ref);
  const { body: rep } = await api.request<Rep>('GET', `/v1/reps/${encodeURIComponent(id)}`);
  const { body: actor } = await api.request<ActorInspection>('GET', `/v1/inspect/reps/${encodeURIComponent(id)}`);
  if (json) {
    io.out(JSON.stringify({ ...rep, actor }, null, 2));
    return;
  }
  io.out(
    [
      `Rep ${rep.name} <${rep.email}> (${rep.id})`,
      `  state:        ${rep.state}${rep.available ? '' : ' (toggled away)'}`,
      `  active leads: ${rep.activeLeads}${rep.cap === null ? ' (no cap)' : ` of ${rep.cap}`}`,
      `  weight:       ${rep.weight}`,
      `  time zone:    ${rep.timezone}`,
      `  tags:         ${rep.tags.length > 0 ? rep.tags.join(', ') : '-'}`,
      `  last lead:    ${formatTime(rep.lastAssignedAt)}`,
      ...describeActor(actor, 14),
      '',
      actor.transitions.length === 0
        ? 'No state changes recorded yet.'
        : formatTable(
            ['time', 'transition', 'cause', 'active leads'],
            actor.transitions.map((t) => [formatTime(t.at), `${t.from ?? '·'} → ${t.to ?? '·'}`, t.cause, String(t.activeLeads ?? '-')]),
          ),
    ].join('\n'),
  );
}

/** The actor part: its XState state value, where it was read, and its context, one field a line; `label` pads like the lines above it. */
function describeActor(actor: ActorInspection, label: number): string[] {
  const source = actor.live ? 'live, from the router' : 'as persisted (not in memory)';
  const lines = [`  ${'actor:'.padEnd(label)}${JSON.stringify(actor.value)} (${source}; version ${actor.version}${actor.status ? `, ${actor.status}` : ''})`];
  if (actor.context !== null && typeof actor.context === 'object') {
    const fields = Object.entries(actor.context as Record<string, unknown>);
    const width = Math.max(0, ...fields.map(([key]) => key.length));
    lines.push('  context:', ...fields.map(([key, value]) => `    ${key.padEnd(width)}  ${compact(value)}`));
  }
  return lines;
}

/** A value on one line, cut at 100 characters. */
function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

interface Inspection {
  type: string;
  at: string;
  event?: { type?: string };
  value?: unknown;
  action?: string;
  transitions?: string[];
}

/** "2026-12-02 14:52:35Z  @xstate.snapshot   → "available" (after OFFER)". */
function formatInspection(inspection: Inspection): string {
  const what =
    inspection.type === '@xstate.snapshot'
      ? `→ ${JSON.stringify(inspection.value)} (after ${inspection.event?.type ?? '?'})`
      : inspection.type === '@xstate.action'
        ? (inspection.action ?? '')
        : inspection.type === '@xstate.microstep'
          ? (inspection.transitions ?? []).join('; ')
          : JSON.stringify(inspection.event ?? {});
  return `${formatTime(inspection.at)}  ${inspection.type.padEnd(17)}  ${what}`;
}

/**
 * `switchboard inspect lead|rep <id> --xstate`: the actor's XState inspection events as they
 * happen (events received, snapshots, transitions), until Ctrl-C or `count` events.
 */
export async function streamInspection(
  api: ApiClient,
  io: Output,
  kind: 'leads' | 'reps',
  id: string,
  options: { json?: boolean; count?: number },
  signal?: AbortSignal,
): Promise<void> {
  await streamUntil(
    api,
    io,
    `/v1/inspect/${kind}/${encodeURIComponent(id)}/xstate`,
    { opened: `streaming XState inspection events of ${kind.slice(0, -1)} ${id}`, quiet: options.json ?? false, count: options.count, signal },
    (data) => (options.json ? JSON.stringify(data) : formatInspection(data as Inspection)),
  );
}
