import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where the web console's build lands (`services/console/dist`, made by `vite build`, which
 * the root `postinstall` runs). A path on disk, not an import: the console is a browser
 * bundle, and the API only serves its files.
 */
export const defaultConsoleDir = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/** Paths that belong to the API and never fall back to the console's `index.html`. */
const SERVER_PATHS = ['/v1', '/docs', '/openapi.json', '/metrics', '/livez', '/healthz'];

/** True for a GET or HEAD of a page of the console (`/`, `/leads/…`), not of the API or of a file. */
export function isConsolePage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?', 1)[0]!;
  if (SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`))) return false;
  // A missing file (`/assets/old-hash.js`) is a 404, not the app: the browser would parse HTML as a script.
  return !path.slice(path.lastIndexOf('/') + 1).includes('.');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard: console not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:80px auto;padding:0 24px;color:#1c2230}
code{background:#eef0f3;padding:2px 6px;border-radius:4px}</style></head>
<body><h1>The web console is not built</h1>
<p>Switchboard is running, and its API answers at <a href="/v1/reps">/v1</a> (docs at <a href="/docs">/docs</a>),
but the console's files are missing from <code>services/console/dist</code>.</p>
<p>Build them with <code>pnpm install</code> (it builds the console when it finishes) or
<code>pnpm --filter @switchboard/console build</code>, then reload this page; no restart is needed.</p>
</body></html>`;

/**
 * Serves the web console from `dir`: its files, and `index.html` for every page path (the
 * console routes in the browser), via `serveConsolePage` from the not-found handler. When
 * `dir` has no build, pages answer 503 with how to build it. A later build is picked up
 * without a restart.
 */
export async function consoleRoutes(app: FastifyInstance, options: { dir: string }): Promise<void> {
  const assets = join(options.dir, 'assets');
  await app.register(fastifyStatic, {
    root: options.dir,
    prefix: '/',
    // The build may appear after the start (`pnpm --filter @switchboard/console build`).
    suppressWarning: true,
    wildcard: true,
    index: ['index.html'],
    // Hashed assets never change; index.html must be asked for again to see a new build.
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

/** Answers a console page: its `index.html`, or 503 saying how to build the console. */
export function serveConsolePage(reply: FastifyReply, dir: string): FastifyReply {
  if (!existsSync(join(dir, 'index.html'))) {
    return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  }
  return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
}
