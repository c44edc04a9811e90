import { z } from 'zod';

/**
 * The `calcom:` section of the routing configuration: how a lead's owner maps to a Cal.com
 * booking page, for sales teams that book their meetings on Cal.com. A Cal.com routing form
 * sends the prospect to Switchboard (an "External Redirect" route); Switchboard routes the lead
 * and sends the prospect on to `<baseUrl>/<the owner's username>/<event>`.
 */

/** Cal.com's own cloud. A self-hosted Cal.com, or an organization's subdomain, sets `baseUrl`. */
export const CALCOM_DEFAULT_BASE_URL = 'https://cal.com';

/**
 * A Cal.com username or event-type slug: one path segment of a booking URL. Narrow on purpose:
 * they are put into a URL that a public route redirects to, so nothing may add a path, a query
 * or another host.
 */
export const CALCOM_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const slugRule = 'use letters, digits, ".", "_" and "-" (one path segment of a Cal.com link, as in cal.com/<username>/<event>)';

/** A Cal.com username, as in `cal.com/<username>`. */
export const calcomUsernameSchema = z
  .string({ error: 'expected a Cal.com username (a string), as in cal.com/<username>' })
  .regex(CALCOM_SLUG, { error: slugRule });

/** A Cal.com event type's slug, as in `cal.com/<username>/<event>`. */
export const calcomEventSlugSchema = z
  .string({ error: 'expected a Cal.com event type’s slug, as in cal.com/<username>/<event>' })
  .regex(CALCOM_SLUG, { error: slugRule });

const webUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `expected ${what}: an http(s) URL` })
    .max(2000)
    .refine((url) => !new URL(url).search && !new URL(url).hash, { error: 'must have no ?query or #fragment' });

const repEmail = z.email();

export const calcomConfigSchema = z.strictObject({
  baseUrl: webUrl('the address of Cal.com, such as https://cal.com or https://acme.cal.com')
    .default(CALCOM_DEFAULT_BASE_URL)
    .describe('Where the booking pages are: https://cal.com, an organization’s https://<org>.cal.com, or a self-hosted Cal.com.'),
  users: z
    .record(z.string().max(320), calcomUsernameSchema)
    // Checked here rather than by the key's schema, whose failure zod reports as "Invalid key in record".
    .superRefine((users, ctx) => {
      const seen = new Set<string>();
      for (const email of Object.keys(users)) {
        if (!repEmail.safeParse(email).success) {
          ctx.addIssue({ code: 'custom', path: [email], message: `"${email}" is not an email: key each username by its rep’s email, such as sarah@example.com: sarah-chen` });
        } else if (seen.has(email.toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: [email], message: `${email} is listed twice (emails are compared without regard to case)` });
        }
        seen.add(email.toLowerCase());
      }
    })
    .default({})
    .describe('Each rep’s Cal.com username, by the rep’s email: { sarah@example.com: sarah-chen }.'),
  fallbackUrl: webUrl('a booking page for when the owner can’t be found (such as a round-robin team event)')
    .optional()
    .describe('Where a prospect goes when routing does not pick an owner in time, or the owner has no Cal.com username: a team’s round-robin page, say.'),
});
export type CalcomConfig = z.output<typeof calcomConfigSchema>;

/** What a booking page is opened with: Cal.com fills its booking form from these. */
export interface CalcomBookingPrefill {
  readonly name?: string;
  readonly email?: string;
  /**
   * The Switchboard lead the booking is for: Cal.com keeps `metadata[…]` query parameters on
   * the booking and sends them back in its webhooks' `payload.metadata`, which is how
   * `POST /v1/integrations/calcom/webhook` finds the lead again.
   */
  readonly leadId?: string;
}

/** The booking-metadata key that carries the lead's id to Cal.com and back. */
export const CALCOM_LEAD_METADATA_KEY = 'switchboardLeadId';

/** The Cal.com username of a rep (by email, case-insensitive), or undefined if it has none. */
export function calcomUsernameOf(config: CalcomConfig, repEmail: string): string | undefined {
  const wanted = repEmail.trim().toLowerCase();
  for (const [email, username] of Object.entries(config.users)) {
    if (email.toLowerCase() === wanted) return username;
  }
  return undefined;
}

/**
 * A rep's booking page: `<baseUrl>/<username>` (the list of the rep's event types), or
 * `<baseUrl>/<username>/<event>` with an event type, pre-filled with the prospect's name and
 * email and tagged with the lead's id.
 */
export function calcomBookingUrl(config: CalcomConfig, username: string, event: string | undefined, prefill: CalcomBookingPrefill = {}): string {
  if (!CALCOM_SLUG.test(username)) throw new RangeError(`"${username}" is not a Cal.com username: ${slugRule}`);
  if (event !== undefined && !CALCOM_SLUG.test(event)) throw new RangeError(`"${event}" is not a Cal.com event slug: ${slugRule}`);
  return withCalcomPrefill(`${config.baseUrl.replace(/\/+$/, '')}/${username}${event === undefined ? '' : `/${event}`}`, prefill);
}

/**
 * `pageUrl` with Cal.com's pre-fill parameters: `name` and `email` fill the booking form, and
 * `metadata[switchboardLeadId]` rides along on the booking into its webhooks.
 */
export function withCalcomPrefill(pageUrl: string, prefill: CalcomBookingPrefill): string {
  const url = new URL(pageUrl);
  if (prefill.name) url.searchParams.set('name', prefill.name);
  if (prefill.email) url.searchParams.set('email', prefill.email);
  if (prefill.leadId) url.searchParams.set(`metadata[${CALCOM_LEAD_METADATA_KEY}]`, prefill.leadId);
  return url.toString();
}
