import { useState } from 'react';
import type { BookedMeeting } from '../../api/types.ts';
import { formatMeetingTime } from '../../format/meeting-time.ts';

/** The booking made: when and with whom, and the prospect's two ways to change it (move, cancel). */
export function BookedMeetingView({
  booking,
  zone,
  host,
  moved,
  busy,
  onReschedule,
  onCancel,
}: {
  booking: BookedMeeting;
  zone: string;
  host: string | null;
  /** True right after a move: the invite on its way is an update. */
  moved: boolean;
  busy: boolean;
  onReschedule: () => void;
  onCancel: () => void;
}) {
  // Cancelling is asked twice: it can't be undone from here without booking again.
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  return (
    <div className="booking-step booked-meeting">
      <h2>You’re booked</h2>
      <p className="booking-summary" data-testid="booking-confirmation">
        Booked: {formatMeetingTime(booking, zone)} ({zone}){host && ` with ${host}`}. {moved ? 'An updated invite is on its way.' : 'An invite is on its way.'}
      </p>
      {confirmingCancel ? (
        <div className="booking-actions" role="group" aria-label="Cancel the meeting?">
          <span>Cancel this meeting?</span>
          <button type="button" className="button danger" disabled={busy} onClick={onCancel}>
            {busy ? 'Cancelling…' : 'Yes, cancel it'}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => setConfirmingCancel(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <div className="booking-actions">
          <button type="button" className="button" onClick={onReschedule}>
            Reschedule
          </button>
          <button type="button" className="button" onClick={() => setConfirmingCancel(true)}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
