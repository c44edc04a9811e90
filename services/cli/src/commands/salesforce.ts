import type { ApiClient } from '../api-client.ts';
import { formatTable, formatTime } from '../format-table.ts';
import type { Output } from '../output.ts';

interface AttentionRecord {
  leadId: string;
  salesforceId: string;
  repId: string | null;
  salesforceUserId: string | null;
  errorCode: string;
  message: string;
  fields: string[];
  attempts: number;
  updatedAt: string;
  resolvedAt: string | null;
}

/** `switchboard salesforce attention`: owner write-backs Salesforce refused, with its error. */
export async function salesforceAttention(api: ApiClient, io: Output, options: { all?: boolean; json?: boolean }): Promise<void> {
  const { body } = await api.request<{ items: AttentionRecord[] }>('GET', `/v1/salesforce/attention${options.all ? '?includeResolved=true' : ''}`);
  if (options.json) {
    io.out(JSON.stringify(body, null, 2));
    return;
  }
  if (body.items.length === 0) {
    io.out('Nothing needs attention: every owner write-back to Salesforce went through.');
    return;
  }
  io.out(
    formatTable(
      ['salesforce id', 'lead', 'error', 'fields', 'tries', 'last', 'message'],
      body.items.map((a) => [
        a.salesforceId,
        a.leadId,
        a.resolvedAt ? `${a.errorCode} (resolved)` : a.errorCode,
        a.fields.join(',') || '-',
        String(a.attempts),
        formatTime(a.updatedAt),
        a.message,
      ]),
    ),
  );
}
