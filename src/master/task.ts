/**
 * The master's record of one task: what was launched and the status history the
 * agent reported. Mirrors the fields of Mesos's `Task` (state, statuses,
 * status_update_state, status_update_uuid).
 */
import type { Resource, TaskInfo, TaskState, TaskStatus } from '../mesos/types.js';

/** Statuses kept per task for `/master/state` (Mesos keeps the full history; we bound it). */
const MAX_STATUSES = 32;

export class MasterTask {
  /** Latest state known from the agent; resources are freed when it turns terminal. */
  state: TaskState = 'TASK_STAGING';
  /** State of the update currently being delivered to the scheduler. */
  statusUpdateState?: TaskState;
  statusUpdateUuid?: string;
  readonly statuses: TaskStatus[] = [];
  /** Set once the framework acknowledged a terminal update (or none is expected). */
  acknowledgedTerminal = false;

  /**
   * @param info the TaskInfo as launched, without `data` (not kept, as Mesos).
   * @param executorId the custom executor's id, or '' for a command task.
   * @param role the allocation role of the task's resources.
   */
  constructor(
    readonly info: TaskInfo,
    readonly frameworkId: string,
    readonly agentId: string,
    readonly executorId: string,
    readonly role: string,
    readonly resources: Resource[],
    readonly user: string | undefined,
  ) {}

  get id(): string {
    return this.info.task_id.value;
  }

  /** The latest status, or undefined while STAGING. */
  get latestStatus(): TaskStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** Records a status from the agent. */
  record(status: TaskStatus): void {
    this.state = status.state;
    this.statuses.push(status);
    if (this.statuses.length > MAX_STATUSES) this.statuses.splice(1, 1);
  }
}
