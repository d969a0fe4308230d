/**
 * Serves the built web UI (`npm run build` → `dist/webui/`) from a fastify app:
 * one HTML page at a route (`/` on the master, `/ui/` on Marathon) and the
 * hashed assets beside it (`<route>assets/…`, cached for a year since their
 * names change with their contents). The UI reads public endpoints only; this
 * module only hands out static files. Node side, so it is compiled with the
 * daemons; the browser code lives in `../src/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The bundled UI: `dist/webui` of this checkout (this file runs as
 * `dist/src/webui/server/serve-webui.js`).
 */
export function defaultWebuiDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'webui');
}

/** Options of `registerWebui`. */
export interface WebuiOptions {
  /** Directory of the built UI (`--webui_dir`); default `defaultWebuiDir()`. */
  dir?: string;
  /** HTML file in `dir` to serve: 'index.html' (master) or 'marathon.html'. */
  page: string;
  /** Route of the page, ending in '/': '/' or '/ui/'. Assets are served under `<route>assets/`. */
  route: string;
  /** Answer for the page when the UI is not built (the caller's plain fallback page); default a 404 that says so. */
  fallback?: (reply: FastifyReply) => FastifyReply;
}

/**
 * Registers the page route and its assets on `app`. The HTML is re-read per
 * request (it is small, and a rebuilt UI shows without a restart).
 * Returns whether the UI was found at registration time.
 */
export function registerWebui(app: FastifyInstance, options: WebuiOptions): boolean {
  const dir = options.dir || defaultWebuiDir();
  const pagePath = join(dir, options.page);
  const assets = join(dir, 'assets');
  const built = existsSync(pagePath);
  app.get(options.route, (_request, reply) => {
    if (!existsSync(pagePath)) {
      if (options.fallback) return options.fallback(reply);
      return reply.code(404).type('text/plain').send(`The web UI is not built: ${pagePath} is missing (run npm run build).\n`);
    }
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(readFileSync(pagePath));
  });
  if (existsSync(assets)) {
    void app.register(fastifyStatic, {
      root: assets,
      prefix: `${options.route}assets/`,
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }
  return built;
}
