import type { ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';

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

/** `switchboard inspect lead <id>`: state, owner and the event log of one lead. */
export async function inspectLead(api: ApiClient, io: Output, id: string, json: boolean): Promise<void> {
  const { body: lead } = await api.request<LeadDetail>('GET', `/v1/leads/${encodeURIComponent(id)}`);
  if (json) {
    io.out(JSON.stringify(lead, null, 2));
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
      '',
      formatTable(
        ['time', 'event', 'transition', 'cause'],
        lead.events.map((e) => [formatTime(e.at), e.type, `${e.from ?? '·'} → ${e.to ?? '·'}`, e.cause]),
      ),
    ].join('\n'),
  );
}

/** `switchboard inspect rep <id>`: state, load and profile of one rep. */
export async function inspectRep(api: ApiClient, io: Output, id: string, json: boolean): Promise<void> {
  const { body: rep } = await api.request<Rep>('GET', `/v1/reps/${encodeURIComponent(id)}`);
  if (json) {
    io.out(JSON.stringify(rep, null, 2));
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
    ].join('\n'),
  );
}
