/**
 * The master's state in v1 JSON (protobuf-as-JSON), as the operator API
 * (`mesos.v1.master.Response`) renders it: ids wrapped as `{value}`, Resource
 * arrays, times as `{nanoseconds}`. Contrast with the classic JSON of state-json.ts.
 */
import type { AgentRecord } from '../agent-record.js';
import type { FrameworkRecord } from '../framework.js';
import type { Master } from '../master.js';
import type { MasterTask } from '../task.js';

type Json = Record<string, unknown>;

/** Seconds since the epoch → TimeInfo. */
export function timeInfo(seconds: number): { nanoseconds: number } {
  return { nanoseconds: Math.round(seconds * 1e9) };
}

/** A v1 `Task`. */
export function v1Task(task: MasterTask): Json {
  const json: Json = {
    name: task.info.name,
    task_id: task.info.task_id,
    framework_id: { value: task.frameworkId },
    agent_id: { value: task.agentId },
    state: task.state,
    resources: task.resources,
    statuses: task.statuses,
  };
  if (task.executorId) json.executor_id = { value: task.executorId };
  if (task.statusUpdateState) json.status_update_state = task.statusUpdateState;
  if (task.statusUpdateUuid) json.status_update_uuid = task.statusUpdateUuid;
  for (const field of ['labels', 'discovery', 'container', 'health_check', 'kill_policy'] as const) {
    if (task.info[field] !== undefined) json[field] = task.info[field];
  }
  if (task.user) json.user = task.user;
  return json;
}

/** A `GetAgents.Agent`. */
export function v1Agent(master: Master, agent: AgentRecord): Json {
  return {
    agent_info: agent.info,
    active: agent.active,
    deactivated: !agent.active,
    version: agent.version,
    pid: agent.pid,
    registered_time: timeInfo(agent.registeredTime),
    ...(agent.reregisteredTime !== undefined ? { reregistered_time: timeInfo(agent.reregisteredTime) } : {}),
    total_resources: agent.total,
    allocated_resources: master.usedOnAgent(agent),
    offered_resources: master.offeredOnAgent(agent),
    capabilities: agent.info.capabilities ?? [],
  };
}

/** A `GetFrameworks.Framework`. */
export function v1Framework(framework: FrameworkRecord): Json {
  const allocated = framework.usedResources();
  const offered = framework.offeredResources();
  return {
    framework_info: framework.info,
    active: framework.active,
    connected: framework.connected,
    recovered: framework.recovered,
    registered_time: timeInfo(framework.registeredTime),
    ...(framework.reregisteredTime !== undefined ? { reregistered_time: timeInfo(framework.reregisteredTime) } : {}),
    ...(framework.unregisteredTime !== undefined ? { unregistered_time: timeInfo(framework.unregisteredTime) } : {}),
    offers: [...framework.offers.values()],
    allocated_resources: allocated,
    offered_resources: offered,
  };
}

/** `GetAgents`. */
export function getAgents(master: Master): Json {
  return {
    agents: [...master.agents.values()].filter((a) => a.state !== 'unreachable').map((a) => v1Agent(master, a)),
    recovered_agents: [],
  };
}

/** `GetFrameworks`. */
export function getFrameworks(master: Master): Json {
  return {
    frameworks: [...master.frameworks.values()].map(v1Framework),
    completed_frameworks: master.completedFrameworks.map(v1Framework),
  };
}

/** `GetTasks`. */
export function getTasks(master: Master): Json {
  const frameworks = [...master.frameworks.values(), ...master.completedFrameworks];
  return {
    tasks: frameworks.flatMap((f) => [...f.tasks.values()].map(v1Task)),
    unreachable_tasks: frameworks.flatMap((f) => [...f.unreachableTasks.values()].map(v1Task)),
    completed_tasks: frameworks.flatMap((f) => f.completedTasks.map(v1Task)),
  };
}

/** `GetExecutors`: custom executors with their agent. */
export function getExecutors(master: Master): Json {
  const executors: Json[] = [];
  for (const framework of master.frameworks.values()) {
    for (const [agentId, byId] of framework.executors) {
      for (const info of byId.values()) executors.push({ executor_info: info, agent_id: { value: agentId } });
    }
  }
  return { executors };
}

/** `GetState`: tasks, executors, frameworks and agents in one snapshot. */
export function getState(master: Master): Json {
  return {
    get_tasks: getTasks(master),
    get_executors: getExecutors(master),
    get_frameworks: getFrameworks(master),
    get_agents: getAgents(master),
  };
}
