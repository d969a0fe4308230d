/**
 * The master's side of the agent channel (src/mesos/agent-protocol.ts):
 * registration and reregistration streams, and the calls agents make on them
 * (status updates, executor messages and exits, pongs).
 */
import { AgentRecord } from './agent-record.js';
import type { AgentStream } from './agent-link.js';
import { FrameworkRecord, frameworkRoles, hasCapability } from './framework.js';
import { taskKey, type Master } from './master.js';
import { MasterTask } from './task.js';
import type { CallOutcome } from './scheduler-calls.js';
import type { AllocatedOnAgent } from './allocator/allocator.js';
import { isTerminalState, stateForFramework } from '../mesos/task-states.js';
import { formatResources, normalizeResources, withAllocationRole } from '../mesos/resources.js';
import type { AgentCall, AgentTaskEntry } from '../mesos/agent-protocol.js';
import { forEachReportedTask, reportedTaskCount } from '../mesos/agent-task-sets.js';
import type { Resource, TaskStatus } from '../mesos/types.js';

type RegisterCall = Extract<AgentCall, { type: 'REGISTER' }>;
type ReregisterCall = Extract<AgentCall, { type: 'REREGISTER' }>;

/**
 * REGISTER or REREGISTER on `stream` (the agent's own stream, a link's channel
 * or the in-process channel): the one entry every transport calls.
 */
export function openAgentStream(master: Master, call: RegisterCall | ReregisterCall, stream: AgentStream): void {
  if (call.type === 'REGISTER') registerAgent(master, call, stream);
  else reregisterAgent(master, call, stream);
}

/** REGISTER: admits a new agent under a fresh id on `stream` (its own, or a link's channel). */
export function registerAgent(master: Master, call: RegisterCall, stream: AgentStream): void {
  const { agent_info: info, version, pid } = call.register;
  if (info.resources) info.resources = master.agentShapes.share(info.resources);
  const id = master.ids.nextAgentId();
  const agent = new AgentRecord(id, { ...info, id: { value: id } }, pid, version, master.nowSecs());
  master.agents.set(id, agent);
  attach(master, agent, stream);
  master.allocator.addAgent(id, { hostname: info.hostname, total: info.resources ?? [], attributes: info.attributes }, []);
  master.observers.agentAdded(agent);
  master.logger.info(
    `Registered agent ${id} at ${pid} (${info.hostname}) with ${formatResources(info.resources ?? [])}`,
  );
  stream.send({
    type: 'REGISTERED',
    registered: { agent_id: { value: id }, master_id: master.id, ping_interval_seconds: master.options.agentPingTimeoutMs / 1000 },
  });
  void master.registry.admitAgent({ info: agent.info, pid }).catch((error: Error) => {
    master.logger.error(`Failed to admit agent ${id} in the registry: ${error.message}`);
  });
  master.scheduleAllocation([id]);
}

/**
 * REREGISTER: an agent that lost its stream (or a master that restarted) comes
 * back with its id and what it runs. The master adopts the agent's view of its
 * tasks; tasks the master had there that the agent no longer reports are lost.
 */
export function reregisterAgent(master: Master, call: ReregisterCall, stream: AgentStream): void {
  const body = call.reregister;
  const id = body.agent_info.id.value;
  if (master.goneAgents.has(id)) {
    master.logger.warn(`Refusing agent ${id} at ${body.pid}: it was marked gone; telling it to shut down`);
    stream.send({ type: 'SHUTDOWN', shutdown: { message: 'Agent was marked gone by the operator' } });
    stream.close();
    return;
  }
  if (body.agent_info.resources) body.agent_info.resources = master.agentShapes.share(body.agent_info.resources);
  let agent = master.agents.get(id);
  const wasUnreachable = agent?.state === 'unreachable';
  if (agent) {
    const previous = agent.stream;
    agent.stream = undefined;
    previous?.close();
    agent.info = body.agent_info;
    agent.pid = body.pid;
    agent.version = body.version;
    agent.reregisteredTime = master.nowSecs();
    // Start the allocator's view afresh from what the agent reports.
    master.allocator.removeAgent(id);
  } else {
    agent = new AgentRecord(id, body.agent_info, body.pid, body.version, master.nowSecs());
    agent.reregisteredTime = agent.registeredTime;
    master.agents.set(id, agent);
  }
  attach(master, agent, stream);

  // Frameworks known only from this agent are "recovered" until they resubscribe;
  // frameworks torn down meanwhile stay gone (their tasks are shut down below).
  for (const info of body.frameworks) {
    if (!info.id || master.frameworks.has(info.id.value) || isCompleted(master, info.id.value)) continue;
    const framework = new FrameworkRecord(info.id.value, { ...info, id: info.id }, master.nowSecs());
    framework.recovered = true;
    master.frameworks.set(framework.id, framework);
    master.allocator.addFramework(framework.id, { roles: frameworkRoles(info), gpuAware: hasCapability(info, 'GPU_RESOURCES') }, false);
    master.markAllocatorKnows(framework.id);
  }
  // An agent new to this master (every one after a failover) has no tasks here to compare.
  if (agent.tasks.size > 0) {
    const reported = new Set<string>();
    forEachReportedTask(body, (t, frameworkId) => reported.add(taskKey(frameworkId.value, t.task_id.value)));
    for (const task of [...agent.tasks.values()]) {
      if (!reported.has(taskKey(task.frameworkId, task.id)) && !isTerminalState(task.state)) {
        master.transitionTask(task, 'TASK_LOST', 'REASON_AGENT_RESTARTED', 'Task was not found on the agent when it reregistered');
      }
    }
  }
  // A set's resources are normalized, and their role found, once for all its tasks (the
  // list's identity and the framework say which set).
  let raw: Resource[] | undefined;
  let rawFramework = '';
  let normalized: Resource[] = [];
  let role = '*';
  forEachReportedTask(body, (reported, frameworkId, resources) => {
    if (resources !== raw || frameworkId.value !== rawFramework) {
      raw = resources;
      rawFramework = frameworkId.value;
      normalized = master.sharedResources.normalized(resources, normalizeResources);
      role = roleOf(normalized, master.frameworks.get(rawFramework));
    }
    adoptTask(master, agent, reported, frameworkId.value, normalized, role, wasUnreachable);
  });
  agent.executors.clear();
  for (const executor of body.executors) {
    const frameworkId = executor.framework_id?.value;
    if (!frameworkId) continue;
    const role = roleOf(executor.resources ?? [], master.frameworks.get(frameworkId));
    agent.executors.set(taskKey(frameworkId, executor.executor_id.value), { frameworkId, info: executor, role });
    const framework = master.frameworks.get(frameworkId);
    if (framework) {
      const perAgent = framework.executors.get(id) ?? new Map();
      perAgent.set(executor.executor_id.value, executor);
      framework.executors.set(id, perAgent);
    }
  }
  const allocated: AllocatedOnAgent[] = [];
  for (const t of agent.tasks.values()) {
    if (!isTerminalState(t.state)) allocated.push({ frameworkId: t.frameworkId, role: t.role, resources: t.resources });
  }
  for (const executor of agent.executors.values()) {
    allocated.push({
      frameworkId: executor.frameworkId,
      role: executor.role,
      resources: withAllocationRole(executor.info.resources ?? [], executor.role),
    });
  }
  master.allocator.addAgent(id, { hostname: agent.info.hostname, total: agent.info.resources ?? [], attributes: agent.info.attributes }, allocated);
  master.logger.info(`Reregistered agent ${id} at ${agent.pid} (${agent.info.hostname}) with ${reportedTaskCount(body)} tasks`);
  master.observers.agentAdded(agent);
  stream.send({
    type: 'REREGISTERED',
    reregistered: { agent_id: { value: id }, master_id: master.id, ping_interval_seconds: master.options.agentPingTimeoutMs / 1000 },
  });
  // Tasks of frameworks that are gone are shut down on the agent.
  for (const info of body.frameworks) {
    if (info.id && master.completedFrameworks.some((f) => f.id === info.id!.value)) {
      stream.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: info.id } });
    }
  }
  master.unreachableAgentIds.delete(id);
  void master.registry.admitAgent({ info: agent.info, pid: agent.pid }).catch((error: Error) => {
    master.logger.error(`Failed to re-admit agent ${id} in the registry: ${error.message}`);
  });
  master.scheduleAllocation([id]);
}

/**
 * Takes over the agent's view of one task. A task that ended while the master
 * was not told keeps its last live state here: its end arrives as the agent's
 * resent status update, which counts it and frees its resources. Tasks of
 * frameworks torn down meanwhile are not adopted (SHUTDOWN_FRAMEWORK follows).
 * `resources` are the task's, normalized and shared (SharedResources);
 * `role` is theirs (`roleOf`).
 */
function adoptTask(
  master: Master,
  agent: AgentRecord,
  reported: AgentTaskEntry,
  frameworkId: string,
  resources: Resource[],
  role: string,
  wasUnreachable: boolean,
): void {
  const taskId = reported.task_id.value;
  const framework = master.frameworks.get(frameworkId);
  if (!framework && isCompleted(master, frameworkId)) return;
  let task = agent.tasks.get(frameworkId, taskId) ?? framework?.unreachableTasks.get(taskId);
  const latest = reported.statuses?.at(-1);
  if (!task) {
    task = new MasterTask(
      reported,
      // The framework record's copy of the id: each task's parsed copy is ~56 bytes kept per task.
      framework?.id ?? frameworkId,
      agent.id,
      reported.executor_id?.value ?? '',
      role,
      resources,
      reported.user ?? framework?.info.user,
    );
    if (latest) task.record(latest);
    task.state = reported.state;
  } else if (task.state !== reported.state && !isTerminalState(reported.state)) {
    if (latest?.state === reported.state) task.record(latest);
    else task.state = reported.state;
  }
  framework?.unreachableTasks.delete(taskId);
  if (isTerminalState(task.state)) return;
  task.acknowledgedTerminal = false;
  agent.tasks.set(task);
  framework?.tasks.set(taskId, task);
  if (wasUnreachable && framework && !isTerminalState(reported.state)) {
    framework.send({
      type: 'UPDATE',
      update: {
        status: {
          task_id: task.info.task_id,
          state: stateForFramework(task.state, framework.partitionAware),
          agent_id: { value: agent.id },
          source: 'SOURCE_MASTER',
          reason: 'REASON_AGENT_REREGISTERED',
          message: 'Agent reregistered',
          timestamp: master.nowSecs(),
        },
      },
    });
  }
}

function isCompleted(master: Master, frameworkId: string): boolean {
  return master.completedFrameworks.some((f) => f.id === frameworkId);
}

/** Allocation role of resources: their allocation_info role, else the framework's first role. */
function roleOf(resources: Resource[], framework: FrameworkRecord | undefined): string {
  return resources.find((r) => r.allocation_info?.role)?.allocation_info?.role ?? framework?.roles[0] ?? '*';
}

/** Wires a stream to an agent record: closing it deactivates the agent. */
function attach(master: Master, agent: AgentRecord, stream: AgentStream): void {
  agent.stream = stream;
  agent.state = 'connected';
  agent.missedPings = 0;
  agent.pongPending = false;
  master.allocator.activateAgent(agent.id);
  stream.onClose(() => {
    if (agent.stream !== stream) return;
    agent.stream = undefined;
    if (agent.state === 'unreachable') return;
    master.logger.warn(`Agent ${agent.id} at ${agent.pid} (${agent.info.hostname}) disconnected`);
    agent.state = 'disconnected';
    master.allocator.deactivateAgent(agent.id);
    for (const offer of [...(agent.offers?.values() ?? [])]) master.rescindOffer(offer.id.value, 0);
  });
}

/** Applies a non-registration call on an agent's current stream. */
export function handleAgentCall(master: Master, agent: AgentRecord, call: AgentCall): CallOutcome {
  switch (call.type) {
    case 'PONG':
      agent.pongPending = false;
      agent.missedPings = 0;
      return { status: 202 };
    case 'STATUS_UPDATE':
      statusUpdate(master, agent, call.status_update.framework_id.value, call.status_update.status);
      return { status: 202 };
    case 'EXECUTOR_MESSAGE': {
      const { framework_id, executor_id, data } = call.executor_message;
      master.frameworks.get(framework_id.value)?.send({
        type: 'MESSAGE',
        message: { agent_id: { value: agent.id }, executor_id, data },
      });
      return { status: 202 };
    }
    case 'EXECUTOR_EXITED': {
      const { framework_id, executor_id, status } = call.executor_exited;
      master.logger.info(`Executor ${executor_id.value} of framework ${framework_id.value} on agent ${agent.id} exited with status ${status}`);
      master.releaseExecutor(agent, framework_id.value, executor_id.value);
      master.frameworks.get(framework_id.value)?.send({
        type: 'FAILURE',
        failure: { agent_id: { value: agent.id }, executor_id, status },
      });
      return { status: 202 };
    }
    case 'UNREGISTER':
      master.logger.info(`Agent ${agent.id} (${agent.info.hostname}) unregistered`);
      removeAgent(master, agent);
      return { status: 202 };
    default:
      return { status: 400, body: `Unexpected agent call '${call.type}'` };
  }
}

/**
 * A status update from the agent: recorded, then forwarded to the framework.
 * Updates for frameworks that are gone are acknowledged here so the agent stops
 * retrying them.
 */
function statusUpdate(master: Master, agent: AgentRecord, frameworkId: string, update: TaskStatus): void {
  const framework = master.frameworks.get(frameworkId);
  const task = agent.tasks.get(frameworkId, update.task_id.value);
  master.metrics.validStatusUpdates++;
  if (task) {
    master.recordStatus(task, update);
    task.statusUpdateState = update.state;
    task.statusUpdateUuid = update.uuid;
  }
  if (framework && !framework.recovered) {
    framework.send({
      type: 'UPDATE',
      update: { status: { ...update, agent_id: { value: agent.id }, state: stateForFramework(update.state, framework.partitionAware) } },
    });
    if (task && !update.uuid && isTerminalState(update.state)) master.fileCompletedTask(task);
    return;
  }
  if (!framework && update.uuid) {
    agent.send({
      type: 'ACKNOWLEDGE',
      acknowledge: { framework_id: { value: frameworkId }, task_id: update.task_id, uuid: update.uuid },
    });
    if (task && isTerminalState(update.state)) master.fileCompletedTask(task);
  }
}

/** Removes an agent that unregistered cleanly: its tasks are lost. */
function removeAgent(master: Master, agent: AgentRecord): void {
  for (const task of [...agent.tasks.values()]) {
    if (!isTerminalState(task.state)) master.transitionTask(task, 'TASK_LOST', 'REASON_AGENT_REMOVED', 'Agent unregistered');
  }
  for (const offer of [...(agent.offers?.values() ?? [])]) master.rescindOffer(offer.id.value, 0);
  for (const framework of master.frameworks.values()) framework.executors.delete(agent.id);
  agent.stream?.close();
  master.agents.delete(agent.id);
  master.allocator.removeAgent(agent.id);
  master.observers.agentRemoved(agent.id);
  void master.registry.removeAgent(agent.id);
}
