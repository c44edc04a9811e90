import type { BookedMeeting } from '../../api/types.ts';
import { formatMeetingTime } from '../../format/meeting-time.ts';

/** The meeting was cancelled; the link still books another. */
export function CancelledMeeting({ booking, zone, onBookAgain }: { booking: BookedMeeting; zone: string; onBookAgain: () => void }) {
  return (
    <div className="booking-step">
      <h2>Meeting cancelled</h2>
      <p className="booking-summary" data-testid="booking-cancelled">
        Your meeting on {formatMeetingTime(booking, zone)} ({zone}) is cancelled. A cancellation is on its way.
      </p>
      <div className="booking-actions">
        <button type="button" className="button primary" onClick={onBookAgain}>
          Book another time
        </button>
      </div>
    </div>
  );
}
