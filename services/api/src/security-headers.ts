import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

const OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // React sets style attributes (widths of the load bars).
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // The console is served over plain HTTP in development; HSTS belongs to the TLS terminator.
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers helmet sets with `options`, worked out once. They don't depend on the request (no
 * nonces), and @fastify/helmet built a new helmet — parsing the whole policy again — for every
 * request: 3% of the service's CPU at full intake.
 */
function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | ReadonlyArray<string>) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

/**
 * Security headers on every answer (helmet's): a Content-Security-Policy that lets the console
 * load only its own scripts, styles and API; no framing by any site (`frame-ancestors 'none'`
 * and `X-Frame-Options: DENY`, against clickjacking the rep board's toggles);
 * `X-Content-Type-Options: nosniff`; and no referrer. The API explorer at `/docs` sets its own
 * policy for its files (a route's own header wins).
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  const headers = helmetHeaders(OPTIONS);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/**
 * The API explorer's policy (`/docs`): @fastify/swagger-ui's own, which lists the hashes of its
 * scripts, made to agree with the rest of the API — no framing by any site, and no
 * `upgrade-insecure-requests`, which would send a page served over plain HTTP (the default, with
 * TLS left to a proxy) after its own files at https:// addresses that don't answer. Swagger UI
 * adds a style element of its own that no listed hash covers, so styles are the console's
 * (`'self' 'unsafe-inline'`); scripts stay hash-only.
 */
export function docsContentSecurityPolicy(policy: string): string {
  const directives = policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !/^(upgrade-insecure-requests|frame-ancestors|style-src)\b/.test(directive));
  return [...directives, "style-src 'self' 'unsafe-inline'", "frame-ancestors 'none'"].join('; ');
}
