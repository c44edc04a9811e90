import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { handleError, validationBody } from './errors.ts';

/**
 * The longest path parameter fastify's router takes. Its default, 100, made a longer id a 404
 * "no route"; as long as a request line can be (Node's 16 KiB of headers), every parameter
 * reaches its route's schema, which says what it must be.
 */
export const MAX_PATH_PARAMETER_LENGTH = 16_384;

/** What `createApiServer` needs to answer the router's own URL errors like every other 400. */
export interface PathParameterErrors {
  /** Fastify's `frameworkErrors` option. */
  readonly frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;
  /** Learns the routes' paths, to name the parameter at fault. */
  install(app: FastifyInstance): void;
}

/**
 * fastify's router refuses some URLs before any hook or route sees them — a path parameter
 * whose percent-encoding is not UTF-8 (`%ED%A0%80`, the way a lone UTF-16 surrogate travels,
 * or a stray `%FF`), or one longer than `MAX_PATH_PARAMETER_LENGTH` — and answered them with
 * its own body (`{ error: 'Bad Request', code: 'FST_ERR_BAD_URL' }`). These answer 400
 * `validation_failed` naming the parameter (`params.idOrName`), as a NUL character there does.
 */
export function createPathParameterErrors(): PathParameterErrors {
  const patterns: Array<ReadonlyArray<string>> = [];
  return {
    install(app) {
      app.addHook('onRoute', (route) => {
        if (route.url.includes(':')) patterns.push(route.url.split('/'));
      });
    },
    frameworkErrors(error, request, reply) {
      const segments = request.url.split('?')[0]!.split('/');
      const fault = (segment: string): string | undefined => {
        if (segment.length > MAX_PATH_PARAMETER_LENGTH) return `is longer than the ${MAX_PATH_PARAMETER_LENGTH} characters a path parameter may have`;
        try {
          decodeURIComponent(segment);
          return undefined;
        } catch {
          return `"${segment.slice(0, 60)}" is not percent-encoded UTF-8 text (a lone UTF-16 surrogate, or a byte that starts no character); encode the text as UTF-8`;
        }
      };
      const at = segments.findIndex((segment) => fault(segment) !== undefined);
      if (at < 0) {
        handleError(error, request, reply);
        return;
      }
      const pattern = patterns.find((p) => p.length === segments.length && p.every((part, i) => part.startsWith(':') || part === segments[i]));
      const name = pattern?.[at]?.startsWith(':') ? `params.${pattern[at].slice(1)}` : 'path';
      reply.code(400).send(validationBody([{ path: name, message: fault(segments[at]!)! }]));
    },
  };
}
