import { useEffect, useRef, useState } from 'react';
import { ApiError, bookingApi } from '../api/api-client.ts';
import type { BookedMeeting, BookingOffer, OfferedSlot } from '../api/types.ts';
import { BookedMeetingView } from '../components/booking/booked-meeting.tsx';
import { BookingFrame } from '../components/booking/booking-frame.tsx';
import { BookingStatus, type StatusMessage } from '../components/booking/booking-status.tsx';
import { BookingUnavailable } from '../components/booking/booking-unavailable.tsx';
import { CancelledMeeting } from '../components/booking/cancelled-meeting.tsx';
import { MeetingHeading } from '../components/booking/meeting-heading.tsx';
import { RoutingNotice } from '../components/booking/routing-notice.tsx';
import { SlotConfirmation } from '../components/booking/slot-confirmation.tsx';
import { SlotPicker } from '../components/booking/slot-picker.tsx';
import { TimeZonePicker } from '../components/booking/time-zone-picker.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorState } from '../components/error-state.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { browserTimeZone } from '../format/time-zones.ts';
import { formatMeetingTime } from '../format/meeting-time.ts';
import { useResource } from '../hooks/use-resource.ts';

/** How often the page asks again while the lead is still being routed (no slots, a notice). */
const ROUTING_POLL_MS = 2000;

/** Where the prospect is: choosing a slot, confirming one, looking at their booking, or at its cancellation. */
type Step =
  | { readonly kind: 'choose' }
  | { readonly kind: 'confirm'; readonly slot: OfferedSlot }
  | { readonly kind: 'booked'; readonly booking: BookedMeeting; readonly moved: boolean }
  | { readonly kind: 'cancelled'; readonly booking: BookedMeeting };

/** A link that can't book (404, 410), as opposed to a failure worth retrying. */
const isDeadLink = (error: unknown): error is ApiError => error instanceof ApiError && (error.status === 404 || error.status === 410);

/**
 * The hosted booking page (`/book/:token`), for a prospect with no account: the free slots in
 * their time zone, a confirmation, then their booking with a way to move or cancel it. The
 * token in the path is the only credential.
 */
export function BookingPage({ token }: { token: string }) {
  const [zone, setZone] = useState(browserTimeZone);
  const [step, setStep] = useState<Step | null>(null);
  // The link's booking as this page last changed it; undefined until it changes one (then the offer's counts).
  const [meeting, setMeeting] = useState<BookedMeeting | null | undefined>(undefined);
  // The slots a 409 answered, shown instead of the offer's until the zone changes.
  const [fresh, setFresh] = useState<ReadonlyArray<OfferedSlot> | null>(null);
  const [status, setStatus] = useState<StatusMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const [dead, setDead] = useState<ApiError | null>(null);
  const [waiting, setWaiting] = useState(false);
  const offer = useResource(() => bookingApi.offer(token, zone), [token, zone], { pollMs: waiting ? ROUTING_POLL_MS : undefined });
  const data = offer.data;
  // The last offer seen, whatever its zone: what the heading says while another zone loads.
  const seen = useRef<BookingOffer | undefined>(undefined);
  if (data) seen.current = data;
  useEffect(() => setWaiting(data !== undefined && data.slots.length === 0 && data.notice !== null), [data]);

  const host = (repId: string) => data?.hosts.find((h) => h.id === repId)?.name ?? null;
  useEffect(() => {
    const names = data?.mode === 'owner' ? data.hosts.map((h) => h.name) : [];
    document.title = names.length > 0 ? `Book a meeting with ${names.join(' and ')}` : 'Book a meeting';
  }, [data]);

  const changeZone = (next: string) => {
    setZone(next);
    setFresh(null);
    setStatus(null);
  };

  const deadLink = dead ?? (isDeadLink(offer.error) ? offer.error : null);
  if (deadLink) {
    return (
      <BookingFrame>
        <BookingUnavailable error={deadLink} />
      </BookingFrame>
    );
  }
  if (!data) {
    const failed = offer.error ? <ErrorState title="Could not load the free times" error={offer.error} onRetry={offer.reload} /> : null;
    // Another zone is loading: the heading and the picker stay, so the picker keeps its focus.
    return (
      <BookingFrame>
        {seen.current && <MeetingHeading offer={seen.current} />}
        {seen.current && <TimeZonePicker zone={zone} onChange={changeZone} />}
        {failed ?? <LoadingState what="Finding free times" />}
      </BookingFrame>
    );
  }

  const current = meeting !== undefined ? meeting : data.booking?.status === 'confirmed' ? data.booking : null;
  const shown: Step = step ?? (current ? { kind: 'booked', booking: current, moved: false } : { kind: 'choose' });
  const slots = fresh ?? data.slots;

  const book = async (slot: OfferedSlot) => {
    setBusy(true);
    setStatus(null);
    try {
      const attempt = await bookingApi.book(token, slot.start, zone);
      if (attempt.kind === 'taken') {
        setFresh(attempt.slots);
        setStep({ kind: 'choose' });
        setStatus({ tone: 'amber', text: 'That time was just taken — pick another.' });
        return;
      }
      setMeeting(attempt.booking);
      setFresh(null);
      setStep({ kind: 'booked', booking: attempt.booking, moved: current !== null });
      setStatus({ tone: 'green', text: current ? 'Your meeting was moved.' : 'Your meeting is booked.' });
      offer.reload();
    } catch (error) {
      if (isDeadLink(error)) setDead(error);
      else setStatus({ tone: 'red', text: `Could not book this time: ${(error as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const cancelled = await bookingApi.cancel(token);
      setMeeting(null);
      setStep({ kind: 'cancelled', booking: cancelled });
      setStatus({ tone: 'green', text: 'Your meeting is cancelled.' });
      offer.reload();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // Nothing was booked any more (cancelled from another tab): show the slots; a dead link shows itself on the reload.
        setMeeting(null);
        setStep({ kind: 'choose' });
        setStatus({ tone: 'amber', text: 'This meeting was already cancelled.' });
        offer.reload();
      } else if (isDeadLink(error)) setDead(error);
      else setStatus({ tone: 'red', text: `Could not cancel: ${(error as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <BookingFrame>
      <MeetingHeading offer={data} />
      <TimeZonePicker zone={zone} onChange={changeZone} />
      <BookingStatus message={status} />
      {shown.kind === 'booked' && (
        <BookedMeetingView
          booking={shown.booking}
          zone={zone}
          host={host(shown.booking.repId)}
          moved={shown.moved}
          busy={busy}
          onReschedule={() => {
            setStatus(null);
            setStep({ kind: 'choose' });
          }}
          onCancel={() => void cancel()}
        />
      )}
      {shown.kind === 'cancelled' && (
        <CancelledMeeting
          booking={shown.booking}
          zone={zone}
          onBookAgain={() => {
            setStatus(null);
            setStep({ kind: 'choose' });
          }}
        />
      )}
      {shown.kind === 'confirm' && (
        <SlotConfirmation
          slot={shown.slot}
          zone={zone}
          host={host(shown.slot.repId)}
          moving={current !== null}
          busy={busy}
          onConfirm={() => void book(shown.slot)}
          onBack={() => setStep({ kind: 'choose' })}
        />
      )}
      {shown.kind === 'choose' && (
        <div className="booking-step">
          {current && (
            <p className="booking-current">
              Your meeting is booked for {formatMeetingTime(current, zone)}. Pick a new time, or{' '}
              <button type="button" className="link-button" onClick={() => setStep(null)}>
                keep it
              </button>
              .
            </p>
          )}
          {slots.length > 0 ? (
            <SlotPicker
              slots={slots}
              zone={zone}
              onPick={(slot) => {
                setStatus(null);
                setStep({ kind: 'confirm', slot });
              }}
            />
          ) : data.notice ? (
            <RoutingNotice notice={data.notice} />
          ) : (
            <EmptyState title="No free times right now">Every time in the booking window is taken. Try again later, or reply to the message that brought you here.</EmptyState>
          )}
        </div>
      )}
    </BookingFrame>
  );
}
