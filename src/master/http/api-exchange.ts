/**
 * One call to one of the master's JSON APIs (scheduler, agent channel,
 * operator), whichever layer received it: a fastify route, or the direct path
 * the leader serves the scheduler and agent calls on (direct-api.ts). The
 * endpoints read the call and answer through this, so both layers give the
 * same answers, byte for byte.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A call's request and the means to answer it. */
export interface ApiExchange {
  /** The request's headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The whole request body; empty when there was none. */
  readonly body: Buffer;
  /** The connection the call came on. */
  readonly socket: Socket;
  /** The peer's address, for logs. */
  readonly ip: string;
  /** Answers with `status` and `text` as `contentType` (e.g. `text/plain`). Once per exchange. */
  answer(status: number, contentType: string, text: string): void;
  /**
   * Takes over the response, for a stream of events (transport/event-stream.ts):
   * nothing else is then written for this call by the layer that received it.
   */
  takeResponse(): ServerResponse;
}

const EMPTY = Buffer.alloc(0);

/** The exchange of a fastify route whose body fastify read as a Buffer. */
export function fastifyExchange(request: FastifyRequest, reply: FastifyReply): ApiExchange {
  return {
    headers: request.headers,
    body: request.body instanceof Buffer ? request.body : EMPTY,
    socket: request.raw.socket,
    ip: request.ip,
    answer: (status, contentType, text) => void reply.code(status).type(contentType).send(text),
    takeResponse: () => {
      reply.hijack();
      return reply.raw;
    },
  };
}

/**
 * The exchange of a call read straight from Node's HTTP server. Answers carry
 * the same headers as fastify's (`content-type`, `content-length`, lower case).
 */
export function nodeExchange(request: IncomingMessage, response: ServerResponse, body: Buffer): ApiExchange {
  return {
    headers: request.headers,
    body,
    socket: request.socket,
    ip: request.socket.remoteAddress ?? '',
    answer: (status, contentType, text) => {
      response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      response.end(text);
    },
    takeResponse: () => response,
  };
}

/** Answers `status` with `message` as `text/plain`, the way Mesos's HTTP APIs give their errors and 202s. */
export function answerText(exchange: ApiExchange, status: number, message: string): void {
  exchange.answer(status, 'text/plain', message);
}

/**
 * Checks the HTTP envelope of an API call as Mesos does and parses its body.
 * Returns the parsed object, or undefined after answering with Mesos's error:
 * 400 without `Content-Type`, 415 for a media type other than JSON (Meseta
 * speaks no protobuf), 406 when `Accept` rules out JSON, 400 for a body that is
 * not a JSON object.
 */
export function parseApiCall(exchange: ApiExchange): Record<string, unknown> | undefined {
  const contentType = exchange.headers['content-type'];
  if (!contentType) {
    answerText(exchange, 400, "Expecting 'Content-Type' to be present");
    return undefined;
  }
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    const message =
      mediaType === 'application/x-protobuf'
        ? 'Meseta speaks JSON only; send Content-Type: application/json'
        : `Expecting 'Content-Type' of application/json or application/x-protobuf`;
    answerText(exchange, 415, message);
    return undefined;
  }
  const accept = exchange.headers.accept;
  if (accept && !/application\/json|\*\/\*|application\/\*/.test(accept)) {
    answerText(exchange, 406, `Expecting 'Accept' to allow application/json`);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(exchange.body.toString('utf8'));
  } catch (error) {
    answerText(exchange, 400, `Failed to parse body into JSON: ${(error as Error).message}`);
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    answerText(exchange, 400, 'Failed to parse body into JSON: expected an object');
    return undefined;
  }
  return parsed as Record<string, unknown>;
}
