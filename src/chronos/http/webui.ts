/**
 * Chronos's web UI on its own port, as Chronos serves its UI at `/`: the
 * built page `chronos.html` at `/` and its assets under `/assets/`
 * (`webui/server/serve-webui.ts`). The UI app lives for the whole process,
 * outside the leader's terms, so a standby serves the page itself instead of
 * relaying it (the page's API calls are then relayed to the leader like any
 * other request).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerWebui } from '../../webui/server/serve-webui.js';

/** The page's HTML file in the built UI (`dist/webui/`). */
export const CHRONOS_PAGE = 'chronos.html';

/**
 * True for the requests the UI app answers: GET or HEAD of `/` (any query)
 * or of anything under `/assets/`. Everything else is the API's.
 */
export function isWebuiRequest(method: string | undefined, url: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path === '/' || path.startsWith('/assets/');
}

function fallbackPage(): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chronos · Meseta</title></head><body>',
    '<h1>Chronos</h1><p>The web UI is not built (run <code>npm run build</code>).</p>',
    '<p>The REST API: <a href="/v1/scheduler/jobs">/v1/scheduler/jobs</a>, <a href="/v1/scheduler/graph/csv">/v1/scheduler/graph/csv</a>.</p>',
    '</body></html>',
  ].join('\n');
}

/**
 * A ready fastify app serving the UI from `dir` (default: this checkout's
 * `dist/webui`). Without a built UI, `/` answers a plain page pointing at the
 * REST API.
 */
export async function createWebuiApp(dir?: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerWebui(app, { dir, page: CHRONOS_PAGE, route: '/', fallback: (reply) => reply.type('text/html; charset=utf-8').send(fallbackPage()) });
  await app.ready();
  return app;
}
