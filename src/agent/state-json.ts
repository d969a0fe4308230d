/**
 * Classic JSON of the agent's `/slave(1)/state` (Mesos `Slave::Http::state`,
 * §5.8 of our reference): plain string ids, resource summaries, attributes as
 * an object, frameworks → executors → tasks with the sandbox `directory` the
 * web UI links to. Pure: model and agent facts in, JSON out.
 */
import { summarizeAttributes } from '../mesos/attributes.js';
import { addResources, summarizeResources } from '../mesos/resources.js';
import type { Attribute, Resource, TaskInfo } from '../mesos/types.js';
import type { AgentModel, ExecutorRecord, FrameworkRecord, TaskRecord } from './agent-model.js';

/** Facts about the agent itself that `/state` reports. */
export interface AgentFacts {
  id?: string;
  pid: string;
  hostname: string;
  resources: Resource[];
  attributes: Attribute[];
  version: string;
  buildUser?: string;
  buildDate?: string;
  buildTime?: number;
  gitSha?: string;
  /** Seconds since the epoch. */
  startTime: number;
  masterHostname?: string;
  flags: Record<string, string>;
  /** `--log_dir`: the web UI shows the agent's LOG link when set. */
  logDir?: string;
  /** `--external_log_file`, reported when set (as Mesos). */
  externalLogFile?: string;
}

type Json = Record<string, unknown>;

function taskResources(task: TaskInfo): Resource[] {
  return task.resources ?? [];
}

/** Allocation role of a task or executor: the first resource's `allocation_info.role` (Mesos `Task.role`). */
function allocationRole(resources: Resource[]): string | undefined {
  return resources.find((r) => r.allocation_info?.role)?.allocation_info?.role;
}

function renderTask(task: TaskRecord, agentId: string | undefined, commandTask: boolean): Json {
  const out: Json = {
    id: task.info.task_id.value,
    name: task.info.name,
    framework_id: task.frameworkId,
    executor_id: commandTask ? '' : task.executorId,
    slave_id: agentId ?? '',
    state: task.state,
    resources: summarizeResources(taskResources(task.info)),
    statuses: task.statuses.map((s) => ({ ...s })),
  };
  const role = allocationRole(taskResources(task.info));
  if (role) out['role'] = role;
  if (task.info.command?.user) out['user'] = task.info.command.user;
  if (task.info.labels?.labels) out['labels'] = task.info.labels.labels;
  if (task.info.discovery) out['discovery'] = task.info.discovery;
  if (task.info.container) out['container'] = task.info.container;
  if (task.info.health_check) out['health_check'] = task.info.health_check;
  return out;
}

function renderQueuedTask(task: TaskInfo, agentId: string | undefined): Json {
  const out: Json = {
    id: task.task_id.value,
    name: task.name,
    slave_id: agentId ?? '',
    resources: summarizeResources(taskResources(task)),
  };
  const role = allocationRole(taskResources(task));
  if (role) out['role'] = role;
  if (task.executor) out['executor_id'] = task.executor.executor_id.value;
  if (task.command) out['command'] = task.command;
  if (task.discovery) out['discovery'] = task.discovery;
  return out;
}

function renderExecutor(executor: ExecutorRecord, agentId: string | undefined): Json {
  const command = executor.kind === 'command';
  const out: Json = {
    id: executor.info.executor_id.value,
    name: executor.info.name ?? '',
    source: executor.info.source ?? '',
    container: executor.containerId,
    directory: executor.directory,
    resources: summarizeResources(executor.resources),
    tasks: [...executor.launchedTasks.values()].map((t) => renderTask(t, agentId, command)),
    queued_tasks: [...executor.queuedTasks.values()].map((t) => renderQueuedTask(t, agentId)),
    completed_tasks: executor.completedTasks.map((t) => renderTask(t, agentId, command)),
  };
  if (executor.kind !== 'command') out['type'] = executor.kind === 'default' ? 'DEFAULT' : 'CUSTOM';
  const role = allocationRole(executor.resources);
  if (role) out['role'] = role;
  if (executor.info.labels?.labels) out['labels'] = executor.info.labels.labels;
  return out;
}

function renderFramework(framework: FrameworkRecord, agentId: string | undefined): Json {
  const info = framework.info;
  const out: Json = {
    id: info.id.value,
    name: info.name,
    user: info.user,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? '',
    executors: [...framework.executors.values()].map((e) => renderExecutor(e, agentId)),
    completed_executors: framework.completedExecutors.map((e) => renderExecutor(e, agentId)),
  };
  if (info.roles) out['roles'] = info.roles;
  else out['role'] = info.role ?? '*';
  if (info.principal) out['principal'] = info.principal;
  return out;
}

/** Resources allocated to running executors and their tasks. */
export function allocatedResources(model: AgentModel): Resource[] {
  let total: Resource[] = [];
  for (const framework of model.frameworks.values()) {
    for (const executor of framework.executors.values()) {
      if (executor.state !== 'TERMINATED') total = addResources(total, executor.resources);
    }
  }
  return total;
}

/** The whole `/slave(1)/state` document. */
export function renderAgentState(facts: AgentFacts, model: AgentModel): Json {
  const unreserved = facts.resources.filter((r) => (r.reservations?.length ?? 0) === 0 && (r.role ?? '*') === '*');
  const reserved: Record<string, Resource[]> = {};
  for (const r of facts.resources) {
    const role = r.reservations?.at(-1)?.role ?? r.role ?? '*';
    if (role !== '*') (reserved[role] ??= []).push(r);
  }
  // Allocated resources split the same way: by the reservation they come from.
  const reservedAllocated: Record<string, Resource[]> = {};
  const unreservedAllocated: Resource[] = [];
  for (const r of allocatedResources(model)) {
    const role = r.reservations?.at(-1)?.role ?? r.role ?? '*';
    if (role === '*') unreservedAllocated.push(r);
    else (reservedAllocated[role] ??= []).push(r);
  }
  const out: Json = {
    version: facts.version,
    build_user: facts.buildUser ?? '',
    build_date: facts.buildDate ?? '',
    build_time: facts.buildTime ?? 0,
    start_time: facts.startTime,
    id: facts.id ?? '',
    pid: facts.pid,
    hostname: facts.hostname,
    capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
    resources: summarizeResources(facts.resources),
    reserved_resources: Object.fromEntries(Object.entries(reserved).map(([role, rs]) => [role, summarizeResources(rs)])),
    unreserved_resources: summarizeResources(unreserved),
    reserved_resources_full: reserved,
    unreserved_resources_full: unreserved,
    reserved_resources_allocated: Object.fromEntries(
      Object.entries(reservedAllocated).map(([role, rs]) => [role, summarizeResources(rs)]),
    ),
    unreserved_resources_allocated: summarizeResources(unreservedAllocated),
    resource_providers: [],
    attributes: summarizeAttributes(facts.attributes),
    flags: facts.flags,
    frameworks: [...model.frameworks.values()].map((f) => renderFramework(f, facts.id)),
    completed_frameworks: model.completedFrameworks.map((f) => renderFramework(f, facts.id)),
  };
  if (facts.gitSha) out['git_sha'] = facts.gitSha;
  if (facts.masterHostname) out['master_hostname'] = facts.masterHostname;
  if (facts.logDir) out['log_dir'] = facts.logDir;
  if (facts.externalLogFile) out['external_log_file'] = facts.externalLogFile;
  return out;
}
