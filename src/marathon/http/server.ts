/**
 * Marathon's HTTP server (fastify): REST v2, `/v2/events`, `/ping`,
 * `/metrics`. Bodies are taken raw and parsed by the routes so malformed JSON
 * gets Marathon's answer. Errors become Marathon's bodies:
 * 422 validation (`message` + `details[]`), 409 locks (+ `deployments`),
 * 404/409/400/422 `{"message"}`, 400 `{"message":"Invalid JSON","details":"…"}`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { AppLockedError } from '../deployment-manager.js';
import { MarathonHttpError } from '../errors.js';
import { LabelSelectorError } from '../label-selector.js';
import { ServicePortsExhaustedError } from '../port-assignment.js';
import { MarathonValidationError } from '../validation-errors.js';
import { registerAppRoutes } from './apps-routes.js';
import { InvalidJsonBodyError, type MarathonContext } from './context.js';
import { registerEventsRoute } from './events-route.js';
import { registerGroupRoutes } from './groups-routes.js';
import { registerOtherRoutes } from './other-routes.js';
import { registerWebui } from '../../webui/server/serve-webui.js';

/** A built server and the function closing its event streams (call before `close()`). */
export interface MarathonServer {
  server: FastifyInstance;
  closeStreams(): void;
}

/** Builds (does not start) Marathon's fastify instance over `ctx`. */
export function buildMarathonServer(ctx: MarathonContext): MarathonServer {
  const server = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  // Any content type: Marathon wants application/json, but `curl -d @app.json` without
  // a header sends form encoding; we read the body as JSON either way.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  server.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Marathon-Leader', `http://${ctx.info.leader}`);
    return payload;
  });

  server.setErrorHandler((error, _req, reply) => {
    if (error instanceof MarathonValidationError) return reply.code(422).send(error.toJSON());
    if (error instanceof AppLockedError) {
      return reply.code(409).send({ message: error.message, deployments: error.deploymentIds.map((id) => ({ id })) });
    }
    if (error instanceof InvalidJsonBodyError) return reply.code(400).send({ message: 'Invalid JSON', details: error.details });
    if (error instanceof MarathonHttpError) return reply.code(error.status).send({ message: error.message });
    if (error instanceof LabelSelectorError || error instanceof ServicePortsExhaustedError) return reply.code(422).send({ message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ message: (error as Error).message });
    return reply.code(500).send({ message: (error as Error).message });
  });
  server.setNotFoundHandler((req, reply) => reply.code(404).send({ message: `URI not found: ${req.url.split('?')[0]}` }));

  // The web UI (src/webui, built into dist/webui): Marathon's page at /ui/ (`/` leads there, other-routes.ts).
  registerWebui(server, { page: 'marathon.html', route: '/ui/' });
  server.get('/ui', (_req, reply) => reply.redirect('/ui/'));
  registerAppRoutes(server, ctx);
  registerGroupRoutes(server, ctx);
  registerOtherRoutes(server, ctx);
  const closeStreams = registerEventsRoute(server, ctx);
  return { server, closeStreams };
}
