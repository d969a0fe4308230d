/**
 * TaskInfo builders for the two launch styles of Mesos's LAUNCH operation:
 * a command task (run by the built-in command executor; TaskInfo.command) and a
 * task for a custom executor (TaskInfo.executor). Pure.
 */
import type {
  AgentID,
  CommandInfo,
  ContainerInfo,
  ExecutorInfo,
  HealthCheck,
  KillPolicy,
  Resource,
  TaskInfo,
} from '../mesos/types.js';

/** Shape of a command task. `resources` in Mesos units (cpus, mem MB, disk MB, ports). */
export interface CommandTaskSpec {
  /** TaskInfo.name, shown in the UI and by `mesos-execute`. */
  name: string;
  /** TaskInfo.task_id.value; defaults to `name` (as mesos-execute does). */
  id?: string;
  /** The offer's agent. */
  agentId: AgentID | string;
  /** Shell text (run as `/bin/sh -c`) or a full CommandInfo. */
  command: string | CommandInfo;
  resources: Resource[];
  /** Environment for the command (CommandInfo.environment, type VALUE). */
  env?: Record<string, string>;
  /** URIs the fetcher downloads into the sandbox first. */
  uris?: string[];
  /** CommandInfo.user: overrides FrameworkInfo.user. */
  user?: string;
  container?: ContainerInfo;
  healthCheck?: HealthCheck;
  /** Grace period between SIGTERM and SIGKILL on kill. */
  killPolicy?: KillPolicy;
  labels?: Record<string, string>;
  /** TaskInfo.data (opaque bytes). */
  data?: Buffer;
}

function asAgentId(agentId: AgentID | string): AgentID {
  return typeof agentId === 'string' ? { value: agentId } : { value: agentId.value };
}

function labelsOf(labels: Record<string, string> | undefined): TaskInfo['labels'] | undefined {
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return { labels: Object.entries(labels).map(([key, value]) => ({ key, value })) };
}

/**
 * Builds a TaskInfo run by the command executor. A string `command` becomes
 * `{shell: true, value}`; `env` and `uris` are merged into the CommandInfo.
 * Throws Error when `name` is empty or `resources` is empty (the master would
 * answer TASK_ERROR "Task uses no resources").
 */
export function buildCommandTask(spec: CommandTaskSpec): TaskInfo {
  if (spec.name === '') throw new Error('Task name must not be empty');
  if (spec.resources.length === 0) throw new Error(`Task '${spec.name}' uses no resources`);
  const command: CommandInfo = typeof spec.command === 'string' ? { shell: true, value: spec.command } : { ...spec.command };
  if (spec.env && Object.keys(spec.env).length > 0) {
    const variables = [...(command.environment?.variables ?? [])];
    for (const [name, value] of Object.entries(spec.env)) variables.push({ name, type: 'VALUE', value });
    command.environment = { variables };
  }
  if (spec.uris && spec.uris.length > 0) {
    command.uris = [...(command.uris ?? []), ...spec.uris.map((value) => ({ value }))];
  }
  if (spec.user !== undefined) command.user = spec.user;
  const task: TaskInfo = {
    name: spec.name,
    task_id: { value: spec.id ?? spec.name },
    agent_id: asAgentId(spec.agentId),
    resources: spec.resources,
    command,
  };
  if (spec.container) task.container = spec.container;
  if (spec.healthCheck) task.health_check = spec.healthCheck;
  if (spec.killPolicy) task.kill_policy = spec.killPolicy;
  const labels = labelsOf(spec.labels);
  if (labels) task.labels = labels;
  if (spec.data) task.data = spec.data.toString('base64');
  return task;
}

/** Shape of a task for a custom executor (TaskInfo.executor instead of command). */
export interface ExecutorTaskSpec {
  name: string;
  id: string;
  agentId: AgentID | string;
  executor: ExecutorInfo;
  resources: Resource[];
  data?: Buffer;
  labels?: Record<string, string>;
}

/**
 * Builds a TaskInfo handed to a custom executor; tasks sharing an `executor_id`
 * on one agent go to the same executor process. Throws Error on empty resources.
 */
export function buildExecutorTask(spec: ExecutorTaskSpec): TaskInfo {
  if (spec.resources.length === 0) throw new Error(`Task '${spec.name}' uses no resources`);
  const task: TaskInfo = {
    name: spec.name,
    task_id: { value: spec.id },
    agent_id: asAgentId(spec.agentId),
    resources: spec.resources,
    executor: spec.executor,
  };
  if (spec.data) task.data = spec.data.toString('base64');
  const labels = labelsOf(spec.labels);
  if (labels) task.labels = labels;
  return task;
}

/** ExecutorInfo of a CUSTOM executor running `command` (shell text). */
export function customExecutorInfo(executorId: string, command: string, name?: string): ExecutorInfo {
  return {
    type: 'CUSTOM',
    executor_id: { value: executorId },
    command: { shell: true, value: command },
    ...(name ? { name } : {}),
  };
}
