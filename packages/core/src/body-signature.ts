import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One signing scheme for both directions of webhooks: posts a form tool sends to Switchboard's
 * signed intake, and the notifications Switchboard sends out.
 */

/** The header a signed body travels with: `Sb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'sb-signature';
/** How far a signature's timestamp may be from now, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `<t>.<body>` under `secret`: what `v1` must be. */
export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The `Sb-Signature` header for `rawBody` (what a sender computes; the tests and the docs use it). */
export function signBody(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, rawBody)}`;
}

/** A signature checked: accepted (with the `v1` value that matched, for replay detection), or why not. */
export type SignatureCheck = { readonly ok: true; readonly signature: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks a post's `Sb-Signature` against the secrets valid now (the current one, and the one
 * before a rotation during its grace). Pure: the caller records the signature against replays.
 */
export function checkSignature(header: string | undefined, rawBody: string, secrets: ReadonlyArray<string>, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, reason: 'the Sb-Signature header is missing: sign the body as t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>' };
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const candidates = (parts.get('v1') ?? []).filter((v) => /^[0-9a-f]{64}$/.test(v));
  if (!t || !/^\d{1,12}$/.test(t) || candidates.length === 0) {
    return { ok: false, reason: 'the Sb-Signature header must read t=<unix seconds>,v1=<64 hex digits>' };
  }
  const timestamp = Number(t);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: `the signature's timestamp t=${t} is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from now (${nowSeconds}); sign each post when it is sent, and keep the sender's clock right` };
  }
  for (const secret of secrets) {
    const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) return { ok: true, signature: `${t}:${candidate}` };
    }
  }
  return { ok: false, reason: "the signature does not match the body: sign the raw body exactly as sent, with this source's current secret" };
}
