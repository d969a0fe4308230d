/**
 * The master's HTTP surface (fastify): the scheduler API, the agent channel and
 * the classic endpoints. Routes exist under the `/master/` process prefix and,
 * as libprocess delegates them, at the root (`/state` → `/master/state`).
 */
import { systemMetrics } from '../../mesos/system-metrics.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Master } from '../master.js';
import { agentEndpoint } from './agent-endpoint.js';
import { BUILD, masterStateJson } from './state-json.js';
import { masterMetricsJson } from './metrics-json.js';
import { json, text } from './reply.js';
import { prometheusText, registerClassicEndpoints } from './classic-endpoints.js';
import { forwardFileCall, handleOperatorCall, operatorSubscriberCount, subscribeOperator } from '../operator/operator-api.js';
import { parseDuration } from '../../mesos/durations.js';
import { registerFilesProxy } from './files-proxy.js';
import { registerWebui } from '../../webui/server/serve-webui.js';
import { fastifyExchange, parseApiCall } from './api-exchange.js';
import { schedulerEndpoint } from './scheduler-endpoint.js';
import { directApiServerFactory, type DirectEndpoint } from './direct-api.js';

/** Builds (does not start) the master's fastify instance. */
export function createMasterServer(master: Master): FastifyInstance {
  const bodyLimit = 64 * 1024 * 1024;
  const both = (path: string): string[] => [`/master${path}`, path];
  const scheduler: DirectEndpoint = (exchange) => schedulerEndpoint(master, exchange);
  const agent: DirectEndpoint = (exchange) => agentEndpoint(master, exchange);
  // The calls frameworks and agents make by the thousand skip fastify on the leader (why: direct-api.ts);
  // fastify's routes below serve the same paths, trailing slash or not, when it steps aside.
  const direct = new Map<string, DirectEndpoint>();
  for (const url of both('/api/v1/scheduler')) direct.set(url, scheduler).set(`${url}/`, scheduler);
  direct.set('/master/api/v1/agent', agent).set('/master/api/v1/agent/', agent);
  const app = Fastify({
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit,
    logger: false,
    serverFactory: directApiServerFactory({ endpoints: direct, serving: () => master.isLeader, bodyLimit }),
  });
  // API bodies are parsed here, not by fastify, so malformed input gets Mesos's messages.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // A master that does not lead answers only the endpoints Mesos serves locally;
  // everything else goes to the leader (307) or fails while none is known (503).
  app.addHook('onRequest', (request, reply, done) => {
    if (master.isLeader || servedWithoutLeadership(request.url)) return done();
    if (master.recovering) {
      // Elected, registry still loading: hold the call (agents reregistering, frameworks
      // resubscribing) rather than redirect it to the previous, usually dead, leader.
      void master.whenRecovered().then(() => {
        if (master.isLeader) done();
        else void reply.code(503).type('text/plain').send('No leader elected');
      });
      return;
    }
    const leader = master.leaderInfo;
    if (!leader) {
      void reply.code(503).type('text/plain').send('No leader elected');
      return;
    }
    void reply.code(307).header('Location', `//${leader.hostname}:${leader.port}${delegatedPath(request.url)}`).send('');
  });

  for (const url of both('/api/v1/scheduler')) {
    app.post(url, (request, reply) => scheduler(fastifyExchange(request, reply)));
    app.route({ method: ['GET', 'PUT', 'DELETE', 'PATCH'], url, handler: methodNotAllowed });
  }
  app.post('/master/api/v1/agent', (request, reply) => agent(fastifyExchange(request, reply)));

  for (const url of [...both('/state'), ...both('/state.json')]) {
    app.get(url, (request, reply) => json(request, reply, masterStateJson(master)));
  }
  for (const url of both('/health')) app.get(url, (_request, reply) => reply.code(200).send(''));
  for (const url of both('/flags')) app.get(url, (request, reply) => json(request, reply, { flags: master.options.flags }));
  app.get('/version', (request, reply) =>
    json(request, reply, { version: master.options.version, ...BUILD }),
  );
  const snapshot = (): Record<string, number> => ({
    ...masterMetricsJson(master),
    'master/operator_event_stream_subscribers': operatorSubscriberCount(master),
    ...systemMetrics(),
  });
  app.get('/metrics/snapshot', (request, reply) => json(request, reply, snapshot()));
  app.get('/metrics/prometheus', (_request, reply) => reply.type('text/plain; version=0.0.4').send(prometheusText(snapshot())));

  for (const url of both('/api/v1')) {
    app.post(url, (request, reply) => operatorEndpoint(master, request, reply));
    app.route({ method: ['GET', 'PUT', 'DELETE', 'PATCH'], url, handler: methodNotAllowed });
  }
  registerClassicEndpoints(app, master);
  // libprocess's /logging/toggle: temporary glog verbosity.
  app.route({
    method: ['GET', 'POST'],
    url: '/logging/toggle',
    handler: async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      if (query.level === undefined && query.duration === undefined) return text(reply, 200, `${master.verbosity}`);
      const level = Number(query.level);
      if (!Number.isInteger(level) || level < 0) return text(reply, 400, `Invalid level '${query.level ?? ''}'`);
      let durationMs: number;
      try {
        durationMs = parseDuration(query.duration ?? '');
      } catch (error) {
        return text(reply, 400, (error as Error).message);
      }
      const outcome = await handleOperatorCall(master, {
        type: 'SET_LOGGING_LEVEL',
        set_logging_level: { level, duration: { nanoseconds: durationMs * 1e6 } },
      });
      return text(reply, outcome.status, outcome.text ?? '');
    },
  });
  for (const url of both('/redirect')) {
    app.get(url, (_request, reply) => {
      const leader = master.leaderInfo;
      if (!leader) return text(reply, 503, 'No leader elected');
      return reply.code(307).header('Location', `//${leader.hostname}:${leader.port}`).send('');
    });
  }
  for (const url of both('/teardown')) {
    app.post(url, (request, reply) => {
      const body = request.body instanceof Buffer ? request.body.toString('utf8') : '';
      const id = new URLSearchParams(body).get('frameworkId') ?? '';
      const framework = master.frameworks.get(id);
      if (!framework) return reply.code(400).type('text/plain').send(`No framework found with specified ID`);
      void master.removeFramework(framework);
      return reply.code(200).send('');
    });
  }
  // Sandboxes live on the agents: the master forwards /files/* to the owning one.
  registerFilesProxy(app, master);
  // The web UI (src/webui): `--webui_dir` or the bundled build; the plain page when it is not built.
  registerWebui(app, { dir: master.options.flags.webui_dir, page: 'index.html', route: '/', fallback: (reply) => reply.type('text/html').send(indexPage(master)) });
  return app;
}

/** Paths a non-leading master still answers itself (reference §8.2). */
const LOCAL_PATHS = [
  /^\/(master\/)?(health|flags|redirect)\/?(\?|$)/,
  /^\/metrics\/(snapshot|prometheus)\/?(\?|$)/,
  /^\/version\/?(\?|$)/,
  /^\/logging\/toggle\/?(\?|$)/,
  /^\/files\//,
  /^\/(\?|$)/,
  /^\/assets\//, // the web UI's files: a non-leader serves its UI, which then says who leads
];

function servedWithoutLeadership(url: string): boolean {
  return LOCAL_PATHS.some((pattern) => pattern.test(url));
}

/** The path as libprocess delegates it: root aliases live under `/master` (`/state` → `/master/state`). */
function delegatedPath(url: string): string {
  return url.startsWith('/master/') || url === '/master' ? url : `/master${url}`;
}

function methodNotAllowed(_request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(405).header('Allow', 'POST').type('text/plain').send('Expecting one of { \'POST\' }');
}

/** POST /master/api/v1: the operator API. */
async function operatorEndpoint(master: Master, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const exchange = fastifyExchange(request, reply);
  const body = parseApiCall(exchange);
  if (!body) return reply;
  if (body.type === 'SUBSCRIBE') {
    subscribeOperator(master, exchange.takeResponse());
    return;
  }
  const outcome =
    body.type === 'LIST_FILES' || body.type === 'READ_FILE' ? await forwardFileCall(master, body) : await handleOperatorCall(master, body);
  if (outcome.json !== undefined) return reply.code(outcome.status).type('application/json').send(JSON.stringify(outcome.json));
  return text(reply, outcome.status, outcome.text ?? '');
}

/** A plain landing page when the web UI is not built: where things are. */
function indexPage(master: Master): string {
  const agents = [...master.agents.values()];
  const rows = agents
    .map((a) => `<tr><td>${escapeHtml(a.id)}</td><td>${escapeHtml(a.info.hostname)}</td><td>${escapeHtml(a.pid)}</td><td>${a.state}</td></tr>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Meseta master</title></head><body>
<h1>Meseta master ${escapeHtml(master.id)}</h1>
<p>Version ${escapeHtml(master.options.version)}, leader ${escapeHtml(master.pid)}; ${master.frameworks.size} frameworks, ${agents.length} agents.</p>
<p>Endpoints: <a href="/master/state">/master/state</a>, <a href="/metrics/snapshot">/metrics/snapshot</a>, <a href="/master/flags">/master/flags</a>, <a href="/version">/version</a>.</p>
<table border="1"><tr><th>agent</th><th>hostname</th><th>pid</th><th>state</th></tr>${rows}</table>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
