import type { LeadSummary } from '../api/types.ts';
import { formatDateTime, formatRelative } from '../format/format-time.ts';
import { leadTitle } from '../format/lead-title.ts';
import { useNow } from '../hooks/use-now.ts';
import { Link, navigate } from '../routing/router.tsx';
import { SlaCountdown } from './sla-countdown.tsx';
import { StateBadge } from './state-badge.tsx';

/** One lead in the list; the whole row opens the lead. */
export function LeadRow({ lead, ownerName, teamName }: { lead: LeadSummary; ownerName: string | undefined; teamName: string | undefined }) {
  const now = useNow(30_000);
  const slaRunning = lead.slaDeadlineAt && (lead.state === 'assigned' || lead.state === 'touched');
  return (
    <tr className="clickable" data-lead-id={lead.id} onClick={() => navigate(`/leads/${lead.id}`)}>
      <td>
        <Link to={`/leads/${lead.id}`} className="strong-link" onClick={(e) => e.stopPropagation()}>
          {leadTitle(lead)}
        </Link>
        {leadTitle(lead) !== lead.email && <div className="muted small">{lead.email}</div>}
      </td>
      <td>{lead.company ?? <span className="muted">–</span>}</td>
      <td>
        <StateBadge state={lead.state} />
        {lead.breaches > 0 && <span className="badge tone-red subtle">{lead.breaches} breach{lead.breaches > 1 ? 'es' : ''}</span>}
      </td>
      <td>{ownerName ?? <span className="muted">{lead.ownerId ? lead.ownerId.slice(0, 8) : 'nobody'}</span>}</td>
      <td>{teamName ?? <span className="muted">–</span>}</td>
      <td>{slaRunning ? <SlaCountdown deadlineAt={lead.slaDeadlineAt} compact /> : <span className="muted">–</span>}</td>
      <td title={formatDateTime(lead.createdAt)}>{formatRelative(lead.createdAt, now)}</td>
    </tr>
  );
}
