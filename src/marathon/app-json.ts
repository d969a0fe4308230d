/**
 * Rendering an app definition as Marathon 1.5+ emits it (`GET /v2/apps/{id}`,
 * `/versions/{ts}`, event payloads): canonical networking only
 * (`portDefinitions` for host networking, `container.portMappings`
 * otherwise), empty collections emitted as `[]`/`{}`. The output is also a
 * valid input, which partial updates rely on. Pure.
 */
import type { AppDefinition, ContainerSpec } from './app-definition.js';
import { isHostNetworking } from './app-definition.js';

/** A JSON object as sent on the wire. */
export type AppJson = Record<string, unknown>;

function containerJson(c: ContainerSpec, host: boolean): AppJson {
  const out: AppJson = { type: c.type };
  if (c.docker) {
    out['docker'] =
      c.type === 'MESOS'
        ? { image: c.docker.image, forcePullImage: c.docker.forcePullImage, ...(c.docker.pullConfig ? { pullConfig: c.docker.pullConfig } : {}) }
        : { image: c.docker.image, forcePullImage: c.docker.forcePullImage, privileged: c.docker.privileged, parameters: c.docker.parameters };
  }
  out['volumes'] = c.volumes;
  if (!host) out['portMappings'] = c.portMappings ?? [];
  if (c.linuxInfo) out['linuxInfo'] = c.linuxInfo;
  return out;
}

/** The plain app definition JSON (no counts, tasks or deployments). */
export function appJson(app: AppDefinition): AppJson {
  const host = isHostNetworking(app);
  const out: AppJson = { id: app.id };
  if (app.cmd !== undefined) out['cmd'] = app.cmd;
  if (app.args !== undefined) out['args'] = app.args;
  if (app.user !== undefined) out['user'] = app.user;
  Object.assign(out, {
    env: app.env,
    instances: app.instances,
    cpus: app.cpus,
    mem: app.mem,
    disk: app.disk,
    gpus: app.gpus,
    executor: app.executor,
    constraints: app.constraints,
  });
  if (app.acceptedResourceRoles !== undefined) out['acceptedResourceRoles'] = app.acceptedResourceRoles;
  Object.assign(out, {
    fetch: app.fetch,
    backoffSeconds: app.backoffSeconds,
    backoffFactor: app.backoffFactor,
    maxLaunchDelaySeconds: app.maxLaunchDelaySeconds,
  });
  if (app.container) out['container'] = containerJson(app.container, host);
  Object.assign(out, {
    healthChecks: app.healthChecks,
    readinessChecks: app.readinessChecks,
    dependencies: app.dependencies,
    upgradeStrategy: app.upgradeStrategy,
    labels: app.labels,
    version: app.version,
    versionInfo: app.versionInfo,
    killSelection: app.killSelection,
    unreachableStrategy: app.unreachableStrategy,
    requirePorts: app.requirePorts,
  });
  if (host) out['portDefinitions'] = app.portDefinitions;
  out['networks'] = app.networks;
  out['secrets'] = app.secrets;
  out['role'] = app.role;
  if (app.executorResources) out['executorResources'] = app.executorResources;
  if (app.check) out['check'] = app.check;
  if (app.residency) out['residency'] = app.residency;
  if (app.taskKillGracePeriodSeconds !== undefined) out['taskKillGracePeriodSeconds'] = app.taskKillGracePeriodSeconds;
  if (app.tty !== undefined) out['tty'] = app.tty;
  if (app.resourceLimits) out['resourceLimits'] = app.resourceLimits;
  return out;
}
