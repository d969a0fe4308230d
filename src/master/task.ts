/**
 * The master's record of one task: what was launched and the status history the
 * agent reported. Mirrors the fields of Mesos's `Task` (state, statuses,
 * status_update_state, status_update_uuid).
 *
 * Memory matters here: a master holds one record per live task (tens of
 * thousands), so the record keeps only what `/master/state`, the operator API
 * and reconciliation report, and shares what repeats (see `shareStatusParts`).
 */
import type { AgentID, Resource, TaskID, TaskInfo, TaskState, TaskStatus } from '../mesos/types.js';
import { reportedInfo, type ReportedTaskInfo } from '../mesos/reported-task-info.js';
import { internToken } from './interned-tokens.js';
import type { TaskGauges } from './task-gauges.js';

/** Statuses kept per task for `/master/state` (Mesos keeps the full history; we bound it). */
const MAX_STATUSES = 32;
/** The history of a task with none yet, one list for all (a new empty array each was 32 bytes a task). */
const NO_STATUSES: readonly TaskStatus[] = Object.freeze([]);

export class MasterTask {
  /** What the launch said, as far as the master reports it (the resources are kept normalized in `resources`). */
  readonly info: ReportedTaskInfo;
  private currentState: TaskState = 'TASK_STAGING';
  /** The gauges of the agent record the task is filed on, which count it by state (see `fileIn`). */
  private gauges: TaskGauges | undefined = undefined;
  /** State of the update currently being delivered to the scheduler. */
  statusUpdateState?: TaskState;
  statusUpdateUuid?: string;
  /**
   * Status history, oldest first (at most 32: the first and the latest 31).
   * Replaced, never grown in place, so each list is exactly as long as it needs
   * to be; read it fresh from the task rather than holding on to it.
   */
  statuses: readonly TaskStatus[] = NO_STATUSES;
  /** Set once the framework acknowledged a terminal update (or none is expected). */
  acknowledgedTerminal = false;

  /**
   * @param info the TaskInfo as launched, or the task an agent reported on reregistering;
   *   only the reported fields are kept (see `ReportedTaskInfo`).
   * @param executorId the custom executor's id, or '' for a command task.
   * @param role the allocation role of the task's resources.
   * @param resources normalized, with allocation_info; may be a frozen list
   *   shared with other tasks (see SharedResources), so it is never mutated.
   */
  constructor(
    info: TaskInfo | ReportedTaskInfo,
    readonly frameworkId: string,
    readonly agentId: string,
    readonly executorId: string,
    readonly role: string,
    readonly resources: Resource[],
    readonly user: string | undefined,
  ) {
    this.info = reportedInfo(info);
  }

  /** Latest state known from the agent; resources are freed when it turns terminal. */
  get state(): TaskState {
    return this.currentState;
  }

  set state(state: TaskState) {
    this.gauges?.move(this.currentState, state, this.resources);
    this.currentState = state;
  }

  /**
   * Has `gauges` (an agent's, see AgentTasks) count this task from now on, in
   * whatever state it takes. Filing it in other gauges takes it out of the ones
   * it was counted in.
   */
  fileIn(gauges: TaskGauges): void {
    if (gauges === this.gauges) return;
    this.gauges?.move(this.currentState, undefined, this.resources);
    gauges.move(undefined, this.currentState, this.resources);
    this.gauges = gauges;
  }

  /** Stops `gauges` counting this task, if they are the ones counting it (not another agent record's it was filed in since). */
  leave(gauges: TaskGauges): void {
    if (gauges !== this.gauges) return;
    gauges.move(this.currentState, undefined, this.resources);
    this.gauges = undefined;
  }

  get id(): string {
    return this.info.task_id.value;
  }

  /** The latest status, or undefined while STAGING. */
  get latestStatus(): TaskStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /**
   * Records a status from the agent (or one the master made). The task takes
   * ownership of `status`: parts equal to ones it already holds are swapped for
   * those (same JSON, less memory), so callers must not mutate it afterwards.
   */
  record(status: TaskStatus): void {
    this.shareStatusParts(status);
    this.state = status.state;
    const kept = this.statuses;
    // concat allocates exactly n + 1 slots; push would grow the backing store to 17.
    this.statuses = kept.length < MAX_STATUSES ? kept.concat([status]) : [kept[0]!, ...kept.slice(2), status];
  }

  /**
   * Replaces the ids and enum strings of `status` by equal values this task
   * already holds: every status of a task repeats its task id, agent id and
   * executor id, and JSON.parse gives each its own copy. Property order (and so
   * the JSON of `/master/state` and GET_TASKS) is unchanged.
   */
  private shareStatusParts(status: TaskStatus): void {
    // Absent only on a launch rejected as invalid (TASK_ERROR), which has nothing to share.
    const taskId = this.info.task_id as TaskID | undefined;
    const previous = this.latestStatus;
    if (taskId !== undefined && status.task_id?.value === taskId.value) status.task_id = taskId;
    status.state = internToken(status.state);
    if (status.source !== undefined) status.source = internToken(status.source);
    if (status.reason !== undefined) status.reason = internToken(status.reason);
    if (status.agent_id !== undefined) status.agent_id = this.shareAgentId(status.agent_id, previous?.agent_id);
    const executorId = status.executor_id;
    if (executorId !== undefined) {
      // A command task's executor has the task's id; an equal {value} object serializes the same.
      if (taskId !== undefined && executorId.value === taskId.value) status.executor_id = taskId;
      else if (previous?.executor_id?.value === executorId.value) status.executor_id = previous.executor_id;
    }
  }

  private shareAgentId(agentId: AgentID, previous: AgentID | undefined): AgentID {
    if (previous !== undefined && previous.value === agentId.value) return previous;
    // The record's agent id string is shared with the agent's record; the parsed copy is not.
    return agentId.value === this.agentId ? { value: this.agentId } : agentId;
  }
}
