import type { ApiClient } from '../api-client.ts';
import { formatTable } from '../format-table.ts';
import type { Output } from '../output.ts';
import { repIdOf } from './accounts.ts';

interface ApiKey {
  id: string;
  name: string;
  role: string;
  repId: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  key?: string;
}

/** `switchboard keys create --name <name> --role <role>`: prints the key, which is shown this once. */
export async function createKey(api: ApiClient, io: Output, options: { name: string; role: string; rep?: string; expires?: string; json?: boolean }): Promise<void> {
  let repId: string | undefined;
  if (options.rep !== undefined) {
    repId = await repIdOf(api, io, options.rep);
    if (repId === undefined) return;
  }
  const { body } = await api.request<ApiKey>('POST', '/v1/keys', {
    name: options.name,
    role: options.role,
    ...(repId !== undefined && { repId }),
    ...(options.expires !== undefined && { expiresAt: options.expires }),
  });
  if (options.json) {
    io.out(JSON.stringify(body));
    return;
  }
  io.out(`Key created: ${body.name} (${body.id}), role ${body.role}${body.expiresAt ? `, expires ${body.expiresAt}` : ''}.`);
  io.out('It is shown this once; store it now (it is kept only as a hash):');
  io.out(`  ${body.key}`);
}

/** `switchboard keys list`: every key, without secrets, with when it was last used. */
export async function listKeys(api: ApiClient, io: Output, options: { json?: boolean }): Promise<void> {
  const { body } = await api.request<{ items: ApiKey[] }>('GET', '/v1/keys');
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('No keys stored (SWITCHBOARD_ADMIN_KEY is in use). Create one with: switchboard keys create --name "HubSpot form" --role intake');
    return;
  }
  const status = (k: ApiKey) => (k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? `expired ${k.expiresAt}` : 'live');
  io.out(
    formatTable(
      ['id', 'name', 'role', 'rep', 'status', 'last used', 'created by'],
      body.items.map((k) => [k.id, k.name, k.role, k.repId ?? '-', status(k), k.lastUsedAt ?? 'never', k.createdBy]),
    ),
  );
}

/** `switchboard keys revoke <id>`: the key stops working at once. */
export async function revokeKey(api: ApiClient, io: Output, id: string, options: { json?: boolean }): Promise<void> {
  const { body } = await api.request<ApiKey>('DELETE', `/v1/keys/${encodeURIComponent(id)}`);
  io.out(options.json ? JSON.stringify(body) : `Key revoked: ${body.name} (${body.id}); it no longer works, and its console sessions have ended.`);
}
