import { signBody } from '@switchboard/core';

/** How long an endpoint has to answer before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** What one attempt came to: whether it went through, the status an HTTP endpoint answered, or why it failed. */
export interface PostResult {
  readonly ok: boolean;
  /** The HTTP status (webhooks, Slack); null for email, or when no answer came. */
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** Whether an HTTP status counts as delivered: 2xx only. */
export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/**
 * Posts a notification's body to a webhook: signed like the signed intake
 * (`Sb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), with the event's
 * id in `Sb-Event-Id` — the same on every retry, so that a receiver can drop repeats. Redirects
 * are not followed: a 3xx is a failed attempt, like any answer outside 2xx.
 */
export async function postWebhook(request: {
  readonly url: string;
  readonly secret: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly body: string;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}): Promise<PostResult> {
  const now = request.now ?? Date.now;
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        'sb-signature': signBody(request.secret, request.body, Math.floor(now() / 1000)),
        'sb-event-id': request.eventId,
        'sb-event-type': request.eventType,
        'sb-delivery-attempt': String(request.attempt),
      },
      body: request.body,
    });
    // Read the answer (and drop it) so that the connection is free for the next post.
    await response.arrayBuffer().catch(() => undefined);
    return { ok: isSuccess(response.status), statusCode: response.status, error: null, durationMs: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const message = timedOut
      ? `no answer within ${(request.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000} s`
      : `could not post: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    return { ok: false, statusCode: null, error: message, durationMs: performance.now() - started };
  }
}
