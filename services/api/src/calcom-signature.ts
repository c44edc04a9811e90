import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The header Cal.com signs its webhooks with: the hex HMAC-SHA256 of the raw body under the
 * webhook's secret, and nothing else (no timestamp). Without a secret Cal.com sends the words
 * "no-secret-provided" instead (calcom/cal.com, packages/features/webhooks/lib/sendPayload.ts,
 * `createWebhookSignature`).
 */
export const CALCOM_SIGNATURE_HEADER = 'x-cal-signature-256';
/** The header's name as Cal.com writes it, for messages. */
const HEADER_NAME = 'X-Cal-Signature-256';

/** What Cal.com computes: the hex HMAC-SHA256 of `rawBody` under `secret`. */
export function calcomSignatureOf(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** A signature checked: good, or why not (a sentence for the 401). */
export type CalcomSignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks `X-Cal-Signature-256` against the body as sent, in constant time. Cal.com's scheme
 * has no timestamp, so a captured delivery could be posted again: the webhook route acts on
 * each booking's trigger once, which makes a replay change nothing.
 */
export function checkCalcomSignature(header: string | ReadonlyArray<string> | undefined, rawBody: string, secret: string): CalcomSignatureCheck {
  const value = typeof header === 'string' ? header.trim() : undefined;
  if (!value) {
    return { ok: false, reason: `the ${HEADER_NAME} header is missing: give the Cal.com webhook a secret (the one in SWITCHBOARD_CALCOM_WEBHOOK_SECRET), and Cal.com signs every delivery with it` };
  }
  if (value === 'no-secret-provided') {
    return { ok: false, reason: `${HEADER_NAME} says "no-secret-provided": the Cal.com webhook has no secret; set it to the one in SWITCHBOARD_CALCOM_WEBHOOK_SECRET` };
  }
  const expected = Buffer.from(calcomSignatureOf(secret, rawBody), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : undefined;
  if (!given || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: `${HEADER_NAME} does not match the body: the Cal.com webhook's secret must be the one in SWITCHBOARD_CALCOM_WEBHOOK_SECRET, and its payload template left empty (JSON as Cal.com sends it)` };
  }
  return { ok: true };
}
