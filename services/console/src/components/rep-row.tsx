import type { Rep, Team } from '../api/types.ts';
import { formatRelative, formatWeekdayTime } from '../format/format-time.ts';
import { useNow } from '../hooks/use-now.ts';
import { useSession } from '../session/session.tsx';
import { LoadBar } from './load-bar.tsx';
import { CalendarWarning } from './calendar-warning.tsx';
import { StateBadge } from './state-badge.tsx';

/** One rep on the board: state, load against cap, weight, tags, teams, next shift change, and the away switch. */
export function RepRow({ rep, teams, busy, onToggle }: { rep: Rep; teams: ReadonlyArray<Team>; busy: boolean; onToggle: () => void }) {
  const now = useNow(30_000);
  const { principal, can } = useSession();
  // An operator sets anyone's availability; a rep its own; a viewer sees no switch.
  const mayToggle = can('operator') || (principal?.role === 'rep' && principal.repId === rep.id);
  return (
    <tr data-rep-id={rep.id} data-state={rep.state}>
      <td>
        <div className="rep-name">{rep.name}</div>
        <div className="muted small">{rep.email}</div>
      </td>
      <td>
        <StateBadge state={rep.state} />
        {rep.state === 'away' && rep.awayReason && <div className="muted small">{rep.awayReason}</div>}
        {rep.state === 'busy' && rep.busyUntil && <div className="muted small">in a meeting until {formatWeekdayTime(rep.busyUntil)}</div>}
        <CalendarWarning calendars={rep.calendars ?? []} />
      </td>
      <td>
        <LoadBar active={rep.activeLeads} cap={rep.cap} />
      </td>
      <td className="num">{rep.weight}</td>
      <td>
        {rep.tags.length ? (
          <div className="chips">
            {rep.tags.map((tag) => (
              <span key={tag} className="chip">
                {tag}
              </span>
            ))}
          </div>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td>{teams.length ? teams.map((t) => t.name).join(', ') : <span className="muted">–</span>}</td>
      <td>
        {rep.nextShiftChangeAt ? (
          <span className="nowrap" title={new Date(rep.nextShiftChangeAt).toString()}>
            {formatWeekdayTime(rep.nextShiftChangeAt)}
            <span className="muted small"> ({formatRelative(rep.nextShiftChangeAt, now)})</span>
          </span>
        ) : (
          <span className="muted" title="No working hours, holidays or out-of-office period ahead">
            {rep.nextShiftChangeAt === null ? 'None: always on shift' : '–'}
          </span>
        )}
      </td>
      <td className="actions">
        {rep.active && mayToggle && (
          <button type="button" className={rep.available ? 'button' : 'button primary'} disabled={busy} onClick={onToggle}>
            {busy ? 'Saving…' : rep.available ? 'Set away' : 'Set available'}
          </button>
        )}
      </td>
    </tr>
  );
}
