/**
 * Validation of a TaskInfo in an ACCEPT, as Mesos's `master/validation.cpp`:
 * pure, returns the first problem as the message of a TASK_ERROR
 * (REASON_TASK_INVALID), or undefined when the task may launch.
 */
import { containsResources, formatResources, isEmptyResources } from '../mesos/resources.js';
import { fastContains } from './allocator/fast-contains.js';
import type { ExecutorInfo, Resource, TaskInfo } from '../mesos/types.js';

/** What the check needs to know besides the task itself. */
export interface TaskValidationContext {
  /** Agent of the offers being accepted. */
  agentId: string;
  /** Resources still available from the accepted offers (with allocation role). */
  available: Resource[];
  /** The task's resources after the master tagged them with the allocation role. */
  taskResources: Resource[];
  /** Resources of the task's executor if it must be launched now (empty otherwise). */
  executorResources: Resource[];
  /** True if the framework already has a non-terminal task with this id. */
  duplicateId: boolean;
  /** The ExecutorInfo already running on the agent under the same executor id, if any. */
  existingExecutor?: ExecutorInfo;
  /** The offers' allocation role, when `available` and the task's resources all carry it: enables the fast resource check. */
  role?: string;
}

/**
 * Checks an id the way Mesos checks TaskID/ExecutorID values: 1..255 characters,
 * not `.` or `..`, no `/`, no `\`, no control characters. Returns a message or undefined.
 */
export function validateIdValue(kind: string, value: string | undefined): string | undefined {
  if (value === undefined || value.length === 0) return `${kind} must not be empty`;
  if (value.length > 255) return `${kind} '${value.slice(0, 32)}…' is longer than 255 characters`;
  if (value === '.' || value === '..') return `'${value}' is disallowed`;
  if (/[/\\\u0000-\u001f\u007f]/.test(value)) return `'${value}' contains invalid characters`;
  return undefined;
}

/** Returns why the task cannot launch, or undefined. */
export function validateTask(task: TaskInfo, ctx: TaskValidationContext): string | undefined {
  const idProblem = validateIdValue('TaskID', task.task_id?.value);
  if (idProblem) return `Task ID '${task.task_id?.value ?? ''}' is invalid: ${idProblem}`;
  if (!task.name && task.name !== '') return "Task is missing required field 'name'";
  if (ctx.duplicateId) return `Task has duplicate ID: ${task.task_id.value}`;
  if (task.agent_id?.value !== ctx.agentId) {
    return `Task uses invalid agent: ${task.agent_id?.value ?? '(none)'}`;
  }
  const hasCommand = task.command !== undefined;
  const hasExecutor = task.executor !== undefined;
  if (hasCommand === hasExecutor) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  if (task.command) {
    const shell = task.command.shell ?? true;
    if (shell && !task.command.value) return "Command is missing 'value' (required when 'shell' is true)";
    // A Docker task without shell and value runs its image's own entrypoint, as Mesos allows.
    if (!shell && !task.command.value && task.container?.type !== 'DOCKER') {
      return "Command is missing 'value' (the executable to run)";
    }
  }
  if (task.executor) {
    const exProblem = validateIdValue('ExecutorID', task.executor.executor_id?.value);
    if (exProblem) return `Executor ID is invalid: ${exProblem}`;
    if ((task.executor.type ?? 'CUSTOM') === 'CUSTOM' && !task.executor.command) {
      return "ExecutorInfo is missing 'command' (required for a CUSTOM executor)";
    }
    if (ctx.existingExecutor && !sameExecutor(ctx.existingExecutor, task.executor)) {
      return `ExecutorInfo is not compatible with existing ExecutorInfo of executor '${task.executor.executor_id.value}'`;
    }
  }
  for (const resource of task.resources ?? []) {
    if (resource.type === 'SCALAR' && !(Number.isFinite(resource.scalar?.value) && (resource.scalar?.value ?? -1) >= 0)) {
      return `Invalid resources: scalar '${resource.name}' must be a non-negative number`;
    }
  }
  if (isEmptyResources(ctx.taskResources)) return 'Task uses no resources';
  const wanted = [...ctx.taskResources, ...ctx.executorResources];
  // The usual launch (plain scalars and ranges, one role) is checked without
  // normalizing both lists: those temporaries were most of a launch's garbage.
  const fits = (ctx.role !== undefined ? fastContains(ctx.available, wanted, ctx.role) : undefined) ?? containsResources(ctx.available, wanted);
  if (!fits) {
    return `Task uses more resources ${formatResources(wanted)} than available ${formatResources(ctx.available)}`;
  }
  return undefined;
}

/** Two ExecutorInfos describe the same executor (command and resources equal). */
function sameExecutor(a: ExecutorInfo, b: ExecutorInfo): boolean {
  return JSON.stringify(a.command ?? null) === JSON.stringify(b.command ?? null);
}
