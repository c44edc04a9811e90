import type { WeeklySchedule } from '@switchboard/core';
import type { ApiClient } from '../api-client.ts';
import { formatTable } from '../format-table.ts';
import { type ListedRep, RepDirectory } from '../rep-directory.ts';
import type { Output } from '../output.ts';
import { formatWorkingHours } from '../working-hours-text.ts';

/** A rep as the API answers it: what the CLI prints of it. */
type Rep = ListedRep & { readonly timezone: string; readonly workingHours: WeeklySchedule | null };

/** `switchboard reps add`. */
export async function addRep(
  api: ApiClient,
  io: Output,
  options: { name: string; email: string; cap?: number; weight?: number; timezone?: string; tag?: string[]; json?: boolean },
): Promise<void> {
  const { body } = await api.request<Rep>('POST', '/v1/reps', {
    name: options.name,
    email: options.email,
    ...(options.cap !== undefined && { cap: options.cap }),
    ...(options.weight !== undefined && { weight: options.weight }),
    ...(options.timezone && { timezone: options.timezone }),
    ...(options.tag && { tags: options.tag }),
  });
  io.out(options.json ? JSON.stringify(body) : `Rep created: ${body.name} (${body.id}), ${body.state}`);
}

/** `switchboard reps set <rep>`: change a rep (by email or id), e.g. `--away` / `--available`, `--cap`, `--weight`. */
export async function setRep(api: ApiClient, io: Output, ref: string, patch: Record<string, unknown>, json: boolean): Promise<void> {
  // The API takes the rep by email or id.
  const { body } = await api.request<Rep>('PATCH', `/v1/reps/${encodeURIComponent(ref)}`, patch);
  if (json) {
    io.out(JSON.stringify(body));
    return;
  }
  const hours = 'workingHours' in patch ? `; works ${formatWorkingHours(body.workingHours)} (${body.timezone})` : '';
  io.out(`Rep ${body.name} is now ${body.state} (${body.activeLeads} active)${hours}`);
}

/** `switchboard reps list`. */
export async function listReps(api: ApiClient, io: Output, json: boolean): Promise<void> {
  const body = { items: await new RepDirectory(api).all(), next: null };
  if (json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('No reps yet. Add one with: switchboard reps add --name "Sarah Chen" --email sarah@example.com');
    return;
  }
  io.out(
    formatTable(
      ['id', 'name', 'email', 'state', 'load', 'weight'],
      body.items.map((r) => [r.id, r.name, r.email, r.state, `${r.activeLeads}/${r.cap ?? '∞'}`, String(r.weight)]),
    ),
  );
}

/** `switchboard teams add`: members by email or id. */
export async function addTeam(api: ApiClient, io: Output, options: { name: string; members?: string[]; json?: boolean }): Promise<void> {
  const directory = new RepDirectory(api);
  const members = await Promise.all((options.members ?? []).map((ref) => directory.idOf(ref)));
  const { body } = await api.request<{ id: string; name: string; isDefault: boolean; members: string[] }>('POST', '/v1/teams', {
    name: options.name,
    members,
  });
  io.out(
    options.json
      ? JSON.stringify(body)
      : `Team created: ${body.name} (${body.id}), ${body.members.length} member(s)${body.isDefault ? ', the default team' : ''}`,
  );
}

interface Team {
  id: string;
  name: string;
  strategy: string;
  isDefault: boolean;
  members: string[];
}

/** `switchboard teams list`: every team, its strategy and members by name. */
export async function listTeams(api: ApiClient, io: Output, json: boolean): Promise<void> {
  const { body } = await api.request<{ items: Team[] }>('GET', '/v1/teams');
  if (json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('No teams yet. Add one with: switchboard teams add --name EMEA --members sarah@example.com li@example.com');
    return;
  }
  const directory = new RepDirectory(api);
  const rows = await Promise.all(
    body.items.map(async (t) => [t.name + (t.isDefault ? ' (default)' : ''), t.strategy, String(t.members.length), (await Promise.all(t.members.map((m) => directory.label(m)))).join(', ') || '-', t.id]),
  );
  io.out(formatTable(['team', 'strategy', 'members', 'who', 'id'], rows));
}

/** `switchboard teams show <team>`: one team (by name or id) with each member's state and load. */
export async function showTeam(api: ApiClient, io: Output, ref: string, json: boolean): Promise<void> {
  const { body: team } = await api.request<Team & { sla?: unknown }>('GET', `/v1/teams/${encodeURIComponent(ref)}`);
  const reps = await new RepDirectory(api).all();
  const members = team.members.map((id) => reps.find((r) => r.id === id)).filter((r): r is Rep => r !== undefined);
  if (json) {
    io.out(JSON.stringify({ ...team, reps: members }, null, 2));
    return;
  }
  io.out(`Team ${team.name} (${team.id})${team.isDefault ? ', the default team' : ''}: ${team.strategy}, ${team.members.length} member(s)`);
  if (members.length > 0) {
    io.out(formatTable(['name', 'email', 'state', 'load', 'weight'], members.map((r) => [r.name, r.email, r.state, `${r.activeLeads}/${r.cap ?? '∞'}`, String(r.weight)])));
  }
}
