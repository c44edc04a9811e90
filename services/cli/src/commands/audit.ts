import type { ApiClient } from '../api-client.ts';
import { formatTable } from '../format-table.ts';
import type { Output } from '../output.ts';

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  targetKind: string;
  targetId: string | null;
  status: number;
}

/** `switchboard audit`: who changed what, newest first. */
export async function listAudit(api: ApiClient, io: Output, options: { actor?: string; kind?: string; target?: string; since?: string; limit?: number; json?: boolean }): Promise<void> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ actor: options.actor, kind: options.kind, target: options.target, since: options.since, limit: options.limit })) {
    if (value !== undefined) query.set(key, String(value));
  }
  const { body } = await api.request<{ items: AuditEntry[] }>('GET', `/v1/audit${query.size > 0 ? `?${query}` : ''}`);
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('No changes recorded yet.');
    return;
  }
  io.out(formatTable(['when', 'who', 'role', 'what', 'target'], body.items.map((e) => [e.at, e.actor, e.actorRole, e.action, `${e.targetKind} ${e.targetId ?? ''}`.trim()])));
}
