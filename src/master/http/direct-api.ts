/**
 * The leader's direct path for the calls frameworks and agents make by the
 * thousand — every status update's ACKNOWLEDGE, the agents' BATCHes of status
 * updates — straight from Node's HTTP server, with fastify serving everything
 * else (and these paths too whenever the direct path steps aside).
 *
 * Why: at 10,000 tasks/s (the placement bench) the master answers ~25,000
 * scheduler calls a second, and fastify's per-request work — request and reply
 * objects, the hook chain, content-type parsing, routing — was ~9 % of its
 * main thread. A call of these paths needs none of it: the endpoint reads the
 * headers and the body and answers with a status and text (api-exchange.ts),
 * exactly as it does through fastify.
 *
 * The direct path steps aside, leaving the request to fastify untouched, for:
 * a master that does not lead (fastify's `onRequest` hook redirects or holds
 * the call, server.ts); a body without `Content-Length` (chunked) or over the
 * body limit (fastify's 413); any other method, path or a query string.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { nodeExchange, type ApiExchange } from './api-exchange.js';

/** An endpoint served directly: reads the call from the exchange and answers through it. */
export type DirectEndpoint = (exchange: ApiExchange) => void;

/** What the direct path serves. */
export interface DirectApi {
  /** Endpoints by exact path (no query string), POST only. */
  readonly endpoints: ReadonlyMap<string, DirectEndpoint>;
  /** Whether to serve now (the master leads); when false every call goes to fastify. */
  readonly serving: () => boolean;
  /** Largest body served directly, bytes: fastify's `bodyLimit`, so larger ones get its 413. */
  readonly bodyLimit: number;
}

/** Fastify's server options the factory applies as fastify's own HTTP/1 server does. */
interface ServerTimeouts {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/**
 * A fastify `serverFactory`: Node's HTTP server, set up as fastify sets up its
 * own (keep-alive, request and connection timeouts), whose requests go to
 * `api`'s endpoints when {@link takesDirectly} says so, else to fastify.
 */
export function directApiServerFactory(api: DirectApi): FastifyServerFactory {
  return (fastifyHandler, options) => {
    const server: Server = createServer((request, response) => {
      const endpoint = takesDirectly(api, request);
      if (endpoint) readBody(request, (body) => serve(endpoint, request, response, body));
      else fastifyHandler(request, response);
    });
    const timeouts = options as ServerTimeouts;
    if (timeouts.keepAliveTimeout !== undefined) server.keepAliveTimeout = timeouts.keepAliveTimeout;
    if (timeouts.requestTimeout !== undefined) server.requestTimeout = timeouts.requestTimeout;
    server.setTimeout(timeouts.connectionTimeout ?? 0);
    if (timeouts.maxRequestsPerSocket !== undefined && timeouts.maxRequestsPerSocket > 0) {
      server.maxRequestsPerSocket = timeouts.maxRequestsPerSocket;
    }
    return server;
  };
}

/** The endpoint to serve `request` directly, or undefined to leave it to fastify. */
export function takesDirectly(api: DirectApi, request: IncomingMessage): DirectEndpoint | undefined {
  if (request.method !== 'POST') return undefined;
  const endpoint = api.endpoints.get(request.url ?? '');
  if (endpoint === undefined || !api.serving()) return undefined;
  const length = request.headers['content-length'];
  if (length === undefined || request.headers['transfer-encoding'] !== undefined) return undefined;
  const bytes = Number(length);
  return bytes <= api.bodyLimit ? endpoint : undefined;
}

/**
 * Reads the whole body. A request cut off midway never ends, so it is dropped
 * with its connection (Node's IncomingMessage emits 'error' only to listeners).
 */
function readBody(request: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
}

/** Runs the endpoint; an endpoint that throws gets fastify's answer for a handler that threw. */
function serve(endpoint: DirectEndpoint, request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const exchange = nodeExchange(request, response, body);
  try {
    endpoint(exchange);
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const message = (error as Error).message;
    exchange.answer(500, 'application/json; charset=utf-8', JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message }));
  }
}
