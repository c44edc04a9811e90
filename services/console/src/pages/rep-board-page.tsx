import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Rep, RepState, Team } from '../api/types.ts';
import { CommandHint } from '../components/command-hint.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorState } from '../components/error-state.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { RepRow } from '../components/rep-row.tsx';
import { StatTile } from '../components/stat-tile.tsx';
import { useResource } from '../hooks/use-resource.ts';

/** How often the board asks for fresh state. */
const POLL_MS = 2000;

const ORDER: Record<RepState, number> = { available: 0, busy: 1, capped: 2, away: 3, offline: 4, inactive: 5 };

/** The home page: every rep's live state and load, and the one switch an admin needs most. */
export function RepBoardPage() {
  const reps = useResource(() => api.reps(), [], { pollMs: POLL_MS });
  const teams = useResource(() => api.teams(), [], { pollMs: 10_000 });
  const waiting = useResource(() => api.leads({ state: 'waiting', limit: 100 }), [], { pollMs: POLL_MS });
  const [busy, setBusy] = useState<string | null>(null);
  const [toggleError, setToggleError] = useState<string | null>(null);

  const toggle = async (rep: Rep) => {
    setBusy(rep.id);
    setToggleError(null);
    try {
      await api.setRepAvailable(rep.id, !rep.available);
      reps.reload();
    } catch (error) {
      setToggleError(`Could not change ${rep.name}: ${(error as Error).message}`);
    } finally {
      setBusy(null);
    }
  };

  const items = reps.data?.items ?? [];
  const count = (state: RepState) => items.filter((r) => r.state === state).length;
  const teamsOf = (rep: Rep): ReadonlyArray<Team> => (teams.data?.items ?? []).filter((t) => t.members.includes(rep.id));
  const sorted = [...items].sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.name.localeCompare(b.name));
  const waitingCount = waiting.data ? `${waiting.data.items.length}${waiting.data.next ? '+' : ''}` : '–';

  return (
    <>
      <PageHeader
        title="Rep board"
        subtitle="Who can take a lead right now. Live: refreshes every 2 seconds."
        actions={reps.error && reps.data ? <span className="badge tone-red">Connection lost: showing the last known state</span> : <span className="live-dot">Live</span>}
      />
      {reps.loading && !reps.data && <LoadingState what="Loading reps" />}
      {reps.error && !reps.data && <ErrorState title="Could not load the reps" error={reps.error} onRetry={reps.reload} />}
      {reps.data && (
        <>
          <section className="stat-row" aria-label="Summary">
            <StatTile label="Available" value={count('available')} tone="green" hint={`of ${items.length} reps`} />
            <StatTile label="In a meeting" value={count('busy')} tone="violet" hint="busy, as their calendars say" />
            <StatTile label="Capped" value={count('capped')} tone="red" hint="at their cap" />
            <StatTile label="Away" value={count('away')} tone="amber" hint="away or out of office" />
            <StatTile label="Offline" value={count('offline') + count('inactive')} tone="grey" hint="off shift or inactive" />
            <StatTile label="Active leads" value={items.reduce((n, r) => n + r.activeLeads, 0)} tone="indigo" hint="owned right now" />
            <StatTile label="Waiting leads" value={waitingCount} tone={waiting.data?.items.length ? 'amber' : 'grey'} hint="no rep free for them" />
          </section>
          {toggleError && (
            <div className="banner tone-red" role="alert">
              {toggleError}
            </div>
          )}
          {items.length === 0 ? (
            <EmptyState title="No reps yet">
              Add reps, and a team for leads to go to (the first team is the default team):
              <CommandHint
                commands={[
                  'reps add --name "Sarah Chen" --email sarah@example.com --cap 10',
                  'reps add --name "Li Wei" --email li@example.com',
                  'teams add --name Inbound --members sarah@example.com li@example.com',
                ]}
              />
            </EmptyState>
          ) : (
            <div className="card table-card">
              <table className="table rep-table">
                <thead>
                  <tr>
                    <th>Rep</th>
                    <th>State</th>
                    <th>Load</th>
                    <th className="num">Weight</th>
                    <th>Tags</th>
                    <th>Teams</th>
                    <th>Next shift change</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((rep) => (
                    <RepRow key={rep.id} rep={rep} teams={teamsOf(rep)} busy={busy === rep.id} onToggle={() => void toggle(rep)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
