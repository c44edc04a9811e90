import type { ReactNode } from 'react';

/** The booking page's frame: one centred card on a plain page, no console around it (prospects see it). */
export function BookingFrame({ children }: { children: ReactNode }) {
  return (
    <main className="booking">
      <section className="card booking-card">{children}</section>
      <p className="booking-footer muted small">
        <img src="/favicon.svg" alt="" width={14} height={14} /> Scheduling by Switchboard
      </p>
    </main>
  );
}
