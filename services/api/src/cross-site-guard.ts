import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './errors.ts';

/** Methods that change something: the ones a cross-site page must not be able to send. */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The content types a browser sends from any site without asking first (a CORS "simple"
 * request). No write route takes them, so refusing them closes that door whatever the Origin.
 */
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/** Options of the cross-site guard. */
export interface CrossSiteOptions {
  /** Origins besides the API's own that may send writes (`https://admin.example.com`). @default none */
  readonly allowedOrigins?: ReadonlyArray<string>;
}

/**
 * Refuses cross-site writes. A page on another site can make a browser send a POST with the
 * user's network position (an intranet API) and without a preflight when its content type is a
 * simple one — `text/plain` reached `POST /v1/accounts/import` and changed an account's owner.
 * So a write:
 * - with an `Origin` that is neither the API's own (its `Host`) nor allowed, or with
 *   `Sec-Fetch-Site: cross-site`, gets 403 `cross_site_request`;
 * - with a simple content type gets 415.
 * Programs (curl, the CLI, servers) send no `Origin` and are not affected; the console is same-origin.
 */
export function installCrossSiteGuard(app: FastifyInstance, options: CrossSiteOptions = {}): void {
  const allowed = new Set((options.allowedOrigins ?? []).flatMap((origin) => originOf(origin) ?? []));
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!WRITES.has(request.method)) return;
    const origin = request.headers.origin;
    const fetchSite = request.headers['sec-fetch-site'];
    const allowedOrigin = origin !== undefined && allowed.has(originOf(origin) ?? '');
    // `null` is the origin of sandboxed frames and local files: never the API's own.
    const foreignOrigin = origin !== undefined && !allowedOrigin && (origin === 'null' || !isSameOrigin(origin, request));
    const crossSiteFetch = fetchSite === 'cross-site' && !allowedOrigin;
    if (foreignOrigin || crossSiteFetch) {
      return reply.code(403).send({
        error: 'cross_site_request',
        message: `refused a ${request.method} from another site (Origin: ${origin ?? 'none'}); the API takes writes from its own origin and from programs. To allow a site, add its origin to SWITCHBOARD_ALLOWED_ORIGINS.`,
      } satisfies ErrorBody);
    }
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (SIMPLE_CONTENT_TYPES.includes(type)) {
      return reply.code(415).send({
        error: 'unsupported_media_type',
        message: `${type} is not accepted for a ${request.method}: send JSON (application/json), a configuration as application/yaml, or an accounts file as text/csv`,
      } satisfies ErrorBody);
    }
  });
}

/** An origin as browsers send it (`https://admin.example.com`: lower case, no default port, no path), or undefined. */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function isSameOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    return new URL(origin).host.toLowerCase() === (request.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}
