import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import { DiffView } from '../components/diff-view.tsx';
import { CommandHint } from '../components/command-hint.tsx';
import { ConfigEditor } from '../components/config-editor.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorState } from '../components/error-state.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { formatDateTime } from '../format/format-time.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session/session.tsx';

/** A first configuration that applies as it stands to the reps and team the board's hint makes. */
const EXAMPLE_CONFIG = `teams:
  - name: Inbound
    members: [sarah@example.com, li@example.com]
    strategy: round_robin
territories:
  - name: DACH
    when: { country: [DE, AT, CH] }
rules:
  - name: DACH to Sarah
    when: { territory: DACH }
    route: { rep: sarah@example.com }
  - name: Everyone else
    route: { team: Inbound }
`;

/** The routing configuration: the version in force, every earlier one, and what changed between two. */
export function ConfigPage() {
  const { principal, can } = useSession();
  const current = useResource(() => api.currentConfig(), [], { pollMs: 10_000 });
  const versions = useResource(() => api.configVersions(), [], { pollMs: 10_000 });
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const items = versions.data?.items ?? [];

  // Start by showing what the latest change did.
  const loaded = versions.data?.items;
  useEffect(() => {
    if (from === null && loaded && loaded.length >= 2) {
      setFrom(loaded[1]!.version);
      setTo(loaded[0]!.version);
    }
  }, [loaded, from]);
  const diff = useResource(() => (from !== null && to !== null ? api.configDiff(from, to) : Promise.resolve(null)), [from, to]);

  if ((current.loading && !current.data) || (versions.loading && !versions.data)) return <LoadingState what="Loading the configuration" />;
  const error = current.error ?? versions.error;
  if (error && (!current.data || !versions.data)) {
    return <ErrorState title="Could not load the configuration" error={error} onRetry={() => (current.reload(), versions.reload())} />;
  }
  const c = current.data;
  if (!c || c.version === null) {
    return (
      <>
        <PageHeader title="Configuration" subtitle="Teams, territories and routing rules, versioned." />
        <EmptyState title="No routing configuration applied yet">
          Leads go to the team they name, else to the default team (the first created). A configuration routes by rules instead:
          <CommandHint file={{ name: 'routing.yaml', text: EXAMPLE_CONFIG }} commands={['config apply routing.yaml --dry-run', 'config apply routing.yaml --comment "first rules"']} />
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Configuration" subtitle="Teams, territories and routing rules, versioned. Changes apply to the next lead." />
      <div className="columns even">
        <section className="card" aria-labelledby="current-heading">
          <h2 id="current-heading">
            Current: version {c.version} <span className="badge tone-green">in force</span>
          </h2>
          <dl className="facts inline">
            <div>
              <dt>Applied</dt>
              <dd>{formatDateTime(c.createdAt)}</dd>
            </div>
            <div>
              <dt>By</dt>
              <dd>{c.author}</dd>
            </div>
            <div>
              <dt>Comment</dt>
              <dd>{c.comment ?? <span className="muted">–</span>}</dd>
            </div>
            {c.rolledBackFrom !== null && (
              <div>
                <dt>Restores</dt>
                <dd>version {c.rolledBackFrom}</dd>
              </div>
            )}
          </dl>
          <pre className="code config-source">{c.source}</pre>
          {can('admin') && (
            <section className="config-edit" aria-labelledby="edit-heading">
              <h2 id="edit-heading">Change it</h2>
              <p className="muted small">Edit a copy of the configuration; check it to see every problem at once, then apply it as a new version.</p>
              <ConfigEditor
                initial={c.source}
                author={`console:${principal?.name ?? 'admin'}`}
                onApplied={() => (current.reload(), versions.reload())}
              />
            </section>
          )}
        </section>
        <aside className="side-column">
          <section className="card table-card" aria-labelledby="history-heading">
            <h2 id="history-heading">History</h2>
            <table className="table compact versions-table">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Applied</th>
                  <th>By</th>
                  <th>Comment</th>
                  <th title="Compare from / to">Diff</th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.version} className={v.version === c.version ? 'highlight' : undefined}>
                    <td>
                      <strong>v{v.version}</strong>
                      {v.rolledBackFrom !== null && <span className="muted small"> ↺ v{v.rolledBackFrom}</span>}
                    </td>
                    <td className="nowrap">{formatDateTime(v.createdAt)}</td>
                    <td>{v.author}</td>
                    <td>{v.comment ?? <span className="muted">–</span>}</td>
                    <td className="diff-pick">
                      <label title={`Compare from v${v.version}`}>
                        <input type="radio" name="diff-from" checked={from === v.version} onChange={() => setFrom(v.version)} /> from
                      </label>
                      <label title={`Compare to v${v.version}`}>
                        <input type="radio" name="diff-to" checked={to === v.version} onChange={() => setTo(v.version)} /> to
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="diff-heading">
            <h2 id="diff-heading">{from !== null && to !== null ? `Diff v${from} → v${to}` : 'Diff'}</h2>
            {items.length < 2 ? (
              <p className="muted">Only one version so far: apply another to compare.</p>
            ) : diff.error ? (
              <ErrorState title="Could not diff the versions" error={diff.error} onRetry={diff.reload} />
            ) : diff.data ? (
              <DiffView diff={diff.data.diff} />
            ) : (
              <LoadingState what="Comparing" />
            )}
          </section>
        </aside>
      </div>
    </>
  );
}
