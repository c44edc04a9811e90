import { z } from 'zod';
import { durationSchema, formatDuration } from '../duration.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Whose calendar a booking link offers. */
export const BookingMode = {
  /** The lead's owner: the prospect books the rep the lead was routed to. */
  owner: 'owner',
  /** The team: each slot goes to a free member, the one booked least recently first (round robin). */
  team: 'team',
} as const;
export type BookingMode = (typeof BookingMode)[keyof typeof BookingMode];

/** A duration field bounded to `[min, max]`, parsed to ms; `wholeMinutes` for times that set the slot grid. */
function boundedDuration(bounds: { min: number; max: number; minText: string; maxText: string; example: string; wholeMinutes?: boolean }) {
  return durationSchema.superRefine((ms, ctx) => {
    // One issue per field: the range first, as it is the likelier slip.
    let message: string | undefined;
    if (ms < bounds.min || ms > bounds.max) message = `must be between ${bounds.minText} and ${bounds.maxText}, such as ${bounds.example}`;
    else if (bounds.wholeMinutes && ms % MINUTE !== 0) message = `must be a whole number of minutes, such as ${bounds.example}`;
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

/**
 * How a rep's or a team's calendar is offered for instant booking. Durations are written as
 * `durationSchema` reads them (`30m`, `PT30M`, `P7D`) and are milliseconds once parsed.
 * Issues name the field and what to write, e.g. `duration: must be between 5m and 8h, such as 30m`
 * once run through `parseOrThrow`.
 *
 * @example
 * parseOrThrow(bookingPolicySchema, { duration: '45m', buffer: '10m' });
 * // { duration: 2_700_000, window: 604_800_000, buffer: 600_000, minNotice: 7_200_000, mode: 'owner' }
 */
export const bookingPolicySchema = z
  .strictObject({
    duration: boundedDuration({ min: 5 * MINUTE, max: 8 * HOUR, minText: '5m', maxText: '8h', example: '30m', wholeMinutes: true })
      .prefault('30m')
      .describe('How long a meeting lasts (ISO 8601 such as PT30M, or 30m).'),
    window: boundedDuration({ min: HOUR, max: 90 * DAY, minText: '1h', maxText: '90d (P90D)', example: 'P7D' })
      .prefault('P7D')
      .describe('How far ahead slots are offered, from now.'),
    buffer: boundedDuration({ min: 0, max: 8 * HOUR, minText: '0m', maxText: '8h', example: '10m' })
      .prefault('0m')
      .describe('Time kept free of other meetings before and after each booked meeting.'),
    minNotice: boundedDuration({ min: 0, max: 90 * DAY, minText: '0m', maxText: '90d (P90D)', example: '2h' })
      .prefault('2h')
      .describe('The earliest a slot may start, from now.'),
    mode: z
      .enum([BookingMode.owner, BookingMode.team], {
        error: 'must be "owner" (the lead’s owner’s calendar) or "team" (round robin across the team)',
      })
      .default(BookingMode.owner)
      .describe('"owner": book the lead’s owner; "team": any free member, the one booked least recently first.'),
    step: boundedDuration({ min: 5 * MINUTE, max: 8 * HOUR, minText: '5m', maxText: '8h', example: '15m', wholeMinutes: true })
      .optional()
      .describe('Interval between slot starts on the local clock, counted from midnight (09:00, 09:30…). Defaults to the duration.'),
  })
  .superRefine((policy, ctx) => {
    // Fields that could not be read have their own issues already.
    const { duration, window, minNotice } = policy as Partial<typeof policy>;
    if (typeof duration !== 'number' || typeof window !== 'number' || typeof minNotice !== 'number') return;
    if (minNotice + duration > window) {
      ctx.addIssue({
        code: 'custom',
        path: ['minNotice'],
        message:
          `leaves no slot to book: minNotice (${formatDuration(minNotice)}) plus duration (${formatDuration(duration)}) ` +
          `must fit within window (${formatDuration(window)}); shorten minNotice or lengthen window`,
      });
    }
  })
  .describe('Instant booking: which slots of a calendar a prospect may book.');

/** A parsed booking policy; durations in milliseconds. Without `step`, slots start `duration` apart. */
export type BookingPolicy = z.output<typeof bookingPolicySchema>;
