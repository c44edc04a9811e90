import type { OfferedSlot } from '../../api/types.ts';
import { formatMeetingTime } from '../../format/meeting-time.ts';

/** The step between picking a slot and booking it: the time, with whom, and a last yes or back. */
export function SlotConfirmation({
  slot,
  zone,
  host,
  moving,
  busy,
  onConfirm,
  onBack,
}: {
  slot: OfferedSlot;
  zone: string;
  /** Whom the meeting would be with, when known. */
  host: string | null;
  /** True when this moves a meeting already booked. */
  moving: boolean;
  busy: boolean;
  onConfirm: () => void;
  onBack: () => void;
}) {
  return (
    <div className="booking-step">
      <h2>{moving ? 'Move your meeting to this time?' : 'Confirm your meeting'}</h2>
      <p className="booking-summary">
        {formatMeetingTime(slot, zone)} <span className="muted">({zone})</span>
        {host && <> with {host}</>}
      </p>
      <div className="booking-actions">
        <button type="button" className="button primary" disabled={busy} onClick={onConfirm}>
          {busy ? 'Booking…' : moving ? 'Confirm new time' : 'Confirm booking'}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onBack}>
          Back
        </button>
      </div>
    </div>
  );
}
