/**
 * `GET /v2/events`: the event bus as Server-Sent Events (§2.7). Framing as
 * Marathon's Jetty writes it, with CRLF: `event: <type>\r\ndata: <json>\r\n\r\n`;
 * `event_stream_attached` first; a bare `\r\n` every 10 s keeps idle clients
 * alive; `event_type=<t>` (repeatable) filters. The stream never ends from
 * our side except on shutdown.
 */
import type { FastifyInstance } from 'fastify';
import type { MarathonEvent } from '../event-bus.js';
import { values, type MarathonContext } from './context.js';

/** Heartbeat interval of the stream (ms). */
export const SSE_HEARTBEAT_MS = 10_000;

/** One event in SSE framing. */
export function sseFrame(event: MarathonEvent): string {
  return `event: ${event.eventType}\r\ndata: ${JSON.stringify(event)}\r\n\r\n`;
}

/** Registers `/v2/events`; returns a function closing every open stream. */
export function registerEventsRoute(server: FastifyInstance, ctx: MarathonContext): () => void {
  const open = new Set<() => void>();
  server.get('/v2/events', (req, reply) => {
    const types = values(req, 'event_type');
    const wanted = (e: MarathonEvent): boolean => types.length === 0 || types.includes(e.eventType);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream;charset=UTF-8',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Connection: 'close',
      'X-Marathon-Leader': `http://${ctx.info.leader}`,
    });
    const remoteAddress = req.ip;
    let unsubscribe = (): void => undefined;
    const heartbeat = setInterval(() => raw.write('\r\n'), SSE_HEARTBEAT_MS);
    const close = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(close);
      if (!raw.writableEnded) raw.end();
    };
    open.add(close);
    raw.on('close', () => {
      if (!open.has(close)) return;
      close();
      ctx.events.publish('event_stream_detached', { remoteAddress });
    });
    // Other clients hear about this one; this one gets its own attached event first.
    const attached = ctx.events.publish('event_stream_attached', { remoteAddress });
    if (wanted(attached)) raw.write(sseFrame(attached));
    unsubscribe = ctx.events.subscribe((event) => {
      if (wanted(event) && !raw.writableEnded) raw.write(sseFrame(event));
    });
  });
  return () => {
    for (const close of [...open]) close();
  };
}
