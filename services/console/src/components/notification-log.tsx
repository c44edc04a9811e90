import type { Delivery } from '../api/api-client.ts';
import { formatDateTime } from '../format/format-time.ts';

const TONES: Record<Delivery['status'], string> = { delivered: 'tone-green', pending: 'tone-amber', dead: 'tone-red' };

/** What each attempt came to: "503 → 503 → 200", or why no answer came. */
const attemptsText = (delivery: Delivery) => delivery.attempts.map((a) => (a.statusCode !== null ? String(a.statusCode) : (a.error ?? '?'))).join(' → ') || 'not tried yet';

/** The notifications sent about a lead: where, for which event, whether they got through, and each attempt. */
export function NotificationLog({ deliveries }: { deliveries: ReadonlyArray<Delivery> }) {
  if (deliveries.length === 0) return <p className="muted">Nothing sent about this lead: no webhook or channel subscribes to its events.</p>;
  return (
    <table className="table compact notification-log">
      <thead>
        <tr>
          <th>Event</th>
          <th>To</th>
          <th>Status</th>
          <th>Attempts</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
            <td>
              {d.eventType}
              <div className="muted small">{formatDateTime(d.createdAt)}</div>
            </td>
            <td className="wrap">
              {d.channel} · {d.destination}
            </td>
            <td>
              <span className={`badge ${TONES[d.status]}`}>{d.status}</span>
              {d.status === 'pending' && d.nextAttemptAt && <div className="muted small">next {formatDateTime(d.nextAttemptAt)}</div>}
            </td>
            <td className="attempts" title={d.lastError ?? undefined}>
              {attemptsText(d)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
