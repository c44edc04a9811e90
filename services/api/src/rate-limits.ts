import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Authenticator, bearerToken } from './auth/authenticator.ts';

/** Requests a minute each caller may send; 0 turns the limit off. */
export interface RateLimits {
  /** Per API key (`SWITCHBOARD_RATE_LIMIT_PER_KEY`). @default 60000 (1,000 a second: a bulk intake) */
  readonly perKey: number;
  /** Per client IP, for everything not sent with a known key: the console, webhooks, and guesses (`SWITCHBOARD_RATE_LIMIT_PER_IP`). @default 1200 */
  readonly perIp: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perKey: 60_000, perIp: 1_200 };

/** A refusal the error handler answers as 429 `rate_limited`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly statusCode = 429;
}

/**
 * Rate limits, per minute, in this process (each API process counts its own): a request with a
 * key this process has verified counts against the key, anything else against its IP (behind an
 * ingress, the client's, with `SWITCHBOARD_TRUST_PROXY`). Refused with 429 and Retry-After.
 * Runs before authentication, so that guessing keys is limited too.
 */
export async function installRateLimits(app: FastifyInstance, limits: RateLimits, authenticator: Authenticator): Promise<void> {
  if (limits.perKey === 0 && limits.perIp === 0) return;
  const bucketOf = (request: FastifyRequest): string => {
    const key = bearerToken(request.headers.authorization);
    const principal = key === undefined ? undefined : authenticator.knownPrincipal(key);
    return principal ? `key:${principal.keyId ?? principal.name}` : `ip:${request.ip}`;
  };
  const unlimited = 1e12;
  await app.register(fastifyRateLimit, {
    global: true,
    timeWindow: 60_000,
    keyGenerator: bucketOf,
    max: (_request, bucket) => {
      const limit = bucket.startsWith('key:') ? limits.perKey : limits.perIp;
      return limit === 0 ? unlimited : limit;
    },
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError(`too many requests: at most ${context.max} a minute from this ${context.max === limits.perKey ? 'key' : 'address'}; send again in ${context.after}`),
  });
}
