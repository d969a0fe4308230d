/**
 * The agent's view of its frameworks, executors and tasks (Mesos
 * `Slave::Framework` / `Slave::Executor` in `src/slave/slave.hpp`). Plain data
 * plus the transitions that keep it consistent; no I/O, no timers. The
 * `Agent` owns one `AgentModel` and is its only writer.
 *
 * Lifecycle of a task: queued (custom executor not yet subscribed, state
 * STAGING) → launched (state follows the latest status update the agent
 * generated or received) → completed once its terminal update is acknowledged.
 * An executor moves to `completedExecutors` when it has terminated and holds no
 * more tasks; a framework moves to `completedFrameworks` when it has no
 * executors left.
 */
import type { ExecutorInfo, FrameworkID, FrameworkInfo, Resource, TaskInfo, TaskState, TaskStatus } from '../mesos/types.js';
import { isTerminalState } from '../mesos/task-states.js';

/** Mesos `Executor::State`. */
export type ExecutorState = 'REGISTERING' | 'RUNNING' | 'TERMINATING' | 'TERMINATED';

/** `command` = built-in command executor (in-process here); `custom` = framework's executor process. */
export type ExecutorKind = 'command' | 'custom' | 'default';

/** Status history entry kept for `/state` (`statuses[]`), without `data`. */
export interface StatusSummary {
  state: TaskState;
  timestamp: number;
  container_status?: TaskStatus['container_status'];
  healthy?: boolean;
  message?: string;
}

/** Statuses kept per task for `/state`: enough for start/end times, bounded for long-lived flappers. */
const MAX_STATUSES = 8;

export interface TaskRecord {
  info: TaskInfo;
  frameworkId: string;
  executorId: string;
  state: TaskState;
  statuses: StatusSummary[];
}

export interface ExecutorRecord {
  info: ExecutorInfo;
  frameworkId: string;
  kind: ExecutorKind;
  containerId: string;
  /** Host path of the sandbox. */
  directory: string;
  state: ExecutorState;
  /** Executor's own resources plus its tasks' (what `/state` reports). */
  resources: Resource[];
  queuedTasks: Map<string, TaskInfo>;
  launchedTasks: Map<string, TaskRecord>;
  completedTasks: TaskRecord[];
  pid?: number;
}

export interface FrameworkRecord {
  info: FrameworkInfo & { id: FrameworkID };
  executors: Map<string, ExecutorRecord>;
  completedExecutors: ExecutorRecord[];
}

export interface ModelLimits {
  maxCompletedTasksPerExecutor: number;
  maxCompletedExecutorsPerFramework: number;
  maxCompletedFrameworks: number;
}

/** Terminal-state counters, as `slave/tasks_<state>` in `/metrics/snapshot`. */
export type TerminalCounters = Record<'finished' | 'failed' | 'killed' | 'lost' | 'gone' | 'error' | 'dropped', number>;

/** Frameworks, executors and tasks of one agent. */
export class AgentModel {
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly counters: TerminalCounters = { finished: 0, failed: 0, killed: 0, lost: 0, gone: 0, error: 0, dropped: 0 };

  constructor(private readonly limits: ModelLimits) {}

  /** Adds the framework or refreshes its info. */
  upsertFramework(info: FrameworkInfo & { id: FrameworkID }): FrameworkRecord {
    const existing = this.frameworks.get(info.id.value);
    if (existing) {
      existing.info = info;
      return existing;
    }
    const record: FrameworkRecord = { info, executors: new Map(), completedExecutors: [] };
    this.frameworks.set(info.id.value, record);
    return record;
  }

  addExecutor(framework: FrameworkRecord, executor: ExecutorRecord): void {
    framework.executors.set(executor.info.executor_id.value, executor);
  }

  /** The executor that holds `taskId` (queued or launched), if any. */
  executorOfTask(frameworkId: string, taskId: string): ExecutorRecord | undefined {
    const framework = this.frameworks.get(frameworkId);
    if (!framework) return undefined;
    // A command task's executor has the task's id: found without a scan, which
    // over thousands of command executors would make every update quadratic.
    const own = framework.executors.get(taskId);
    if (own && (own.queuedTasks.has(taskId) || own.launchedTasks.has(taskId))) return own;
    for (const executor of framework.executors.values()) {
      if (executor.queuedTasks.has(taskId) || executor.launchedTasks.has(taskId)) return executor;
    }
    return undefined;
  }

  executor(frameworkId: string, executorId: string): ExecutorRecord | undefined {
    return this.frameworks.get(frameworkId)?.executors.get(executorId);
  }

  /** Moves a queued task to launched (STAGING) when it is handed to its executor. */
  launchTask(executor: ExecutorRecord, task: TaskInfo): TaskRecord {
    executor.queuedTasks.delete(task.task_id.value);
    const record: TaskRecord = {
      info: task,
      frameworkId: executor.frameworkId,
      executorId: executor.info.executor_id.value,
      state: 'TASK_STAGING',
      statuses: [],
    };
    executor.launchedTasks.set(task.task_id.value, record);
    return record;
  }

  /**
   * Records a status the agent is about to forward (Mesos
   * `Executor::updateTaskState`). A queued task that gets a terminal status
   * (killed before launch, registration timeout) is launched first so it is
   * reported. Counts terminal states once per task.
   */
  applyStatus(executor: ExecutorRecord, status: TaskStatus): void {
    const taskId = status.task_id.value;
    let task = executor.launchedTasks.get(taskId);
    if (!task) {
      const queued = executor.queuedTasks.get(taskId);
      if (!queued) return;
      task = this.launchTask(executor, queued);
    }
    const wasTerminal = isTerminalState(task.state);
    task.state = status.state;
    const summary: StatusSummary = { state: status.state, timestamp: status.timestamp ?? 0 };
    if (status.container_status) summary.container_status = status.container_status;
    if (status.healthy !== undefined) summary.healthy = status.healthy;
    if (status.message !== undefined) summary.message = status.message;
    task.statuses.push(summary);
    if (task.statuses.length > MAX_STATUSES) task.statuses.splice(1, 1);
    if (!wasTerminal && isTerminalState(status.state)) this.countTerminal(status.state);
  }

  /**
   * The terminal update of a task was acknowledged: move it to completed and
   * retire its executor/framework if nothing remains. Returns true when the
   * executor was retired.
   */
  completeTask(frameworkId: string, taskId: string): boolean {
    const executor = this.executorOfTask(frameworkId, taskId);
    if (!executor) return false;
    const task = executor.launchedTasks.get(taskId);
    if (!task) return false;
    executor.launchedTasks.delete(taskId);
    pushBounded(executor.completedTasks, task, this.limits.maxCompletedTasksPerExecutor);
    return this.retireExecutorIfDone(executor);
  }

  /** Retires a terminated executor with no tasks left. Returns true when it did. */
  retireExecutorIfDone(executor: ExecutorRecord): boolean {
    if (executor.state !== 'TERMINATED' || executor.launchedTasks.size > 0 || executor.queuedTasks.size > 0) {
      return false;
    }
    const framework = this.frameworks.get(executor.frameworkId);
    if (!framework || framework.executors.get(executor.info.executor_id.value) !== executor) return false;
    framework.executors.delete(executor.info.executor_id.value);
    pushBounded(framework.completedExecutors, executor, this.limits.maxCompletedExecutorsPerFramework);
    if (framework.executors.size === 0) {
      this.frameworks.delete(framework.info.id.value);
      pushBounded(this.completedFrameworks, framework, this.limits.maxCompletedFrameworks);
    }
    return true;
  }

  /** Gauges for `/metrics/snapshot`: tasks per non-terminal state (queued tasks count as STAGING). */
  taskGauges(): Record<'staging' | 'starting' | 'running' | 'killing', number> {
    const out = { staging: 0, starting: 0, running: 0, killing: 0 };
    for (const framework of this.frameworks.values()) {
      for (const executor of framework.executors.values()) {
        out.staging += executor.queuedTasks.size;
        for (const task of executor.launchedTasks.values()) {
          if (task.state === 'TASK_STAGING') out.staging++;
          else if (task.state === 'TASK_STARTING') out.starting++;
          else if (task.state === 'TASK_RUNNING') out.running++;
          else if (task.state === 'TASK_KILLING') out.killing++;
        }
      }
    }
    return out;
  }

  /** Counts a terminal state (also for statuses of tasks the model does not hold, e.g. LOST on kill). */
  countTerminal(state: TaskState): void {
    const name = state.slice('TASK_'.length).toLowerCase();
    if (name in this.counters) this.counters[name as keyof TerminalCounters]++;
  }
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
