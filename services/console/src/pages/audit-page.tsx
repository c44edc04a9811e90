import { api, type AuditEntry } from '../api/api-client.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorState } from '../components/error-state.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { formatDateTime } from '../format/format-time.ts';
import { useResource } from '../hooks/use-resource.ts';

/** What a change did, in a line: the fields whose values differ between before and after. */
function changedFields(entry: AuditEntry): string {
  const before = entry.before && typeof entry.before === 'object' ? (entry.before as Record<string, unknown>) : {};
  const after = entry.after && typeof entry.after === 'object' ? (entry.after as Record<string, unknown>) : {};
  if (!entry.before) return 'created or applied';
  const fields = Object.keys(after).filter((k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const text = fields.map((k) => `${k}: ${JSON.stringify(before[k]) ?? '–'} → ${JSON.stringify(after[k])}`).join('; ');
  return text === '' ? '–' : text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

/** The audit log: who changed what, newest first (an admin's page). */
export function AuditPage() {
  const entries = useResource(() => api.audit(), [], { pollMs: 10_000 });
  if (entries.loading && !entries.data) return <LoadingState what="Loading the audit log" />;
  if (entries.error && !entries.data) return <ErrorState title="Could not load the audit log" error={entries.error} onRetry={entries.reload} />;
  const items = entries.data?.items ?? [];
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change made through the API: who, when, what, and before and after." />
      {items.length === 0 ? (
        <EmptyState title="No changes recorded yet">Changes to reps, teams, configuration, keys and leads show here as they are made.</EmptyState>
      ) : (
        <div className="card table-card">
          <table className="table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Target</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id} data-audit-id={e.id}>
                  <td className="nowrap">{formatDateTime(e.at)}</td>
                  <td>
                    {e.actor} <span className="muted small">{e.actorRole}</span>
                  </td>
                  <td className="nowrap">{e.action}</td>
                  <td>
                    {e.targetKind} <span className="muted small">{e.targetId ?? ''}</span>
                  </td>
                  <td className="small">{changedFields(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
