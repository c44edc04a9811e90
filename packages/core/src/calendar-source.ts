import { z } from 'zod';

/** Where a rep's calendar is read from: an ICS feed (a secret address), or a CalDAV calendar's free-busy. */
export type CalendarSource =
  | { readonly kind: 'ics'; readonly url: string }
  | { readonly kind: 'caldav'; readonly url: string; readonly username: string | null; readonly password: string | null };

const feedUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((text) => /^(https?|webcal):\/\/[^\s]+$/i.test(text), {
    error: 'must be an http(s):// or webcal:// address, such as the secret iCal address Google Calendar or Outlook gives',
  });

/**
 * A calendar as `PATCH /v1/reps/:id { calendars }` takes it: `{ ics: "<url>" }`, or
 * `{ caldav: "<calendar url>", username?, password? }` for CalDAV free-busy.
 */
export const calendarInputSchema = z.union(
  [
    z.strictObject({ ics: feedUrl.describe('An ICS feed: Google’s or Outlook’s secret address, read now and then polled.') }),
    z.strictObject({
      caldav: z
        .string()
        .trim()
        .max(2000)
        .refine((text) => /^https?:\/\/[^\s]+$/i.test(text), { error: 'must be an http(s):// address of a CalDAV calendar collection' })
        .describe('A CalDAV calendar collection; its free-busy is asked for.'),
      username: z.string().max(500).optional(),
      password: z.string().max(500).optional(),
    }),
  ],
  { error: 'expected { ics: "<feed url>" } or { caldav: "<calendar url>", username?, password? }' },
);
export type CalendarInput = z.output<typeof calendarInputSchema>;

/** The source a calendar input names. */
export function calendarSourceOf(input: CalendarInput): CalendarSource {
  return 'ics' in input
    ? { kind: 'ics', url: input.ics }
    : { kind: 'caldav', url: input.caldav, username: input.username ?? null, password: input.password ?? null };
}
