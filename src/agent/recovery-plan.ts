/**
 * What a restarted agent does with its checkpoints (Mesos `Slave::recover`),
 * decided without I/O: which containers to re-adopt, which to destroy, which
 * tasks come back with which state and unacknowledged updates, and which
 * checkpoints are finished with.
 *
 * Rules, as Mesos:
 * - Frameworks without `checkpoint: true` are not recovered: their containers
 *   are destroyed and their tasks not reported, so the master reports them
 *   lost when the agent reregisters. (Their executors leave no checkpoint now,
 *   so the containerizer finds their containers as orphans; this rule covers
 *   checkpoints written by earlier builds.)
 * - A task whose terminal update was acknowledged is done and dropped.
 * - A command executor with no task left is done; a custom executor is
 *   re-adopted even without tasks (it may be waiting for more).
 * - Of several runs of one executor (a removal that failed), the last by
 *   container id is kept and the others destroyed.
 */
import type { AgentInfo, ExecutorInfo, FrameworkID, FrameworkInfo, TaskInfo, TaskState, TaskStatus } from '../mesos/types.js';
import type { ExecutorKind } from './agent-model.js';
import type { CheckpointState, RecoveredExecutor } from './checkpoint-reader.js';
import { replayUpdates } from './checkpoint-records.js';
import type { StatusUpdate } from './status-update-streams.js';

/** A task to put back in the model and the status update manager. */
export interface PlannedTask {
  info: TaskInfo;
  /** The newest recorded state; TASK_STAGING when no update was recorded. */
  state: TaskState;
  /** Every recorded status, oldest first. */
  statuses: TaskStatus[];
  /** Updates to send again until acknowledged, oldest first. */
  pending: StatusUpdate[];
  /** Every recorded uuid, oldest first. */
  uuids: string[];
  /** A terminal update was recorded: nothing more may be sent for the task. */
  terminalReceived: boolean;
}

export interface PlannedExecutor {
  info: ExecutorInfo;
  kind: ExecutorKind;
  containerId: string;
  /** The executor had subscribed (custom executors: its tasks were handed over). */
  subscribed: boolean;
  forkedPid?: number;
  tasks: PlannedTask[];
}

export interface PlannedFramework {
  info: FrameworkInfo & { id: FrameworkID };
  executors: PlannedExecutor[];
}

export interface RecoveryPlan {
  agentId: string;
  agentInfo: AgentInfo;
  /** Checkpointing frameworks with something to re-adopt, sorted by id. */
  frameworks: PlannedFramework[];
  /** Containers to re-adopt (the containerizer's `recover`). */
  recover: string[];
  /** Containers to recover and destroy at once (non-checkpointing frameworks, stale runs, finished command tasks). */
  destroy: string[];
  /** Executors whose checkpoints are finished with. */
  forgetExecutors: Array<{ frameworkId: string; executorId: string }>;
  /** Frameworks left with no executor checkpoint. */
  forgetFrameworks: string[];
}

/** Builds the plan (see the module comment). Pure; `state` is not modified. */
export function planRecovery(state: CheckpointState): RecoveryPlan {
  const plan: RecoveryPlan = {
    agentId: state.agentId,
    agentInfo: state.agentInfo,
    frameworks: [],
    recover: [],
    destroy: [],
    forgetExecutors: [],
    forgetFrameworks: [],
  };
  const frameworks = [...state.frameworks].sort((a, b) => a.info.id.value.localeCompare(b.info.id.value));
  for (const framework of frameworks) {
    const frameworkId = framework.info.id.value;
    const executors: PlannedExecutor[] = [];
    for (const executor of framework.executors) {
      const executorId = executor.info.executor_id.value;
      const runs = [...executor.runs].sort((a, b) => a.containerId.localeCompare(b.containerId));
      const latest = runs.pop();
      plan.destroy.push(...runs.map((r) => r.containerId));
      if (!latest) {
        plan.forgetExecutors.push({ frameworkId, executorId });
        continue;
      }
      if (!framework.info.checkpoint) {
        plan.destroy.push(latest.containerId);
        plan.forgetExecutors.push({ frameworkId, executorId });
        continue;
      }
      const planned = planExecutor(executor, latest);
      if (planned.tasks.length === 0 && executor.kind === 'command') {
        plan.destroy.push(latest.containerId);
        plan.forgetExecutors.push({ frameworkId, executorId });
        continue;
      }
      plan.recover.push(latest.containerId);
      executors.push(planned);
    }
    if (executors.length > 0) plan.frameworks.push({ info: framework.info, executors });
    else plan.forgetFrameworks.push(frameworkId);
  }
  return plan;
}

function planExecutor(executor: RecoveredExecutor, run: RecoveredExecutor['runs'][number]): PlannedExecutor {
  const tasks: PlannedTask[] = [];
  for (const task of [...run.tasks].sort((a, b) => a.info.task_id.value.localeCompare(b.info.task_id.value))) {
    const replayed = replayUpdates(task.records);
    if (replayed.terminalAcknowledged) continue;
    tasks.push({
      info: task.info,
      state: replayed.latestState ?? 'TASK_STAGING',
      statuses: replayed.statuses,
      pending: replayed.pending,
      uuids: replayed.uuids,
      terminalReceived: replayed.terminalReceived,
    });
  }
  const planned: PlannedExecutor = {
    info: executor.info,
    kind: executor.kind,
    containerId: run.containerId,
    subscribed: run.subscribed,
    tasks,
  };
  if (run.forkedPid !== undefined) planned.forkedPid = run.forkedPid;
  return planned;
}
