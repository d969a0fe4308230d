/**
 * `/v2/tasks`, `/v2/queue`, `/v2/deployments`, `/v2/info`, `/v2/leader`,
 * `/ping`, `/metrics`, `/v2/plugins` (§2.2, §2.4–§2.6).
 */
import type { FastifyInstance } from 'fastify';
import type { AppDefinition } from '../app-definition.js';
import type { DeploymentResult } from '../app-service.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { isActive } from '../instance.js';
import { isObject } from '../json-reader.js';
import { queueItemJson, deploymentJson, taskJson, taskCounts } from '../views.js';
import type { AppJson } from '../app-json.js';
import { flag, jsonBody, values, type MarathonContext } from './context.js';
import { tasksOf } from './apps-routes.js';
import { tasksText } from './tasks-text.js';

/** Registers every route except apps, groups and events. */
export function registerOtherRoutes(server: FastifyInstance, ctx: MarathonContext): void {
  server.get('/v2/tasks', async (req, reply) => {
    const accept = req.headers.accept ?? '';
    if (accept.includes('text/plain') && !accept.includes('application/json')) {
      return reply.type('text/plain').send(tasksText(ctx, ctx.state.appList()));
    }
    const statuses = values(req, 'status').map((s) => s.toLowerCase());
    const wanted = (state: string): boolean =>
      statuses.length === 0 ||
      (statuses.includes('running') && state === 'TASK_RUNNING') ||
      (statuses.includes('staging') && state === 'TASK_STAGING');
    const tasks = ctx.state.appList().flatMap((a) => tasksOf(ctx, a, true)).filter((t) => wanted(String(t['state'])));
    return { tasks };
  });

  server.post('/v2/tasks/delete', async (req, reply) => {
    const body = jsonBody(req);
    const ids = isObject(body) && Array.isArray(body['ids']) ? body['ids'].filter((x): x is string => typeof x === 'string') : undefined;
    if (!ids) throw new BadRequestError('Expected a JSON object with an "ids" array of task ids');
    const opts = { scale: flag(req, 'scale'), wipe: flag(req, 'wipe'), force: flag(req, 'force') };
    if (opts.scale && opts.wipe) throw new BadRequestError('You cannot use scale and wipe at the same time.');
    const victims = ctx.apps.instancesByTaskIds(ids);
    const rendered = victims.map((i) => taskJson(i, ctx.state.apps.get(i.appId), ctx.health.results(i.instanceId), false));
    const byApp = new Map<string, typeof victims>();
    for (const v of victims) byApp.set(v.appId, [...(byApp.get(v.appId) ?? []), v]);
    let last: DeploymentResult | undefined;
    for (const [appId, list] of byApp) {
      const app = ctx.state.apps.get(appId);
      if (app) last = ctx.apps.kill(app, list, opts) ?? last;
    }
    if (opts.scale && last) return reply.header('Marathon-Deployment-Id', last.deploymentId).send(last);
    return { tasks: rendered };
  });

  server.get('/v2/queue', async (req) => {
    const now = ctx.now();
    const withOffers = values(req, 'embed').includes('lastUnusedOffers');
    const byApp = new Map<string, { app: AppDefinition; count: number; since: number }>();
    for (const i of ctx.tracker.scheduled()) {
      const app = ctx.state.apps.get(i.appId);
      if (!app) continue;
      const entry = byApp.get(app.id) ?? { app, count: 0, since: i.scheduledAt };
      entry.count++;
      entry.since = Math.min(entry.since, i.scheduledAt);
      byApp.set(app.id, entry);
    }
    const queue: AppJson[] = [...byApp.values()].map((e) =>
      queueItemJson(e.app, e.count, e.since, ctx.state.delays.get(e.app.id), ctx.launcher.stats.get(e.app.id), now, withOffers),
    );
    return { queue };
  });

  server.delete('/v2/queue/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    if (!rest.endsWith('/delay')) throw new NotFoundError(`URI not found: ${req.url}`);
    ctx.apps.resetDelay(rest.slice(0, -'/delay'.length));
    return reply.code(204).send();
  });

  server.get('/v2/deployments', async () => ctx.deployments.list().map(deploymentJson));

  server.delete('/v2/deployments/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const running = ctx.deployments.get(id);
    if (!running) throw new NotFoundError(`DeploymentPlan ${id} does not exist`);
    if (flag(req, 'force')) {
      ctx.deployments.cancel(id);
      return reply.code(202).send();
    }
    // Roll back: a forced deployment from the plan's target back to its original.
    ctx.deployments.cancel(id, 'Deployment was rolled back');
    const version = ctx.apps.nextVersion();
    const changes = new Map<string, AppDefinition | null>();
    for (const appId of running.plan.affectedApps) {
      const before = running.plan.original[appId];
      changes.set(appId, before ? ctx.apps.stamp(before, ctx.state.apps.get(appId), version, ctx.state.apps.values(), true) : null);
    }
    const result = ctx.apps.deploy(changes, true, version);
    return reply.header('Marathon-Deployment-Id', result.deploymentId).send(result);
  });

  server.get('/v2/info', async () => ({
    name: 'marathon',
    version: ctx.info.version,
    buildref: 'meseta',
    elected: true,
    leader: ctx.info.leader,
    frameworkId: ctx.state.frameworkId ?? null,
    marathon_config: { ...ctx.info.marathonConfig, master: ctx.launcher.master ?? ctx.info.marathonConfig['master'] },
    zookeeper_config: ctx.info.zookeeperConfig,
    http_config: { http_port: ctx.info.httpPort, https_port: 8443 },
  }));

  server.get('/v2/leader', async () => ({ leader: ctx.info.leader }));
  // Only the leader answers here (standbys relay to it); it abdicates once the answer is out.
  server.delete('/v2/leader', async (_req, reply) => {
    const abdicate = ctx.abdicate;
    if (!abdicate) throw new NotFoundError('There is no leader');
    reply.raw.once('finish', () => setImmediate(abdicate));
    return { message: 'Leadership abdicated' };
  });
  server.get('/v2/plugins', async () => ({ plugins: [] }));

  server.get('/ping', async (req, reply) => {
    const accept = req.headers.accept ?? '*/*';
    if (accept.includes('application/json') && !accept.includes('text/plain') && !accept.includes('*/*')) return reply.send('"pong"');
    return reply.type('text/plain').send('pong');
  });

  server.get('/metrics', async () => {
    const apps = ctx.state.appList();
    const instances = [...ctx.state.instances.values()];
    const counts = taskCounts(instances, (i) => ctx.health.healthState(i));
    const gauge = (value: number): { value: number } => ({ value });
    return {
      version: '4.0.0',
      counters: {},
      gauges: {
        'marathon.apps.active.gauge': gauge(apps.length),
        'marathon.groups.active.gauge': gauge(ctx.apps.groupIds().size + 1),
        'marathon.instances.running.gauge': gauge(counts['tasksRunning'] ?? 0),
        'marathon.instances.staged.gauge': gauge(counts['tasksStaged'] ?? 0),
        'marathon.instances.launch-overdue.gauge': gauge(ctx.tracker.scheduled().length),
        'marathon.instances.active.gauge': gauge(instances.filter(isActive).length),
        'marathon.deployments.active.gauge': gauge(ctx.deployments.list().length),
        'marathon.http.event-streams.active.gauge': gauge(ctx.events.size),
        'marathon.mesos.connected.gauge': gauge(ctx.launcher.connected ? 1 : 0),
      },
      histograms: {},
      meters: {},
      timers: {},
    };
  });

  server.get('/', async (_req, reply) => reply.redirect('/ui/'));
}
