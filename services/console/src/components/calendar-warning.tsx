import type { RepCalendar } from '../api/types.ts';
import { formatDateTime } from '../format/format-time.ts';

/** A rep's calendar that can't be read, said on the board: its busy time is the last good reading's. */
export function CalendarWarning({ calendars }: { calendars: ReadonlyArray<RepCalendar> }) {
  const failing = calendars.filter((c) => c.status === 'failing');
  if (failing.length === 0) return null;
  return (
    <div className="calendar-warning small" role="note">
      {failing.map((c) => (
        <div key={c.address} title={c.error ?? undefined}>
          ⚠ Calendar failing{c.failingSince ? ` since ${formatDateTime(c.failingSince)}` : ''}: {c.error}
        </div>
      ))}
    </div>
  );
}
