import { type Command, Option } from 'commander';
import type { ApiClient } from '../api-client.ts';
import type { Output } from '../output.ts';

/** What the calendar and booking commands need from the program. */
export interface BookingCommandContext {
  readonly api: () => ApiClient;
  readonly io: Output;
  readonly run: <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;
}

interface CalendarStatus {
  readonly kind: string;
  readonly address: string;
  readonly status: 'ok' | 'failing';
  readonly syncedAt: string | null;
  readonly error: string | null;
}

interface RepWithCalendars {
  readonly name: string;
  readonly state: string;
  readonly busyUntil: string | null;
  readonly calendars: ReadonlyArray<CalendarStatus>;
}

interface TeamWithBooking {
  readonly name: string;
  readonly busy: 'skip' | 'allow';
  readonly booking: { duration: number; window: number; buffer: number; minNotice: number; mode: string } | null;
}

const minutes = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`);

/** One line per calendar: where it is read from, and whether the last reading worked. */
export function formatCalendars(rep: RepWithCalendars): string {
  const state = rep.state === 'busy' && rep.busyUntil ? `busy until ${new Date(rep.busyUntil).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}` : rep.state;
  const lines = rep.calendars.map((c) => `  ${c.kind} ${c.address}: ${c.status === 'ok' ? `ok, read ${c.syncedAt ?? 'never'}` : `FAILING: ${c.error}`}`);
  return [`Rep ${rep.name} is ${state}; ${rep.calendars.length === 0 ? 'no calendars' : `${rep.calendars.length} calendar(s)`}`, ...lines].join('\n');
}

/** The booking line of a team. */
export function formatBooking(team: TeamWithBooking): string {
  const booking = team.booking
    ? `booking ${minutes(team.booking.duration)} meetings (${team.booking.mode}), within ${minutes(team.booking.window)}, buffer ${minutes(team.booking.buffer)}, notice ${minutes(team.booking.minNotice)}`
    : 'no booking';
  return `Team ${team.name}: reps in a meeting ${team.busy === 'allow' ? 'still take leads' : 'are skipped'}; ${booking}`;
}

/**
 * `switchboard reps calendars <rep>`, `switchboard teams set <team>` (busy policy, booking) and
 * `switchboard leads book <id>` (a booking link to send the prospect).
 */
export function registerBookingCommands(program: { reps: Command; teams: Command; leads: Command }, context: BookingCommandContext): void {
  const { api, io, run } = context;

  program.reps
    .command('calendars <rep>')
    .description('show or set a rep’s calendars (ICS feeds or CalDAV): a meeting in them makes the rep busy')
    .option('--ics <url...>', 'ICS feeds, e.g. Google’s or Outlook’s secret iCal address (replaces the list)')
    .option('--caldav <url>', 'a CalDAV calendar to ask for free-busy (with --username / --password)')
    .option('--username <name>')
    .option('--password <password>')
    .option('--clear', 'remove every calendar')
    .option('--json', 'print JSON')
    .action(
      run(async (ref: string, options: { ics?: string[]; caldav?: string; username?: string; password?: string; clear?: boolean; json?: boolean }) => {
        const path = `/v1/reps/${encodeURIComponent(ref)}`;
        const calendars = options.clear
          ? []
          : options.ics || options.caldav
            ? [
                ...(options.ics ?? []).map((ics) => ({ ics })),
                ...(options.caldav ? [{ caldav: options.caldav, ...(options.username && { username: options.username }), ...(options.password && { password: options.password }) }] : []),
              ]
            : undefined;
        const { body } = calendars === undefined ? await api().request<RepWithCalendars>('GET', path) : await api().request<RepWithCalendars>('PATCH', path, { calendars });
        io.out(options.json ? JSON.stringify(body) : formatCalendars(body));
      }),
    );

  program.teams
    .command('set <team>')
    .description('change a team (by name or id): whether busy reps take leads, and its booking policy')
    .addOption(new Option('--busy <policy>', 'reps in a meeting: skip them, or allow them leads').choices(['skip', 'allow']))
    .option('--booking-duration <duration>', 'turn booking on: meetings of this length, e.g. 30m')
    .option('--booking-window <duration>', 'how far ahead slots are offered, e.g. P7D or 7d')
    .option('--booking-buffer <duration>', 'kept free before and after each meeting, e.g. 10m')
    .option('--booking-min-notice <duration>', 'the earliest a slot may start from now, e.g. 2h')
    .addOption(new Option('--booking-mode <mode>', 'the lead’s owner’s calendar, or the team’s by round robin').choices(['owner', 'team']))
    .option('--no-booking', 'turn booking off')
    .option('--json', 'print JSON')
    .action(
      run(async (ref: string, options: Record<string, string | boolean | undefined>) => {
        const fields = { duration: options.bookingDuration, window: options.bookingWindow, buffer: options.bookingBuffer, minNotice: options.bookingMinNotice, mode: options.bookingMode };
        const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        const path = `/v1/teams/${encodeURIComponent(ref)}`;
        // Booking fields change the team's policy: start from the one it has.
        const current = Object.keys(given).length > 0 ? (await api().request<TeamWithBooking>('GET', path)).body.booking : null;
        const booking = options.booking === false ? null : Object.keys(given).length > 0 ? { ...(current && withDurationsAsText(current)), ...given } : undefined;
        const patch = { ...(options.busy !== undefined && { busy: options.busy }), ...(booking !== undefined && { booking }) };
        const { body } = await api().request<TeamWithBooking>('PATCH', path, patch);
        io.out(options.json ? JSON.stringify(body) : formatBooking(body));
      }),
    );

  program.leads
    .command('book <id>')
    .description('make a booking link for a lead: the prospect books a meeting with the routed rep at once')
    .option('--expires-in <duration>', 'how long the link works, e.g. 3d (default 14 days)')
    .option('--json', 'print JSON')
    .action(
      run(async (id: string, options: { expiresIn?: string; json?: boolean }) => {
        const { body } = await api().request<{ url: string; expiresAt: string }>('POST', `/v1/leads/${encodeURIComponent(id)}/booking-link`, {
          ...(options.expiresIn && { expiresIn: options.expiresIn }),
        });
        io.out(options.json ? JSON.stringify(body) : `Booking link (works until ${body.expiresAt}):\n${body.url}`);
      }),
    );
}

/** A stored policy (durations in ms) as the API takes it again (`1800000ms`). */
function withDurationsAsText(policy: NonNullable<TeamWithBooking['booking']> & { step?: number }) {
  return {
    duration: `${policy.duration}ms`,
    window: `${policy.window}ms`,
    buffer: `${policy.buffer}ms`,
    minNotice: `${policy.minNotice}ms`,
    mode: policy.mode,
    ...(policy.step !== undefined && { step: `${policy.step}ms` }),
  };
}
