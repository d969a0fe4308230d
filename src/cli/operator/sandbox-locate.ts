/**
 * Where a task's sandbox is, from the agent's `/slave(1)/state`: the
 * `directory` of the executor that ran it (a command task's executor has the
 * task's id; a default executor's task lives in `<directory>/tasks/<task id>`,
 * as the Mesos web UI derives it). Running and completed frameworks,
 * executors and tasks are all searched. Pure.
 */
import { isTerminalState } from '../../mesos/task-states.js';
import type { TaskState } from '../../mesos/types.js';
import type { AgentExecutor, AgentState, ClassicTask } from './classic-json.js';

/** A task found on its agent. */
export interface TaskSandbox {
  /** Host path of the task's sandbox (stdout and stderr are in it). */
  directory: string;
  executorId: string;
  /** The task's state as the agent reports it. */
  state: string;
  /** The task is terminal, or its executor or framework is completed. */
  terminal: boolean;
}

function findTask(executor: AgentExecutor, taskId: string): { task: ClassicTask; completed: boolean } | undefined {
  const live = [...(executor.tasks ?? []), ...(executor.queued_tasks ?? [])].find((t) => t.id === taskId);
  if (live) return { task: live, completed: false };
  const done = (executor.completed_tasks ?? []).find((t) => t.id === taskId);
  return done ? { task: done, completed: true } : undefined;
}

/**
 * The sandbox of task `taskId` of framework `frameworkId` on this agent, or
 * undefined when the agent does not (or no longer) know it. When several
 * executor runs list the task (an agent restart), the live one wins.
 */
export function locateSandbox(state: AgentState, frameworkId: string, taskId: string): TaskSandbox | undefined {
  let found: TaskSandbox | undefined;
  const frameworks = [
    ...(state.frameworks ?? []).map((f) => ({ f, completed: false })),
    ...(state.completed_frameworks ?? []).map((f) => ({ f, completed: true })),
  ];
  for (const { f, completed: frameworkDone } of frameworks) {
    if (f.id !== frameworkId) continue;
    const executors = [
      ...(f.executors ?? []).map((e) => ({ e, completed: false })),
      ...(f.completed_executors ?? []).map((e) => ({ e, completed: true })),
    ];
    for (const { e, completed: executorDone } of executors) {
      const hit = findTask(e, taskId);
      if (!hit || e.directory === undefined || e.directory === '') continue;
      const state = hit.task.state ?? 'TASK_STAGING';
      const candidate: TaskSandbox = {
        directory: e.type === 'DEFAULT' ? `${e.directory}/tasks/${taskId}` : e.directory,
        executorId: e.id,
        state,
        terminal: frameworkDone || executorDone || hit.completed || isTerminalState(state as TaskState),
      };
      if (!candidate.terminal) return candidate;
      found ??= candidate;
    }
  }
  return found;
}
