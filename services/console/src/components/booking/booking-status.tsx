/** What just happened, for everyone: shown, and read out by screen readers (a live region, there from the start). */
export interface StatusMessage {
  readonly tone: 'green' | 'amber' | 'red';
  readonly text: string;
}

/** The page's live status line: a slot taken meanwhile, a booking made or cancelled, a failure. */
export function BookingStatus({ message }: { message: StatusMessage | null }) {
  return (
    <div className="booking-status" role="status" aria-live="polite">
      {message && <p className={`banner tone-${message.tone}`}>{message.text}</p>}
    </div>
  );
}
