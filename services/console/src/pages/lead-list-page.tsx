import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import { LEAD_STATES, type LeadState, type LeadSummary } from '../api/types.ts';
import { CommandHint } from '../components/command-hint.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorState } from '../components/error-state.tsx';
import { LeadRow } from '../components/lead-row.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { TeamSelect } from '../components/team-select.tsx';
import { useResource } from '../hooks/use-resource.ts';

/** Leads, newest first, filtered by state, owner and team (on the server) and by text (on the loaded leads). */
export function LeadListPage() {
  const [state, setState] = useState<LeadState | ''>('');
  const [owner, setOwner] = useState('');
  const [team, setTeam] = useState('');
  const [search, setSearch] = useState('');
  const [more, setMore] = useState<{ items: ReadonlyArray<LeadSummary>; next: string | null } | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);

  const filter = { state: state || undefined, owner: owner || undefined, team: team || undefined };
  const leads = useResource(() => api.leads(filter), [state, owner, team], { pollMs: 3000 });
  const reps = useResource(() => api.reps(), []);
  const teams = useResource(() => api.teams(), []);
  useEffect(() => setMore(null), [state, owner, team]);

  const repName = new Map((reps.data?.items ?? []).map((r) => [r.id, r.name]));
  const teamName = new Map((teams.data?.items ?? []).map((t) => [t.id, t.name]));
  const loaded = [...(leads.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : (leads.data?.next ?? null);
  const needle = search.trim().toLowerCase();
  const shown = needle
    ? loaded.filter((l) => [l.email, l.company, l.firstName, l.lastName, l.externalId].some((v) => v?.toLowerCase().includes(needle)))
    : loaded;

  const loadMore = async () => {
    if (!next) return;
    setMoreError(null);
    try {
      const page = await api.leads({ ...filter, before: next });
      setMore({ items: [...(more?.items ?? []), ...page.items], next: page.next ?? null });
    } catch (error) {
      setMoreError((error as Error).message);
    }
  };
  const filtered = Boolean(state || owner || team || needle);

  return (
    <>
      <PageHeader title="Leads" subtitle="Newest first. Open a lead for its timeline, its SLA clock and why it went where it went." />
      <div className="filters card">
        <label>
          State
          <select value={state} onChange={(e) => setState(e.target.value as LeadState | '')}>
            <option value="">All states</option>
            {LEAD_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Owner
          <select value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">Anyone</option>
            {(reps.data?.items ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <TeamSelect teams={teams.data?.items ?? []} value={team} onChange={setTeam} />
        <label className="grow">
          Search
          <input type="search" placeholder="Email, name, company or external id (in the loaded leads)" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>
      {leads.loading && !leads.data && <LoadingState what="Loading leads" />}
      {leads.error && !leads.data && <ErrorState title="Could not load the leads" error={leads.error} onRetry={leads.reload} />}
      {leads.data &&
        (shown.length === 0 ? (
          filtered ? (
            <EmptyState title="No leads match these filters">Clear a filter to see more.</EmptyState>
          ) : (
            <EmptyState title="No leads yet">
              Send one (with reps and a team in place, it is assigned at once); forms and CRMs post to <code>POST /v1/leads</code>:
              <CommandHint commands={['leads add --email ana@acme.io --company "Acme GmbH" --attr country=DE', 'leads list']} />
            </EmptyState>
          )
        ) : (
          <div className="card table-card">
            <table className="table lead-table">
              <thead>
                <tr>
                  <th>Lead</th>
                  <th>Company</th>
                  <th>State</th>
                  <th>Owner</th>
                  <th>Team</th>
                  <th>SLA</th>
                  <th>Received</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((lead) => (
                  <LeadRow key={lead.id} lead={lead} ownerName={lead.ownerId ? repName.get(lead.ownerId) : undefined} teamName={lead.teamId ? teamName.get(lead.teamId) : undefined} />
                ))}
              </tbody>
            </table>
            <div className="table-footer">
              <span className="muted">
                {shown.length} of {loaded.length} loaded
              </span>
              {moreError && <span className="tone-text-red">{moreError}</span>}
              {next && (
                <button type="button" className="button" onClick={() => void loadMore()}>
                  Load older leads
                </button>
              )}
            </div>
          </div>
        ))}
    </>
  );
}
