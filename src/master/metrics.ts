/**
 * Master counters behind `/metrics/snapshot` (names as Mesos's `master/…`).
 * Gauges (resources, active counts) are read from state when asked for; live
 * task counts and what those tasks use are kept per agent (task-gauges.ts).
 */
import type { TaskState } from '../mesos/types.js';

export class MasterMetrics {
  /** Terminal/transient transitions by state, e.g. TASK_FINISHED → master/tasks_finished. */
  readonly taskTransitions = new Map<TaskState, number>();
  allocationRuns = 0;
  offersSent = 0;
  agentsUnreachable = 0;
  messagesReceived = 0;
  validStatusUpdates = 0;
  invalidStatusUpdates = 0;
  frameworkMessages = 0;
  schedulerCalls = new Map<string, number>();

  /** Counts a task entering `state`. */
  countTransition(state: TaskState): void {
    this.taskTransitions.set(state, (this.taskTransitions.get(state) ?? 0) + 1);
  }

  /** Counts a scheduler call by type (master/messages_* style). */
  countCall(type: string): void {
    this.messagesReceived++;
    this.schedulerCalls.set(type, (this.schedulerCalls.get(type) ?? 0) + 1);
  }
}
