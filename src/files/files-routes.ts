/**
 * The `/files/*` HTTP endpoints (Mesos `FilesProcess` routes), on any fastify
 * app, for master and agent alike:
 *
 *   GET /files/browse?path=P                    [{path,nlink,size,mtime,mode,uid,gid}]
 *   GET /files/read?path=P&offset=N&length=L    {offset, data}
 *   GET /files/download?path=P                  raw bytes, streamed, as an attachment
 *   GET /files/debug                            {virtual path: host path}
 *
 * JSON replies honour `?jsonp=<callback>`. Errors are plain text with Mesos's
 * messages and codes (400 bad parameters, 403 outside a root, 404 not found).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { classicFileInfo } from './file-info.js';
import { FilesError } from './files-error.js';
import type { FilesService } from './files-service.js';
import { completeUtf8Length, parseReadRequest } from './read-range.js';

/** Options of `registerFilesRoutes`. */
export interface FilesRoutesOptions {
  /** Also answer `/files/<x>.json` (removed in Mesos 1.7; old tools still call it). Default false. */
  jsonAliases?: boolean;
}

type Query = Record<string, string | string[] | undefined>;

/** The first value of a query parameter (repeated keys: the first wins). */
export function queryValue(query: unknown, name: string): string | undefined {
  const value = (query as Query | undefined)?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** JSONP callbacks are identifiers and member accesses only (`angular.callbacks._0`): nothing to inject. */
const CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*$/;

/** Sends `body` as JSON, or as JSONP when `?jsonp=` names a callback. */
export function sendJsonOrJsonp(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  const callback = queryValue(request.query, 'jsonp');
  if (callback !== undefined && callback !== '') {
    if (!CALLBACK.test(callback)) return sendText(reply, 400, 'Invalid JSONP callback.\n');
    return reply.type('text/javascript').send(`${callback}(${JSON.stringify(body)})`);
  }
  return reply.type('application/json').send(JSON.stringify(body));
}

/** Plain-text reply (Mesos error bodies). */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(text);
}

/** Replies to a FilesError as Mesos does; rethrows anything else. */
export function sendFilesError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof FilesError) return sendText(reply, error.status, error.message);
  throw error;
}

/** `Content-Disposition` value: Mesos's bare `filename=` when safe, RFC 6266 quoting otherwise. */
export function contentDisposition(name: string): string {
  if (/^[\w.+@-]+$/.test(name)) return `attachment; filename=${name}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The `path` parameter, or undefined after answering Mesos's 400. */
export function requirePath(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const path = queryValue(request.query, 'path');
  if (path === undefined || path === '') {
    void sendText(reply, 400, "Expecting 'path=value' in query.\n");
    return undefined;
  }
  return path;
}

/** A fastify GET handler. */
export type FilesHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** The four endpoints' handlers over `service`, for apps that route them themselves (the master's proxy). */
export function filesHandlers(service: FilesService): Record<'browse' | 'read' | 'download' | 'debug', FilesHandler> {
  return {
    async browse(request, reply) {
      const path = requirePath(request, reply);
      if (path === undefined) return reply;
      try {
        const listing = await service.browse(path);
        return sendJsonOrJsonp(request, reply, listing.map((f) => classicFileInfo(f.path, f.stat, f.owner)));
      } catch (error) {
        return sendFilesError(reply, error);
      }
    },

    async read(request, reply) {
      const path = requirePath(request, reply);
      if (path === undefined) return reply;
      const parsed = parseReadRequest(queryValue(request.query, 'offset'), queryValue(request.query, 'length'));
      if (!parsed.ok) return sendText(reply, 400, parsed.message);
      try {
        const result = await service.read(path, parsed.value.offset, parsed.value.length);
        const keep = completeUtf8Length(result.data);
        const bytes = keep > 0 ? result.data.subarray(0, keep) : result.data;
        return sendJsonOrJsonp(request, reply, { data: bytes.toString('utf8'), offset: result.offset });
      } catch (error) {
        return sendFilesError(reply, error);
      }
    },

    async download(request, reply) {
      const path = requirePath(request, reply);
      if (path === undefined) return reply;
      try {
        const file = await service.open(path);
        return reply
          .code(200)
          .header('Content-Type', file.contentType)
          .header('Content-Disposition', contentDisposition(file.name))
          .header('Content-Length', String(file.size))
          .header('X-Content-Type-Options', 'nosniff')
          .send(file.stream);
      } catch (error) {
        return sendFilesError(reply, error);
      }
    },

    async debug(request, reply) {
      return sendJsonOrJsonp(request, reply, service.debug());
    },
  };
}

/** The endpoint names, in the order Mesos lists them. */
export const FILES_ENDPOINTS = ['browse', 'read', 'download', 'debug'] as const;

/** Adds the four routes (and their `.json` aliases if asked) to `app`. */
export function registerFilesRoutes(app: FastifyInstance, service: FilesService, options: FilesRoutesOptions = {}): void {
  const handlers = filesHandlers(service);
  for (const name of FILES_ENDPOINTS) {
    app.get(`/files/${name}`, handlers[name]);
    if (options.jsonAliases) app.get(`/files/${name}.json`, handlers[name]);
  }
}
