/**
 * Reply helpers shared by the master's routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sends JSON, or JSONP when `?jsonp=<callback>` is given (the Mesos UI relies on it). */
export function json(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  const callback = (request.query as Record<string, string | undefined>).jsonp;
  if (callback) return reply.type('text/javascript').send(`${callback}(${JSON.stringify(body)})`);
  return reply.type('application/json').send(JSON.stringify(body));
}

/** A plain-text error, as Mesos answers. */
export function text(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('text/plain').send(message);
}
