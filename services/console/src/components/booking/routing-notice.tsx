/** Why there is nothing to book yet (the lead is still being routed to a rep); the page asks again meanwhile. */
export function RoutingNotice({ notice }: { notice: string }) {
  return (
    <div className="state-box loading booking-notice">
      <span className="spinner" aria-hidden />
      {notice}
    </div>
  );
}
