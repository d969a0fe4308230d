/**
 * Chronos's REST API on fastify, under both `/v1/scheduler` (3.x) and
 * `/scheduler` (2.x) with identical handlers, plus `/ping`, `/metrics` and
 * `/leader`. Mutations answer 204; errors are ApiResult bodies (400 for
 * `require` failures and unknown jobs, 500 otherwise), as Chronos answers.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Clock } from '../../mesos/clock.js';
import type { JobDefaults } from '../job.js';
import { lastState } from '../job.js';
import { jobJson, listedJobJson } from '../job-json.js';
import type { JobScheduler } from '../job-scheduler.js';
import type { JobRepository } from '../job-repository.js';
import { ChronosApiError, jobNotFound, requirementFailed } from '../errors.js';
import { parseJsonBody } from '../json-body.js';
import { submitDependent, submitScheduled } from '../job-submission.js';
import { graphCsv, graphDot } from '../graph-export.js';
import { PERCENTILES, type PercentileName } from '../run-stats.js';
import { taskStatJson } from '../task-history.js';
import { parseTaskId } from '../task-id.js';
import { metricsJson, type ApiCounters } from './metrics.js';

/** What the routes need. */
export interface ChronosHttpContext {
  scheduler: JobScheduler;
  repository: JobRepository;
  defaults: JobDefaults;
  clock: Clock;
  /** `host:port` this instance advertises (`GET /leader`). */
  leader: () => string;
  counters: ApiCounters;
  /**
   * The Mesos master this instance follows now (`host:port` after redirects)
   * and its framework id, each undefined while unknown (`GET /master`, a
   * Meseta addition so UIs can link into the master's sandboxes).
   */
  framework?: () => { master?: string; frameworkId?: string };
}

/** `GET {prefix}/master`: Meseta's addition; nulls while not subscribed. */
export interface MasterLink {
  master: string | null;
  frameworkId: string | null;
}

/** The two prefixes every scheduler route is served under. */
export const PREFIXES = ['/v1/scheduler', '/scheduler'] as const;

type Params = { name: string };

function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

function requireJob(ctx: ChronosHttpContext, name: string): void {
  if (!ctx.repository.get(name)) throw jobNotFound(name);
}

/** Builds the fastify app with every Chronos route (not listening yet). */
export function createChronosApp(ctx: ChronosHttpContext): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  // Bodies are taken as text whatever the Content-Type, and parsed by the handlers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (_req, reply, payload) => {
    // Chronos's CorsFilter covers every path.
    reply.header('Access-Control-Allow-Origin', '*');
    return payload;
  });

  app.setErrorHandler((error: unknown, _req, reply) => {
    if (error instanceof ChronosApiError) return reply.code(error.status).type('application/json').send(error.body());
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    const message = error instanceof Error ? error.message : String(error);
    return reply
      .code(status)
      .type('application/json')
      .send({ message, status: status >= 500 ? 'Internal Server Error' : status === 404 ? 'Not Found' : 'Bad Request' });
  });

  app.get('/ping', async (_req, reply) => reply.type('text/plain').send('pong'));
  app.get('/metrics', async () => metricsJson(ctx.repository.all(), ctx.scheduler, ctx.counters));
  app.get('/leader', async () => ({ leader: ctx.leader() }));

  for (const prefix of PREFIXES) registerScheduler(app, prefix, ctx);
  return app;
}

function registerScheduler(app: FastifyInstance, prefix: string, ctx: ChronosHttpContext): void {
  const { scheduler, repository } = ctx;

  const iso8601 = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const body = parseJsonBody(req.body as string | undefined);
    const job = submitScheduled(body, (n) => repository.get(n), ctx.defaults, ctx.clock.now());
    scheduler.putJob(job);
    ctx.counters.iso8601Submissions++;
    return noContent(reply);
  };
  const dependency = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const body = parseJsonBody(req.body as string | undefined);
    const job = submitDependent(body, repository.all(), ctx.defaults);
    scheduler.putJob(job);
    ctx.counters.dependencySubmissions++;
    return noContent(reply);
  };
  app.post(`${prefix}/iso8601`, iso8601);
  app.put(`${prefix}/iso8601`, iso8601);
  app.post(`${prefix}/dependency`, dependency);
  app.put(`${prefix}/dependency`, dependency);

  app.get(`${prefix}/jobs`, async () => repository.all().map(listedJobJson));

  app.get<{ Querystring: Record<string, string | undefined> }>(`${prefix}/jobs/search`, async (req) => {
    const q = req.query;
    const name = q['name']?.toLowerCase();
    const command = q['command']?.toLowerCase();
    const any = q['any']?.toLowerCase();
    const limit = q['limit'] !== undefined && /^\d+$/.test(q['limit']) ? Number(q['limit']) : 10;
    const offset = q['offset'] !== undefined && /^\d+$/.test(q['offset']) ? Number(q['offset']) : 0;
    const found = repository.all().filter((job) => {
      let valid = true;
      if (name && !job.name.toLowerCase().includes(name)) valid = false;
      if (command && !job.command.toLowerCase().includes(command)) valid = false;
      if (!valid && any && (job.name.toLowerCase().includes(any) || job.command.toLowerCase().includes(any))) valid = true;
      return valid;
    });
    return found.slice(offset, offset + limit).map(jobJson);
  });

  app.get(`${prefix}/jobs/summary`, async () => ({
    jobs: repository.all().map((job) => ({
      name: job.name,
      status: lastState(job),
      state: scheduler.jobState(job.name),
      schedule: job.parents === undefined ? (job.schedule ?? '') : '',
      parents: job.parents ?? [],
      disabled: job.disabled,
    })),
  }));

  app.get<{ Params: Params }>(`${prefix}/job/:name`, async (req) => {
    const job = repository.get(req.params.name);
    if (!job) throw jobNotFound(req.params.name);
    return jobJson(job);
  });

  app.put<{ Params: Params; Querystring: { arguments?: string } }>(`${prefix}/job/:name`, async (req, reply) => {
    requireJob(ctx, req.params.name);
    scheduler.runNow(req.params.name, req.query.arguments);
    return noContent(reply);
  });

  app.delete<{ Params: Params }>(`${prefix}/job/:name`, async (req, reply) => {
    if (!scheduler.deleteJob(req.params.name)) throw requirementFailed(`JobSchedule '${req.params.name}' not found`);
    return noContent(reply);
  });

  app.put<{ Params: Params }>(`${prefix}/job/success/:name`, async (req, reply) => {
    const ok = scheduler.markSuccess(req.params.name);
    // Chronos sends this bare text labelled as JSON.
    return reply.type('application/json').send(`marked job ${req.params.name} as successful: ${ok}`);
  });

  app.delete<{ Params: Params }>(`${prefix}/task/kill/:name`, async (req, reply) => {
    if (!repository.get(req.params.name)) throw requirementFailed(`JobSchedule '${req.params.name}' not found`);
    scheduler.killTasks(req.params.name);
    return noContent(reply);
  });

  app.get<{ Params: Params }>(`${prefix}/job/stat/:name`, async (req) => {
    requireJob(ctx, req.params.name);
    // Upstream the history lives in Cassandra; ours is the leader's memory (task-history.ts).
    return { histogram: scheduler.stats.histogram(req.params.name), taskStatHistory: scheduler.history.of(req.params.name).map(taskStatJson) };
  });

  app.get(`${prefix}/master`, async (): Promise<MasterLink> => {
    const link = ctx.framework?.() ?? {};
    return { master: link.master ?? null, frameworkId: link.frameworkId ?? null };
  });

  app.get<{ Params: { percentile: string } }>(`${prefix}/stats/:percentile`, async (req) => {
    const p = req.params.percentile;
    if (!(PERCENTILES as readonly string[]).includes(p)) throw requirementFailed(`Invalid percentile '${p}'`);
    const known = new Set(repository.all().map((j) => j.name));
    return scheduler.stats.ranking(p as PercentileName).filter((r) => known.has(r.jobNameLabel));
  });

  app.post<{ Params: { name: string; taskId: string } }>(`${prefix}/job/:name/task/:taskId/progress`, async (req, reply) => {
    const job = repository.get(req.params.name);
    if (!job) throw requirementFailed(`JobSchedule '${req.params.name}' not found`);
    if (!parseTaskId(req.params.taskId)) throw requirementFailed(`Invalid task id format ${req.params.taskId}`);
    if (!job.dataProcessingJobType) throw requirementFailed(`JobSchedule '${req.params.name}' is not enabled to track data`);
    const body = parseJsonBody(req.body as string | undefined) as { numAdditionalElementsProcessed?: unknown };
    const n = body.numAdditionalElementsProcessed;
    if (typeof n === 'number' && n < 0) throw requirementFailed(`numAdditionalElementsProcessed (${n}) is not positive`);
    // Progress is stored in Cassandra upstream; accepted and dropped here.
    return noContent(reply);
  });

  app.get(`${prefix}/graph/dot`, async (_req, reply) => reply.type('text/plain').send(graphDot(repository.all(), scheduler.graph.edges())));
  app.get(`${prefix}/graph/csv`, async (_req, reply) =>
    reply.type('text/plain').send(graphCsv(repository.all(), scheduler.graph.edges(), (n) => scheduler.jobState(n))),
  );
  app.get(`${prefix}/leader`, async () => ({ leader: ctx.leader() }));
}
