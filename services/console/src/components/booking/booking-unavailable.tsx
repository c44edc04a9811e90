import type { ApiError } from '../../api/api-client.ts';

/** A link that can't book: expired or its lead closed (410), or never a link (404). Says what to do. */
export function BookingUnavailable({ error }: { error: ApiError }) {
  const gone = error.status === 410;
  return (
    <div className="booking-step booking-unavailable" role="alert">
      <h1>{gone ? 'This booking link no longer works' : 'This booking link doesn’t exist'}</h1>
      <p>{gone ? error.message.charAt(0).toUpperCase() + error.message.slice(1) + '.' : 'Check that the address is complete: it may have been cut off when it was copied.'}</p>
      <p className="muted">Ask the person who sent it to you for a new link.</p>
    </div>
  );
}
