/**
 * Response shapes of the REST API: Task (§4.1), AppInfo with its embeds
 * (§2.1.2, §3.11), QueueItem (§2.5) and DeploymentStepInfo (§2.4). Pure
 * renderers over the state they are given.
 */
import type { AppDefinition } from './app-definition.js';
import { servicePortsOf } from './app-definition.js';
import { appJson, type AppJson } from './app-json.js';
import type { RunningDeployment } from './deployment-manager.js';
import type { HealthResult } from './health-checks.js';
import { isActive, type Instance } from './instance.js';
import { delayLeftSeconds, type LaunchDelay } from './launch-delay.js';
import type { LastTaskFailure } from './marathon-state.js';
import type { OfferStats } from './offer-stats.js';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Task JSON of an instance's live task; undefined when the instance has no task. */
export function taskJson(instance: Instance, app: AppDefinition | undefined, health: HealthResult[], withServicePorts: boolean): AppJson | undefined {
  const task = instance.task;
  if (!task) return undefined;
  const active = isActive(instance);
  const out: AppJson = {
    appId: instance.appId,
    healthCheckResults: health,
    host: task.host,
    id: task.taskId,
    ipAddresses: task.ipAddresses,
    ports: active ? task.hostPorts.filter((p): p is number => p !== undefined) : [],
    servicePorts: withServicePorts && app ? servicePortsOf(app) : [],
    slaveId: task.agentId,
    state: task.state,
    localVolumes: [],
    role: app?.role ?? '*',
  };
  if (active) {
    out['stagedAt'] = iso(task.stagedAt);
    if (task.startedAt !== undefined) out['startedAt'] = iso(task.startedAt);
    out['version'] = instance.runSpecVersion;
  }
  return out;
}

/** Task counts of an app (`tasksStaged`, `tasksRunning`, `tasksHealthy`, `tasksUnhealthy`). */
export function taskCounts(instances: readonly Instance[], healthOf: (i: Instance) => boolean | undefined): Record<string, number> {
  let staged = 0;
  let running = 0;
  let healthy = 0;
  let unhealthy = 0;
  for (const i of instances) {
    if (!isActive(i)) continue;
    if (i.condition === 'Running') {
      running++;
      const h = healthOf(i);
      if (h === true) healthy++;
      else if (h === false) unhealthy++;
    } else if (i.condition === 'Staging' || i.condition === 'Starting' || i.condition === 'Provisioned') staged++;
  }
  return { tasksStaged: staged, tasksRunning: running, tasksHealthy: healthy, tasksUnhealthy: unhealthy };
}

/** What an AppInfo should embed (`embed=apps.tasks` etc.; any prefix accepted). */
export interface AppEmbeds {
  counts: boolean;
  tasks: boolean;
  deployments: boolean;
  lastTaskFailure: boolean;
  readiness: boolean;
  taskStats: boolean;
}

/** Parses `embed` values (`apps.tasks`, `app.counts`, `group.apps.deployments`, …) over `defaults`. */
export function parseEmbeds(values: readonly string[], defaults: Partial<AppEmbeds> = {}): AppEmbeds {
  const out: AppEmbeds = { counts: false, tasks: false, deployments: false, lastTaskFailure: false, readiness: false, taskStats: false, ...defaults };
  for (const v of values) {
    const name = v.split('.').pop();
    if (name === 'counts') out.counts = true;
    else if (name === 'tasks') {
      out.tasks = true;
      out.deployments = true;
    } else if (name === 'deployments') out.deployments = true;
    else if (name === 'lastTaskFailure') out.lastTaskFailure = true;
    else if (name === 'readiness') out.readiness = true;
    else if (name === 'taskStats') out.taskStats = true;
    else if (name === 'failures') {
      out.tasks = true;
      out.lastTaskFailure = true;
      out.deployments = true;
    }
  }
  return out;
}

/** The inputs an AppInfo needs besides the app. */
export interface AppInfoContext {
  instances: Instance[];
  healthResults: (instanceId: string) => HealthResult[];
  healthOf: (i: Instance) => boolean | undefined;
  deploymentIds: string[];
  lastTaskFailure?: LastTaskFailure;
}

/** AppInfo: the definition plus the requested embeds. */
export function appInfoJson(app: AppDefinition, ctx: AppInfoContext, embeds: AppEmbeds): AppJson {
  const out = appJson(app);
  if (embeds.counts) Object.assign(out, taskCounts(ctx.instances, ctx.healthOf));
  if (embeds.deployments) out['deployments'] = ctx.deploymentIds.map((id) => ({ id }));
  if (embeds.readiness) out['readinessCheckResults'] = [];
  if (embeds.tasks) {
    out['tasks'] = ctx.instances
      .filter(isActive)
      .map((i) => taskJson(i, app, ctx.healthResults(i.instanceId), false))
      .filter((t): t is AppJson => t !== undefined);
  }
  if (embeds.lastTaskFailure && ctx.lastTaskFailure) out['lastTaskFailure'] = ctx.lastTaskFailure;
  if (embeds.taskStats) out['tasksStats'] = {};
  return out;
}

/** A QueueItem for an app with `count` instances waiting since `since` (ms). */
export function queueItemJson(
  app: AppDefinition,
  count: number,
  since: number,
  delay: LaunchDelay | undefined,
  stats: OfferStats | undefined,
  now: number,
  withLastUnusedOffers: boolean,
): AppJson {
  const left = delayLeftSeconds(delay, app, now);
  const summary: AppJson = {
    processedOffersCount: stats?.processed ?? 0,
    unusedOffersCount: stats?.unused ?? 0,
    rejectSummaryLastOffers: stats?.rejectSummary() ?? [],
    rejectSummaryLaunchAttempt: stats?.rejectSummary() ?? [],
  };
  if (stats?.lastUnusedAt !== undefined) summary['lastUnusedOfferAt'] = iso(stats.lastUnusedAt);
  if (stats?.lastUsedAt !== undefined) summary['lastUsedOfferAt'] = iso(stats.lastUsedAt);
  const out: AppJson = {
    count,
    delay: { timeLeftSeconds: Math.ceil(left), overdue: left === 0 },
    since: iso(since),
    processedOffersSummary: summary,
    role: app.role,
    app: appJson(app),
  };
  if (withLastUnusedOffers) {
    out['lastUnusedOffers'] = (stats?.lastUnused() ?? []).map((u) => ({
      offer: {
        id: u.offer.id,
        agentId: u.offer.agentId,
        hostname: u.offer.hostname,
        resources: u.offer.resources.map((r) => ({ name: r.name, ...(r.scalar ? { scalar: r.scalar.value } : {}), ...(r.ranges ? { ranges: r.ranges.range } : {}), ...(r.set ? { set: r.set.item } : {}), role: r.role ?? '*' })),
        attributes: u.offer.attributes,
      },
      timestamp: iso(u.timestamp),
      reason: u.reason,
      detail: u.detail,
    }));
  }
  return out;
}

/** DeploymentStepInfo (`GET /v2/deployments`). */
export function deploymentJson(d: RunningDeployment): AppJson {
  const current = d.plan.steps[d.currentStep];
  return {
    id: d.plan.id,
    version: d.plan.version,
    affectedApps: d.plan.affectedApps,
    affectedPods: [],
    steps: d.plan.steps,
    currentActions: (current?.actions ?? []).map((a) => ({ ...a, readinessCheckResults: [] })),
    currentStep: Math.min(d.currentStep + 1, d.plan.steps.length),
    totalSteps: d.plan.steps.length,
  };
}
