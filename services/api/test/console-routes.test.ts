import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleRoutes, isConsolePage, serveConsolePage } from '../src/console-routes.ts';

describe('serving the web console', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-console-'));
    app = Fastify();
    // As createApiServer wires it: console pages fall back to index.html, the rest is the API's 404.
    app.setNotFoundHandler((request, reply) =>
      isConsolePage(request) ? serveConsolePage(reply, dir) : reply.code(404).send({ error: 'not_found', message: `no route ${request.url}` }),
    );
    app.get('/v1/reps', async () => ({ items: [] }));
    await consoleRoutes(app, { dir });
  });

  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const build = async () => {
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  };

  it('answers 503 with how to build the console while it is not built', async () => {
    for (const url of ['/', '/leads/0193']) {
      const answer = await app.inject({ url });
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['content-type']).toContain('text/html');
      expect(answer.body).toContain('The web console is not built');
      expect(answer.body).toContain('pnpm --filter @switchboard/console build');
    }
  });

  it('serves a build that appears after the start, with index.html for every console page', async () => {
    expect((await app.inject({ url: '/' })).statusCode).toBe(503);
    await build();
    for (const url of ['/', '/leads', '/leads/0193?tab=why', '/config']) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(200);
      expect(answer.body).toContain('<div id="root">');
      expect(answer.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves the API’s paths and missing files to the API’s 404', async () => {
    await build();
    expect((await app.inject({ url: '/v1/reps' })).json()).toEqual({ items: [] });
    for (const url of ['/v1/nothing', '/v1', '/docs/nothing', '/metrics', '/healthz', '/assets/index-old.js']) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json().error, url).toBe('not_found');
    }
    expect((await app.inject({ method: 'POST', url: '/leads' })).statusCode).toBe(404);
  });
});
