/**
 * TaskInfo for one instance of an app (Marathon's TaskBuilder): command or
 * args, environment (`task-env.ts`), fetch URIs, user, Docker/Mesos
 * container with port mappings and volumes, agent-side health check
 * (COMMAND, MESOS_HTTP(S), MESOS_TCP), kill grace period, labels and
 * DiscoveryInfo. Pure.
 */
import type { CommandInfo, ContainerInfo, HealthCheck, Resource, TaskInfo } from '../mesos/types.js';
import type { AppDefinition, HealthCheckSpec } from './app-definition.js';
import { isHostNetworking, isMarathonHealthCheck } from './app-definition.js';
import { mesosTaskName } from './path-id.js';
import { taskEnvironment, type TaskPlacement } from './task-env.js';

/** Everything that differs per task: where it runs and what it was given. */
export interface TaskLaunch extends TaskPlacement {
  agentId: string;
  resources: Resource[];
}

function commandOf(app: AppDefinition, env: Record<string, string>): CommandInfo {
  const command: CommandInfo = {};
  if (app.cmd !== undefined) {
    command.shell = true;
    command.value = app.cmd;
  } else if (app.args !== undefined && app.args.length > 0) {
    command.shell = false;
    // With Docker the args go to the image's entrypoint; the command executor runs argv[0].
    if (!app.container?.docker) command.value = app.args[0];
    command.arguments = [...app.args];
  } else {
    command.shell = false;
  }
  command.environment = { variables: Object.entries(env).map(([name, value]) => ({ name, type: 'VALUE', value })) };
  if (app.fetch.length > 0) {
    command.uris = app.fetch.map((a) => ({ value: a.uri, extract: a.extract, executable: a.executable, cache: a.cache, ...(a.destPath ? { output_file: a.destPath } : {}) }));
  }
  if (app.user !== undefined) command.user = app.user;
  return command;
}

function dockerNetwork(app: AppDefinition): 'HOST' | 'BRIDGE' | 'USER' {
  if (isHostNetworking(app)) return 'HOST';
  return app.networks.some((n) => n.mode === 'container/bridge') ? 'BRIDGE' : 'USER';
}

function containerOf(app: AppDefinition, launch: TaskLaunch): ContainerInfo | undefined {
  const c = app.container;
  if (!c) return undefined;
  const volumes = c.volumes
    .filter((v) => v.hostPath !== undefined)
    .map((v) => ({ container_path: v.containerPath, host_path: v.hostPath!, mode: v.mode ?? 'RW' }));
  const mappings = isHostNetworking(app)
    ? []
    : (c.portMappings ?? []).flatMap((m, i) => {
        const host = launch.hostPorts[i];
        if (host === undefined) return [];
        return [{ host_port: host, container_port: m.containerPort === 0 ? host : m.containerPort, protocol: m.protocol }];
      });
  const info: ContainerInfo = { type: c.type, ...(volumes.length > 0 ? { volumes } : {}) };
  if (c.type === 'DOCKER' && c.docker) {
    info.docker = {
      image: c.docker.image,
      network: dockerNetwork(app),
      ...(mappings.length > 0 ? { port_mappings: mappings } : {}),
      privileged: c.docker.privileged,
      parameters: [...c.docker.parameters, { key: 'label', value: `MESOS_TASK_ID=${launch.taskId}` }],
      force_pull_image: c.docker.forcePullImage,
    };
  } else if (c.type === 'MESOS' && c.docker) {
    info.mesos = { image: { type: 'DOCKER', docker: { name: c.docker.image } } };
  }
  const named = app.networks.filter((n) => n.mode === 'container' && n.name !== undefined);
  if (named.length > 0) info.network_infos = named.map((n) => ({ name: n.name!, ...(mappings.length > 0 && c.type === 'MESOS' ? { port_mappings: mappings } : {}) }));
  return info;
}

function portOf(check: HealthCheckSpec, launch: TaskLaunch): number {
  if (check.port !== undefined) return check.port;
  return launch.hostPorts[check.portIndex ?? 0] ?? 0;
}

/** The agent-side (Mesos) health check of an app, if it has one. */
function mesosHealthCheck(app: AppDefinition, launch: TaskLaunch): HealthCheck | undefined {
  const check = app.healthChecks.find((h) => !isMarathonHealthCheck(h));
  if (!check) return undefined;
  const common = {
    delay_seconds: check.delaySeconds,
    interval_seconds: check.intervalSeconds,
    timeout_seconds: check.timeoutSeconds,
    consecutive_failures: check.maxConsecutiveFailures,
    grace_period_seconds: check.gracePeriodSeconds,
  };
  switch (check.protocol) {
    case 'COMMAND':
      return { type: 'COMMAND', command: { shell: true, value: check.command?.value ?? '' }, ...common };
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS':
      return { type: 'HTTP', http: { scheme: check.protocol === 'MESOS_HTTPS' ? 'https' : 'http', port: portOf(check, launch), path: check.path ?? '/' }, ...common };
    case 'MESOS_TCP':
      return { type: 'TCP', tcp: { port: portOf(check, launch) }, ...common };
    default:
      return undefined;
  }
}

/** Builds the TaskInfo launching `app` as task `launch.taskId` on `launch.agentId`. */
export function buildAppTask(app: AppDefinition, launch: TaskLaunch, envPrefix = ''): TaskInfo {
  const env = taskEnvironment(app, launch, envPrefix);
  const task: TaskInfo = {
    name: mesosTaskName(app.id),
    task_id: { value: launch.taskId },
    agent_id: { value: launch.agentId },
    resources: launch.resources,
    command: commandOf(app, env),
  };
  const container = containerOf(app, launch);
  if (container) task.container = container;
  const health = mesosHealthCheck(app, launch);
  if (health) task.health_check = health;
  if (app.taskKillGracePeriodSeconds !== undefined) {
    task.kill_policy = { grace_period: { nanoseconds: app.taskKillGracePeriodSeconds * 1e9 } };
  }
  const labels = Object.entries(app.labels).map(([key, value]) => ({ key, value }));
  if (labels.length > 0) task.labels = { labels };
  const ports = isHostNetworking(app) ? app.portDefinitions : (app.container?.portMappings ?? []);
  task.discovery = {
    visibility: 'FRAMEWORK',
    name: mesosTaskName(app.id),
    ports: {
      ports: ports.flatMap((p, i) => {
        const number = launch.hostPorts[i];
        if (number === undefined) return [];
        return [{ number, protocol: p.protocol, ...(p.name !== undefined ? { name: p.name } : {}) }];
      }),
    },
  };
  return task;
}
