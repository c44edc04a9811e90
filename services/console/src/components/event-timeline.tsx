import type { LeadEvent } from '../api/types.ts';
import { formatDuration, formatPreciseTime } from '../format/format-time.ts';
import { humanize } from '../format/format-number.ts';

const TONE: Record<string, string> = {
  'lead.assigned': 'indigo',
  'lead.touched': 'green',
  'lead.converted': 'green',
  'lead.breached': 'red',
  'lead.escalated': 'red',
  'lead.rejected': 'amber',
  'lead.waiting': 'amber',
  'lead.unassigned_alert': 'amber',
};

/** What an event's data says for people, when it says something short. */
function eventNote(event: LeadEvent): string | null {
  const data = event.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') return null;
  for (const key of ['summary', 'reason', 'outcome', 'touch', 'note']) {
    const value = data[key];
    if (typeof value === 'string' && value) return value;
  }
  return null;
}

/** A lead's event log, oldest first, with the time each step took. */
export function EventTimeline({ events, names }: { events: ReadonlyArray<LeadEvent>; names: ReadonlyMap<string, string> }) {
  if (events.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className="timeline">
      {events.map((event, i) => {
        const previous = events[i - 1];
        const data = event.data as { repId?: string } | null;
        const rep = data?.repId ? names.get(data.repId) : undefined;
        const note = eventNote(event);
        return (
          <li key={event.id} className={`timeline-item tone-${TONE[event.type] ?? 'grey'}`}>
            <span className="timeline-dot" aria-hidden />
            <div className="timeline-body">
              <div className="timeline-head">
                <strong>{humanize(event.type)}</strong>
                {event.to && (
                  <span className="muted small">
                    {event.from ? `${event.from} → ${event.to}` : event.to}
                  </span>
                )}
                {rep && <span className="chip">{rep}</span>}
              </div>
              {note && <div className="timeline-note">{note}</div>}
              <div className="muted small">
                {formatPreciseTime(event.at)} · {event.cause}
                {previous && ` · +${formatDuration(Date.parse(event.at) - Date.parse(previous.at))}`}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
