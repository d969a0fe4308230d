/**
 * The agent's HTTP routes (fastify), as Mesos's libprocess exposes them:
 *
 *   /slave(1)/state            classic JSON state (also /state, /state.json, /slave(1)/state.json)
 *   /slave(1)/flags            {flags:{...}}
 *   /slave(1)/health           200, empty body
 *   /slave(1)/api/v1/executor  executor HTTP API (also /api/v1/executor)
 *   /slave(1)/api/v1           operator API v1 (operator-api.ts)
 *   /slave(1)/monitor/statistics, /monitor/statistics   [{executor_id, ..., statistics}]
 *   /slave(1)/containers       [{container_id, ..., status, statistics}]
 *   /files/{browse,read,download,debug}   sandboxes and the agent log (src/files)
 *   /logging/toggle?level=&duration=      temporary verbosity
 *   /metrics/snapshot          flat counters
 *   /version                   {version, build_*}
 *
 * Routing follows §0.1 of our reference: `slave%281%29` is decoded, a trailing
 * slash is ignored, `.json` aliases map to their base, and a first segment that
 * is not a process id is delegated to `slave(1)`. Every GET supports `?jsonp=`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { EventStream } from '../transport/event-stream.js';
import { registerFilesRoutes, queryValue, sendJsonOrJsonp } from '../files/files-routes.js';
import type { FilesService } from '../files/files-service.js';
import { DurationParseError, parseDuration } from '../mesos/durations.js';
import {
  type ExecutorCall,
  type ExecutorLookup,
  authorizeExecutorCall,
  parseExecutorRequest,
} from './executor-api.js';
import { type OperatorHost, handleOperatorCall, parseOperatorRequest } from './operator-api.js';

/** What the routes ask of the agent. */
export interface AgentHttpHost {
  state(): Record<string, unknown>;
  flags(): Record<string, string>;
  metrics(): Record<string, number>;
  version(): Record<string, unknown>;
  lookupExecutor(frameworkId: string, executorId: string): ExecutorLookup;
  /** A valid SUBSCRIBE; the agent owns `stream` from now on. */
  subscribeExecutor(call: Extract<ExecutorCall, { type: 'SUBSCRIBE' }>, stream: EventStream): void;
  /** A valid UPDATE, MESSAGE or HEARTBEAT from a subscribed executor. */
  executorCall(call: Exclude<ExecutorCall, { type: 'SUBSCRIBE' }>): void;
  /** Sandboxes and the agent log, for `/files/*`; no routes when absent. */
  files?: FilesService;
  /** `/monitor/statistics` entries; no route when absent. */
  monitorStatistics?(): Promise<Array<Record<string, unknown>>>;
  /** `/containers` entries; no route when absent. */
  containers?(): Promise<Array<Record<string, unknown>>>;
  /** The operator API v1 (`/api/v1`) and `/logging/toggle`; no routes when absent. */
  operator?: OperatorHost;
}

/** First path segments that are libprocess process ids (not delegated to `slave(1)`). */
const PROCESS_IDS = new Set(['slave(1)', 'metrics', 'version', 'files', 'logging', 'help', 'monitor', 'profiler', '__processes__']);
const JSON_ALIASES = new Set([
  '/slave(1)/state.json',
  '/monitor/statistics.json',
  '/slave(1)/monitor/statistics.json',
  '/files/browse.json',
  '/files/read.json',
  '/files/download.json',
  '/files/debug.json',
]);

/** Maps a request URL onto the canonical route (pure; keeps the query). */
export function canonicalAgentPath(url: string): string {
  const queryAt = url.indexOf('?');
  let path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : url.slice(queryAt);
  path = path.replace(/%28/gi, '(').replace(/%29/gi, ')');
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  const first = path.split('/')[1] ?? '';
  if (!PROCESS_IDS.has(first)) path = `/slave(1)${path === '/' ? '' : path}`;
  if (JSON_ALIASES.has(path)) path = path.slice(0, -'.json'.length);
  return path + query;
}

function sendJson(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  return sendJsonOrJsonp(request, reply, body);
}

function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(text);
}

/**
 * libprocess `/logging/toggle?level=N&duration=D` (Mesos texts). Returns the
 * error to send, or undefined after setting the level.
 */
function toggleLogging(operator: OperatorHost, query: unknown): string | undefined {
  const level = queryValue(query, 'level');
  const duration = queryValue(query, 'duration');
  if (level === undefined) return "Expecting 'level=value' in query.\n";
  if (duration === undefined) return "Expecting 'duration=value' in query.\n";
  if (!/^\d+$/.test(level)) return `Invalid level '${level}'.\n`;
  try {
    operator.verbosity.set(Number(level), parseDuration(duration));
  } catch (error) {
    if (error instanceof DurationParseError) return `Invalid duration '${duration}'.\n`;
    throw error;
  }
  return undefined;
}

/** Builds the fastify app; the caller listens. */
export function buildAgentHttp(host: AgentHttpHost): FastifyInstance {
  const app = Fastify({ rewriteUrl: (request) => canonicalAgentPath(request.url ?? '/') });

  app.get('/slave(1)/state', async (request, reply) => sendJson(request, reply, host.state()));
  app.get('/slave(1)/flags', async (request, reply) => sendJson(request, reply, { flags: host.flags() }));
  app.get('/slave(1)/health', async (_request, reply) => reply.code(200).send());
  app.get('/metrics/snapshot', async (request, reply) => sendJson(request, reply, host.metrics()));
  app.get('/version', async (request, reply) => sendJson(request, reply, host.version()));
  if (host.files) registerFilesRoutes(app, host.files);
  const statistics = host.monitorStatistics?.bind(host);
  if (statistics) {
    // Mesos serves it at /monitor/statistics (a process of its own) and the UI
    // also asks /slave(1)/monitor/statistics.
    for (const url of ['/monitor/statistics', '/slave(1)/monitor/statistics']) {
      app.get(url, async (request, reply) => sendJson(request, reply, await statistics()));
    }
  }
  const containers = host.containers?.bind(host);
  if (containers) app.get('/slave(1)/containers', async (request, reply) => sendJson(request, reply, await containers()));
  const operator = host.operator;
  if (operator) {
    app.route({
      method: ['GET', 'POST'],
      url: '/logging/toggle',
      handler: async (request, reply) => {
        const error = toggleLogging(operator, request.query);
        return error === undefined ? reply.code(200).send() : sendText(reply, 400, error);
      },
    });
  }

  void app.register(async (api) => {
    // Executor calls are checked by hand so their errors carry Mesos's codes and texts.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    api.all('/slave(1)/api/v1/executor', async (request, reply) => {
      const decision = parseExecutorRequest({
        method: request.method,
        contentType: request.headers['content-type'],
        accept: request.headers.accept,
        body: typeof request.body === 'string' ? request.body : '',
      });
      if (decision.kind === 'reject') {
        return reply.code(decision.status).headers(decision.headers ?? {}).type('text/plain; charset=utf-8').send(decision.message);
      }
      const call = decision.call;
      const rejection = authorizeExecutorCall(call, host.lookupExecutor(call.framework_id.value, call.executor_id.value));
      if (rejection) return reply.code(rejection.status).type('text/plain; charset=utf-8').send(rejection.message);
      if (call.type === 'SUBSCRIBE') {
        reply.hijack();
        host.subscribeExecutor(call, new EventStream(reply.raw, randomUUID()));
        return reply;
      }
      host.executorCall(call);
      return reply.code(202).send();
    });
    if (operator) {
      api.all('/slave(1)/api/v1', async (request, reply) => {
        const decision = parseOperatorRequest({
          method: request.method,
          contentType: request.headers['content-type'],
          accept: request.headers.accept,
          body: typeof request.body === 'string' ? request.body : '',
        });
        if (decision.kind === 'reject') {
          return reply.code(decision.status).headers(decision.headers ?? {}).type('text/plain; charset=utf-8').send(decision.message);
        }
        const response = await handleOperatorCall(decision.call, operator);
        if (response.text !== undefined) return sendText(reply, response.status, response.text);
        if (response.body === undefined) return reply.code(response.status).send();
        return reply.code(response.status).type('application/json').send(JSON.stringify(response.body));
      });
    }
  });

  return app;
}
