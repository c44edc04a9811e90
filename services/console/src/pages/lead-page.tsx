import { api, ApiError } from '../api/api-client.ts';
import { DecisionExplanation } from '../components/decision-explanation.tsx';
import { ErrorState } from '../components/error-state.tsx';
import { EventTimeline } from '../components/event-timeline.tsx';
import { NotificationLog } from '../components/notification-log.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SlaCountdown } from '../components/sla-countdown.tsx';
import { StateBadge } from '../components/state-badge.tsx';
import { formatDateTime } from '../format/format-time.ts';
import { leadTitle } from '../format/lead-title.ts';
import { useResource } from '../hooks/use-resource.ts';
import { Link } from '../routing/router.tsx';
import { useSession } from '../session/session.tsx';

/** One lead: owner, SLA clock, why it went where it went, and its whole history. Live. */
export function LeadPage({ id }: { id: string }) {
  const lead = useResource(() => api.lead(id), [id], { pollMs: 2000 });
  const decision = useResource(() => api.decision(id), [id, lead.data?.assignments.length, lead.data?.state]);
  const reps = useResource(() => api.reps(), []);
  const teams = useResource(() => api.teams(), []);
  // The delivery log is an operator's: other keys neither ask for it nor see its card.
  const showsNotifications = useSession().can('operator');
  const notifications = useResource(() => (showsNotifications ? api.notifications(id) : Promise.resolve(undefined)), [id, lead.data?.events.length, showsNotifications], {
    pollMs: showsNotifications ? 5000 : undefined,
  });

  if (lead.loading && !lead.data) return <LoadingState what="Loading the lead" />;
  if (!lead.data) {
    return (
      <>
        <PageHeader title="Lead" subtitle={<Link to="/leads">← All leads</Link>} />
        <ErrorState title="Could not load this lead" error={lead.error ?? new Error('unknown error')} onRetry={lead.reload} />
      </>
    );
  }
  const l = lead.data;
  const names = new Map((reps.data?.items ?? []).map((r) => [r.id, r.name]));
  const owner = l.ownerId ? reps.data?.items.find((r) => r.id === l.ownerId) : undefined;
  const team = l.teamId ? teams.data?.items.find((t) => t.id === l.teamId) : undefined;
  const slaRunning = l.slaDeadlineAt !== null && (l.state === 'assigned' || l.state === 'touched');
  const attributes = Object.entries(l.attributes);

  return (
    <>
      <PageHeader
        title={
          <>
            {leadTitle(l)} <StateBadge state={l.state} />
          </>
        }
        subtitle={
          <>
            <Link to="/leads">← All leads</Link> · {l.email}
            {l.company && ` · ${l.company}`} · received {formatDateTime(l.createdAt)} · <span className="mono small">{l.id}</span>
          </>
        }
      />
      <section className="stat-row">
        <div className="stat-tile tone-border-indigo">
          <div className="stat-label">Owner</div>
          <div className="stat-value small-value" data-testid="lead-owner">
            {owner ? owner.name : l.ownerId ? l.ownerId.slice(0, 8) : 'Nobody'}
          </div>
          <div className="stat-hint">{owner ? owner.email : l.state === 'waiting' ? (l.waitingReason ?? 'waiting for a rep') : ' '}</div>
        </div>
        <div className="stat-tile tone-border-blue">
          <div className="stat-label">Team</div>
          <div className="stat-value small-value">{team?.name ?? '–'}</div>
          <div className="stat-hint">{team ? team.strategy.replaceAll('_', ' ') : ' '}</div>
        </div>
        <div className="stat-tile tone-border-amber wide">
          <div className="stat-label">SLA</div>
          {slaRunning ? <SlaCountdown deadlineAt={l.slaDeadlineAt} /> : <div className="stat-value small-value muted">No clock running</div>}
        </div>
        <div className={`stat-tile ${l.breaches ? 'tone-border-red' : 'tone-border-grey'}`}>
          <div className="stat-label">Breaches</div>
          <div className="stat-value">{l.breaches}</div>
          <div className="stat-hint">SLAs this lead ran out of</div>
        </div>
      </section>

      <div className="columns">
        <section className="card" aria-labelledby="why-heading">
          <h2 id="why-heading">Why it went there</h2>
          {decision.data ? (
            <DecisionExplanation decision={decision.data} />
          ) : decision.error ? (
            decision.error instanceof ApiError && decision.error.status === 404 ? (
              <p className="muted">Not routed yet: the decision appears here once the router has decided.</p>
            ) : (
              <ErrorState title="Could not load the decision" error={decision.error} onRetry={decision.reload} />
            )
          ) : (
            <LoadingState what="Loading the decision" />
          )}
        </section>
        <aside className="side-column">
          <section className="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <EventTimeline events={l.events} names={names} />
          </section>
          {l.assignments.length > 0 && (
            <section className="card">
              <h2>Assignments</h2>
              <table className="table compact">
                <thead>
                  <tr>
                    <th>Rep</th>
                    <th>From</th>
                    <th>Ended</th>
                  </tr>
                </thead>
                <tbody>
                  {l.assignments.map((a) => (
                    <tr key={a.assignedAt}>
                      <td>{names.get(a.repId) ?? a.repId.slice(0, 8)}</td>
                      <td className="nowrap">{formatDateTime(a.assignedAt)}</td>
                      <td>{a.endedAt ? `${a.endReason ?? 'ended'} · ${formatDateTime(a.endedAt)}` : <span className="badge tone-green">current</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {showsNotifications && (
            <section className="card" aria-labelledby="notifications-heading">
              <h2 id="notifications-heading">Notifications</h2>
              {notifications.data ? (
                <NotificationLog deliveries={notifications.data.items} />
              ) : notifications.error ? (
                <ErrorState title="Could not load the notifications" error={notifications.error} onRetry={notifications.reload} />
              ) : (
                <LoadingState what="Loading the notifications" />
              )}
            </section>
          )}
          {attributes.length > 0 && (
            <section className="card">
              <h2>Attributes</h2>
              <dl className="facts">
                {attributes.map(([key, value]) => (
                  <div key={key}>
                    <dt>{key}</dt>
                    <dd>{String(value)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
        </aside>
      </div>
    </>
  );
}
