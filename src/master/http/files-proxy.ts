/**
 * `/files/{browse,read,download,debug}` on the master. The master holds no
 * sandboxes: a request for a sandbox path is forwarded, query untouched, to
 * the agent that owns it, and the agent's answer (status, type, body) is
 * streamed back — downloads included, never buffered whole. The master's own
 * log is served here as `/master/log` (as Mesos attaches it) when it logs to
 * a file. Real Mesos masters answer 404 for sandboxes; this is an extension
 * that lets one address reach every file, with the agent doing every check.
 *
 * Which agent owns a path, first rule that matches:
 *   1. a `/slaves/<agent_id>/` segment (host sandbox paths, `executor.directory`)
 *   2. `/frameworks/<fw>/executors/<ex>/...` naming a task or executor the master
 *      knows to run on one agent
 *   3. the agent whose `/files/debug` attachments cover the path (asked in
 *      parallel, bounded by a timeout; covers other work_dir spellings and
 *      executors whose tasks the master has forgotten)
 * No owner → 404, as Mesos answers for paths nothing is attached at.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FILES_ENDPOINTS, filesHandlers, requirePath, sendText } from '../../files/files-routes.js';
import { FilesService } from '../../files/files-service.js';
import { matchAttachment, normalizeVirtualPath } from '../../files/virtual-path.js';
import type { AgentRecord } from '../agent-record.js';
import type { Master } from '../master.js';

/** How long the master waits for an agent's response headers (ms). */
const AGENT_TIMEOUT_MS = 10_000;
/** How long rule 3 waits for each agent's `/files/debug` (ms). */
const DEBUG_TIMEOUT_MS = 2_000;

/** Response headers passed through from the agent. */
const PASSED_HEADERS = ['content-type', 'content-disposition', 'content-length', 'x-content-type-options'];

/** The log file path of a logger that writes one (the daemons' glog logger does); structural, so tests may pass any logger. */
function logFileOf(logger: unknown): string | undefined {
  const file = (logger as { logFile?: unknown } | undefined)?.logFile;
  return typeof file === 'string' && file !== '' ? file : undefined;
}

/**
 * Agent owning `path` by rules 1 and 2 of the module comment (pure over the
 * master's current agents and tasks), or undefined.
 */
export function ownerByPath(master: Pick<Master, 'agents'>, path: string): AgentRecord | undefined {
  const segments = normalizeVirtualPath(path).split('/').filter((s) => s !== '');
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i] === 'slaves') {
      const agent = master.agents.get(segments[i + 1]!);
      if (agent) return agent;
    }
  }
  if (segments[0] === 'frameworks' && segments[2] === 'executors' && segments.length >= 4) {
    const frameworkId = segments[1]!;
    const executorId = segments[3]!;
    for (const agent of master.agents.values()) {
      if (agent.executors.has(`${frameworkId}/${executorId}`)) return agent;
      for (const task of agent.tasks.values()) {
        if (task.frameworkId !== frameworkId) continue;
        // A command task's executor id is its task id.
        if (task.executorId === executorId || (task.executorId === '' && task.id === executorId)) return agent;
      }
    }
  }
  return undefined;
}

async function fetchWithTimeout(url: string, timeoutMs: number, abort?: AbortController): Promise<Response> {
  const controller = abort ?? new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    return await fetch(url, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** Rule 3: the agent with the longest attachment covering `path`, by asking each agent's `/files/debug`. */
async function ownerByDebug(master: Master, path: string): Promise<AgentRecord | undefined> {
  const agents = [...master.agents.values()].filter((a) => a.state !== 'unreachable');
  const maps = await Promise.all(
    agents.map(async (agent) => {
      try {
        const res = await fetchWithTimeout(`http://${agent.endpoint}/files/debug`, DEBUG_TIMEOUT_MS);
        return res.ok ? ((await res.json()) as Record<string, string>) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  let best: { agent: AgentRecord; depth: number } | undefined;
  agents.forEach((agent, i) => {
    const map = maps[i];
    if (!map) return;
    const match = matchAttachment(new Map(Object.entries(map)), path);
    if (!match) return;
    const depth = match.virtualRoot.split('/').length;
    if (!best || depth > best.depth) best = { agent, depth };
  });
  return best?.agent;
}

/** Forwards the request to `agent` and streams its answer back. */
async function forward(agent: AgentRecord, endpoint: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const queryAt = request.url.indexOf('?');
  const query = queryAt < 0 ? '' : request.url.slice(queryAt);
  const url = `http://${agent.endpoint}/files/${endpoint}${query}`;
  const abort = new AbortController();
  // A client that goes away stops the agent's side too.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  let upstream: Response;
  try {
    upstream = await fetchWithTimeout(url, AGENT_TIMEOUT_MS, abort);
  } catch (error) {
    return sendText(reply, 503, `Failed to reach agent ${agent.id} at ${agent.endpoint}: ${(error as Error).message}\n`);
  }
  reply.code(upstream.status);
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  if (!upstream.body) return reply.send();
  return reply.send(Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>));
}

/**
 * Adds `/files/{browse,read,download,debug}` (and their `.json` aliases) to
 * the master's app; see the module comment. Call once, from the server.
 */
export function registerFilesProxy(app: FastifyInstance, master: Master): void {
  const local = new FilesService({
    attachments: () => {
      const logFile = logFileOf(master.logger);
      return new Map(logFile ? [['/master/log', logFile]] : []);
    },
    logger: master.logger,
  });
  const localHandlers = filesHandlers(local);

  for (const endpoint of FILES_ENDPOINTS) {
    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      if (endpoint === 'debug') return localHandlers.debug(request, reply);
      const path = requirePath(request, reply);
      if (path === undefined) return reply;
      if (path.includes('\0') || matchAttachment(new Map(Object.entries(local.debug())), path)) {
        return localHandlers[endpoint](request, reply);
      }
      const owner = ownerByPath(master, path) ?? (await ownerByDebug(master, path));
      if (!owner) return sendText(reply, 404, '');
      return forward(owner, endpoint, request, reply);
    };
    app.get(`/files/${endpoint}`, handler);
    app.get(`/files/${endpoint}.json`, handler);
  }
}
