/**
 * The agent's frameworks, executors and tasks in v1 JSON, for the operator
 * API (Mesos `Http::jsonifyGetFrameworks/GetExecutors/GetTasks`): `{value}`
 * ids, full Resource arrays, v1 `Task` objects. Pure: model in, JSON out.
 * Arrays are always present, as Mesos's hand-written writers emit them.
 */
import { isTerminalState } from '../mesos/task-states.js';
import type { TaskInfo } from '../mesos/types.js';
import type { AgentModel, ExecutorRecord, FrameworkRecord, StatusSummary, TaskRecord } from './agent-model.js';

type Json = Record<string, unknown>;

/** `GetFrameworks`: `{frameworks:[{framework_info}], completed_frameworks:[...]}`. */
export function getFrameworksJson(model: AgentModel): Json {
  return {
    frameworks: [...model.frameworks.values()].map((f) => ({ framework_info: f.info })),
    completed_frameworks: model.completedFrameworks.map((f) => ({ framework_info: f.info })),
  };
}

function executorInfo(executor: ExecutorRecord): Json {
  return { ...executor.info, framework_id: { value: executor.frameworkId } };
}

/** `GetExecutors`: `{executors:[{executor_info}], completed_executors:[...]}` over active and completed frameworks. */
export function getExecutorsJson(model: AgentModel): Json {
  const frameworks = allFrameworks(model);
  return {
    executors: frameworks.flatMap((f) => [...f.executors.values()].map((e) => ({ executor_info: executorInfo(e) }))),
    completed_executors: frameworks.flatMap((f) => f.completedExecutors.map((e) => ({ executor_info: executorInfo(e) }))),
  };
}

function allFrameworks(model: AgentModel): FrameworkRecord[] {
  return [...model.frameworks.values(), ...model.completedFrameworks];
}

function v1Status(task: TaskInfo, s: StatusSummary, agentId: string | undefined, executorId: string | undefined): Json {
  const out: Json = { task_id: task.task_id, state: s.state, timestamp: s.timestamp };
  if (agentId) out['agent_id'] = { value: agentId };
  if (executorId) out['executor_id'] = { value: executorId };
  if (s.message !== undefined) out['message'] = s.message;
  if (s.healthy !== undefined) out['healthy'] = s.healthy;
  if (s.container_status) out['container_status'] = s.container_status;
  return out;
}

/**
 * A v1 `Task` (Mesos `protobuf::createTask`): command tasks carry no
 * `executor_id`, as in Mesos. Queued tasks are TASK_STAGING with no statuses.
 */
export function v1Task(info: TaskInfo, state: string, frameworkId: string, executorId: string | undefined, agentId: string | undefined, statuses: StatusSummary[] = []): Json {
  const out: Json = {
    name: info.name,
    task_id: info.task_id,
    framework_id: { value: frameworkId },
    agent_id: { value: agentId ?? '' },
    state,
    resources: info.resources ?? [],
    statuses: statuses.map((s) => v1Status(info, s, agentId, executorId)),
  };
  if (executorId) out['executor_id'] = { value: executorId };
  if (statuses.length > 0) out['status_update_state'] = statuses.at(-1)!.state;
  for (const key of ['labels', 'discovery', 'container', 'health_check', 'kill_policy'] as const) {
    if (info[key] !== undefined) out[key] = info[key];
  }
  return out;
}

function recordTask(record: TaskRecord, executor: ExecutorRecord, agentId: string | undefined): Json {
  const executorId = executor.kind === 'command' ? undefined : executor.info.executor_id.value;
  return v1Task(record.info, record.state, record.frameworkId, executorId, agentId, record.statuses);
}

/**
 * `GetTasks`: `pending_tasks` (always empty here: tasks go to their executor
 * at once), `queued_tasks`, `launched_tasks` (not terminal), `terminated_tasks`
 * (terminal, update not yet acknowledged), `completed_tasks`.
 */
export function getTasksJson(model: AgentModel, agentId: string | undefined): Json {
  const queued: Json[] = [];
  const launched: Json[] = [];
  const terminated: Json[] = [];
  const completed: Json[] = [];
  for (const framework of allFrameworks(model)) {
    for (const executor of [...framework.executors.values(), ...framework.completedExecutors]) {
      const executorId = executor.kind === 'command' ? undefined : executor.info.executor_id.value;
      for (const info of executor.queuedTasks.values()) queued.push(v1Task(info, 'TASK_STAGING', executor.frameworkId, executorId, agentId));
      for (const record of executor.launchedTasks.values()) {
        (isTerminalState(record.state) ? terminated : launched).push(recordTask(record, executor, agentId));
      }
      for (const record of executor.completedTasks) completed.push(recordTask(record, executor, agentId));
    }
  }
  return { pending_tasks: [], queued_tasks: queued, launched_tasks: launched, terminated_tasks: terminated, completed_tasks: completed };
}

/** `GetState`: `{get_tasks, get_executors, get_frameworks}`. */
export function getStateJson(model: AgentModel, agentId: string | undefined): Json {
  return { get_tasks: getTasksJson(model, agentId), get_executors: getExecutorsJson(model), get_frameworks: getFrameworksJson(model) };
}
