/**
 * `/v2/apps` routes (§2.1): list with filters, create, update (single and
 * many, partial or full), show, delete, restart, tasks, versions.
 * App ids contain slashes, so `/v2/apps/*` is parsed here: a trailing
 * `restart`, `tasks[/<taskId>]`, `versions[/<ts>]` or `*` addresses a
 * sub-resource unless the whole path names an existing app.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDefinition } from '../app-definition.js';
import type { DeploymentResult } from '../app-service.js';
import { NotFoundError } from '../errors.js';
import { isActive } from '../instance.js';
import { matchesLabels, parseLabelSelector } from '../label-selector.js';
import { canonicalId, isUnder } from '../path-id.js';
import { parseEmbeds, taskJson } from '../views.js';
import { appJson, type AppJson } from '../app-json.js';
import { appInfo, clientIp, flag, jsonBody, param, values, type MarathonContext } from './context.js';
import { tasksText } from './tasks-text.js';

function deploymentReply(reply: FastifyReply, result: DeploymentResult, status = 200): FastifyReply {
  return reply.code(status).header('Marathon-Deployment-Id', result.deploymentId).send(result);
}

function listApps(ctx: MarathonContext, req: FastifyRequest): AppJson[] {
  const cmd = param(req, 'cmd')?.toLowerCase();
  const id = param(req, 'id')?.toLowerCase();
  const label = param(req, 'label');
  const selector = label !== undefined ? parseLabelSelector(label) : undefined;
  const embeds = parseEmbeds(values(req, 'embed'), { counts: true, deployments: true });
  return ctx.state
    .appList()
    .filter((a) => cmd === undefined || (a.cmd ?? '').toLowerCase().includes(cmd))
    .filter((a) => id === undefined || a.id.toLowerCase().includes(id))
    .filter((a) => !selector || matchesLabels(selector, a.labels))
    .map((a) => appInfo(ctx, a, embeds));
}

/** Where a `/v2/apps/<rest>` path points. */
type AppPath =
  | { kind: 'app'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'restart'; id: string }
  | { kind: 'tasks'; id: string }
  | { kind: 'task'; id: string; taskId: string }
  | { kind: 'versions'; id: string }
  | { kind: 'version'; id: string; version: string };

function resolve(ctx: MarathonContext, rest: string): AppPath {
  const whole = canonicalId(rest);
  if (ctx.state.apps.has(whole)) return { kind: 'app', id: whole };
  const parts = rest.split('/').filter((s) => s !== '');
  const last = parts[parts.length - 1];
  const prev = parts[parts.length - 2];
  const head = (n: number): string => canonicalId(parts.slice(0, parts.length - n).join('/'));
  if (last === '*') return { kind: 'group', id: head(1) };
  if (last === 'restart') return { kind: 'restart', id: head(1) };
  if (last === 'tasks') return { kind: 'tasks', id: head(1) };
  if (last === 'versions') return { kind: 'versions', id: head(1) };
  if (prev === 'tasks' && last !== undefined) return { kind: 'task', id: head(2), taskId: last };
  if (prev === 'versions' && last !== undefined) return { kind: 'version', id: head(2), version: last };
  return { kind: 'app', id: whole };
}

function wantsText(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/plain') && !accept.includes('application/json');
}

/** Registers the `/v2/apps` routes. */
export function registerAppRoutes(server: FastifyInstance, ctx: MarathonContext): void {
  server.get('/v2/apps', async (req) => ({ apps: listApps(ctx, req) }));

  server.post('/v2/apps', async (req, reply) => {
    const body = jsonBody(req);
    const { app, result } = ctx.apps.create(body, flag(req, 'force'));
    ctx.events.publish('api_post_event', { clientIp: clientIp(req), uri: '/v2/apps', appDefinition: appJson(app) });
    const location = `${req.protocol}://${req.headers.host ?? ctx.info.leader}/v2/apps${app.id}`;
    const info = { ...appJson(app), tasksStaged: 0, tasksRunning: 0, tasksHealthy: 0, tasksUnhealthy: 0, deployments: [{ id: result.deploymentId }] };
    return reply.code(201).header('Location', location).header('Marathon-Deployment-Id', result.deploymentId).send(info);
  });

  const putMany = async (req: FastifyRequest, reply: FastifyReply, partialDefault: boolean): Promise<FastifyReply> => {
    const result = ctx.apps.updateMany(jsonBody(req), { force: flag(req, 'force'), partialUpdate: flag(req, 'partialUpdate', partialDefault) });
    return deploymentReply(reply, result);
  };
  server.put('/v2/apps', (req, reply) => putMany(req, reply, true));
  server.patch('/v2/apps', (req, reply) => putMany(req, reply, true));

  server.get('/v2/apps/*', async (req, reply) => {
    const path = resolve(ctx, (req.params as { '*': string })['*']);
    switch (path.kind) {
      case 'app': {
        const app = ctx.apps.get(path.id);
        return { app: appInfo(ctx, app, parseEmbeds(values(req, 'embed'), { counts: true, deployments: true, tasks: true, lastTaskFailure: true })) };
      }
      case 'group': {
        const embeds = parseEmbeds(values(req, 'embed'), { counts: true, deployments: true });
        return { '*': ctx.state.appList().filter((a) => isUnder(a.id, path.id)).map((a) => appInfo(ctx, a, embeds)) };
      }
      case 'tasks': {
        const apps = appsFor(ctx, path.id);
        if (wantsText(req)) return reply.type('text/plain').send(tasksText(ctx, apps));
        return { tasks: apps.flatMap((a) => tasksOf(ctx, a)) };
      }
      case 'versions': {
        const app = ctx.apps.get(path.id);
        return { versions: (await ctx.state.store.appVersions(app.id)).reverse() };
      }
      case 'version': {
        const app = ctx.apps.get(path.id);
        const stored = await ctx.state.store.appVersion(app.id, path.version);
        if (!stored) throw new NotFoundError(`App '${app.id}' does not exist in version ${path.version}`);
        return appJson(stored);
      }
      default:
        throw new NotFoundError(`App '${path.id}' does not exist`);
    }
  });

  server.put('/v2/apps/*', async (req, reply) => {
    const id = canonicalId((req.params as { '*': string })['*']);
    const body = jsonBody(req);
    const { created, app, result } = await ctx.apps.update(id, body, { force: flag(req, 'force'), partialUpdate: flag(req, 'partialUpdate', true) });
    ctx.events.publish('api_post_event', { clientIp: clientIp(req), uri: `/v2/apps${id}`, appDefinition: appJson(app) });
    if (created) reply.header('Location', `${req.protocol}://${req.headers.host ?? ctx.info.leader}/v2/apps${id}`);
    return deploymentReply(reply, result, created ? 201 : 200);
  });

  server.patch('/v2/apps/*', async (req, reply) => {
    const id = canonicalId((req.params as { '*': string })['*']);
    ctx.apps.get(id);
    const { app, result } = await ctx.apps.update(id, jsonBody(req), { force: flag(req, 'force'), partialUpdate: true });
    ctx.events.publish('api_post_event', { clientIp: clientIp(req), uri: `/v2/apps${id}`, appDefinition: appJson(app) });
    return deploymentReply(reply, result);
  });

  server.post('/v2/apps/*', async (req, reply) => {
    const path = resolve(ctx, (req.params as { '*': string })['*']);
    if (path.kind !== 'restart') throw new NotFoundError(`App '${path.id}' does not exist`);
    return deploymentReply(reply, ctx.apps.restart(path.id, flag(req, 'force')));
  });

  server.delete('/v2/apps/*', async (req, reply) => {
    const path = resolve(ctx, (req.params as { '*': string })['*']);
    const opts = { scale: flag(req, 'scale'), wipe: flag(req, 'wipe'), force: flag(req, 'force') };
    switch (path.kind) {
      case 'app':
        return deploymentReply(reply, ctx.apps.destroy(path.id, flag(req, 'force', true)));
      case 'tasks': {
        const app = ctx.apps.get(path.id);
        const victims = ctx.apps.liveInstances(app.id, param(req, 'host'));
        const rendered = victims.map((i) => taskJson(i, app, ctx.health.results(i.instanceId), false));
        const result = ctx.apps.kill(app, victims, opts);
        return result ? deploymentReply(reply, result) : { tasks: rendered };
      }
      case 'task': {
        const app = ctx.apps.get(path.id);
        const victims = ctx.apps.instancesByTaskIdsLenient([path.taskId]).filter((i) => i.appId === app.id);
        if (victims.length === 0) throw new NotFoundError(`Task '${path.taskId}' does not exist`);
        const rendered = taskJson(victims[0]!, app, ctx.health.results(victims[0]!.instanceId), false);
        const result = ctx.apps.kill(app, victims, opts);
        return result ? deploymentReply(reply, result) : { task: rendered };
      }
      default:
        throw new NotFoundError(`App '${path.id}' does not exist`);
    }
  });
}

/** The app `id`, or every app under group `id` when it ends in `*`-style listing. */
function appsFor(ctx: MarathonContext, id: string): AppDefinition[] {
  const app = ctx.state.apps.get(id);
  if (app) return [app];
  const under = ctx.state.appList().filter((a) => isUnder(a.id, id));
  if (under.length === 0) throw new NotFoundError(`App '${id}' does not exist`);
  return under;
}

/** Task JSON of an app's live tasks. */
export function tasksOf(ctx: MarathonContext, app: AppDefinition, withServicePorts = false): AppJson[] {
  return ctx.state
    .instancesOf(app.id)
    .filter(isActive)
    .map((i) => taskJson(i, app, ctx.health.results(i.instanceId), withServicePorts))
    .filter((t): t is AppJson => t !== undefined);
}
