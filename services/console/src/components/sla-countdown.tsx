import { formatClock, formatDateTime, formatDuration } from '../format/format-time.ts';
import { useNow } from '../hooks/use-now.ts';

/** Time left until a lead's SLA deadline, ticking; red once it is close or past. */
export function SlaCountdown({ deadlineAt, compact = false }: { deadlineAt: string | null; compact?: boolean }) {
  const now = useNow(1000);
  if (!deadlineAt) return <span className="muted">{compact ? '–' : 'No SLA clock running'}</span>;
  const left = Date.parse(deadlineAt) - now;
  const tone = left <= 60_000 ? 'red' : left <= 5 * 60_000 ? 'amber' : 'green';
  if (compact) {
    return (
      <span className={`countdown tone-text-${tone}`} title={`Due ${formatDateTime(deadlineAt)}`}>
        {left > 0 ? formatClock(left) : `overdue ${formatDuration(left)}`}
      </span>
    );
  }
  return (
    <div className="sla-countdown">
      <div className={`countdown-clock tone-text-${tone}`}>{left > 0 ? formatClock(left) : 'Overdue'}</div>
      <div className="muted">
        {left > 0 ? 'until the SLA runs out' : `by ${formatDuration(left)}; the router takes it back`} · due {formatDateTime(deadlineAt)}
      </div>
    </div>
  );
}
