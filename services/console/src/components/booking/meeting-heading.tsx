import type { BookingOffer } from '../../api/types.ts';

/** "Peter, Ana and Ben"; "Ana or Ben" with `or`. */
function listNames(names: ReadonlyArray<string>, last: 'and' | 'or'): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${last} ${names.at(-1)}`;
}

/** "Book a 30-minute meeting with Sarah"; in team mode, "with the Pool team", naming whom they may meet. */
export function MeetingHeading({ offer }: { offer: BookingOffer }) {
  const names = offer.hosts.map((host) => host.name);
  const title = `Book a ${offer.durationMinutes}-minute meeting`;
  if (offer.mode === 'team') {
    return (
      <header className="booking-header">
        <h1>
          {title} with the {offer.team} team
        </h1>
        {names.length > 0 && <p className="subtitle">You’ll meet {listNames(names, 'or')}, whoever is free at the time you pick.</p>}
      </header>
    );
  }
  return (
    <header className="booking-header">
      <h1>{names.length > 0 ? `${title} with ${listNames(names, 'and')}` : title}</h1>
    </header>
  );
}
