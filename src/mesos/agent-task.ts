/**
 * Builds the task entries of a REREGISTER (src/mesos/agent-protocol.ts), shared
 * by the agent and the cluster simulator so both report the same fields.
 */
import type { AgentTask } from './agent-protocol.js';
import { reportedInfo } from './reported-task-info.js';
import type { ExecutorID, FrameworkID, TaskInfo, TaskState, TaskStatus } from './types.js';

/**
 * The Mesos `Task` an agent reports for `info` (what it was launched with).
 * `executorId` is the custom executor's id, undefined for a command task;
 * `latest` is the newest status the agent holds, if any. Shares `info`'s
 * objects (ids, resources, labels) rather than copying them; throws nothing.
 */
export function agentTask(info: TaskInfo, frameworkId: FrameworkID, executorId: ExecutorID | undefined, state: TaskState, latest?: TaskStatus): AgentTask {
  const task: AgentTask = { ...reportedInfo(info), framework_id: frameworkId, state, resources: info.resources ?? [] };
  if (executorId !== undefined) task.executor_id = executorId;
  if (latest !== undefined) task.statuses = [latest];
  if (info.command?.user !== undefined) task.user = info.command.user;
  return task;
}
