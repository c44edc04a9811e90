import type { ApiClient } from '../api-client.ts';
import { formatTable } from '../format-table.ts';
import type { Output } from '../output.ts';

interface Rep {
  id: string;
  name: string;
  email: string;
  state: string;
  activeLeads: number;
  cap: number | null;
  weight: number;
}

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

/** `switchboard reps set <id>`: change a rep, e.g. `--away` / `--available`. */
export async function setRep(api: ApiClient, io: Output, id: string, patch: Record<string, unknown>, json: boolean): Promise<void> {
  const { body } = await api.request<Rep>('PATCH', `/v1/reps/${encodeURIComponent(id)}`, patch);
  io.out(json ? JSON.stringify(body) : `Rep ${body.name} is now ${body.state} (${body.activeLeads} active)`);
}

/** `switchboard reps list`. */
export async function listReps(api: ApiClient, io: Output, json: boolean): Promise<void> {
  const { body } = await api.request<{ items: Rep[] }>('GET', '/v1/reps?limit=1000');
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

/** `switchboard teams add`. */
export async function addTeam(api: ApiClient, io: Output, options: { name: string; members?: string[]; json?: boolean }): Promise<void> {
  const { body } = await api.request<{ id: string; name: string; isDefault: boolean; members: string[] }>('POST', '/v1/teams', {
    name: options.name,
    members: options.members ?? [],
  });
  io.out(
    options.json
      ? JSON.stringify(body)
      : `Team created: ${body.name} (${body.id}), ${body.members.length} member(s)${body.isDefault ? ', the default team' : ''}`,
  );
}
