/**
 * Tasks waiting for an offer (`TaskManager`'s queues): a high-priority queue
 * served before the normal one, at most one waiting task per job (a job
 * already waiting is not queued twice). In memory only, as in Chronos 3.x:
 * after a restart the queue is recomputed from the schedules.
 */

/** A waiting task. */
export interface QueuedTask {
  taskId: string;
  jobName: string;
  highPriority: boolean;
}

/** FIFO queues keyed by job name. */
export class TaskQueue {
  private readonly high: QueuedTask[] = [];
  private readonly normal: QueuedTask[] = [];

  /** Adds a task unless one of the same job is already waiting; returns whether it was added. */
  enqueue(task: QueuedTask): boolean {
    if (this.has(task.jobName)) return false;
    (task.highPriority ? this.high : this.normal).push(task);
    return true;
  }

  /** Puts a task back at the head of its queue (no fitting offer this round). */
  putBack(task: QueuedTask): void {
    if (this.has(task.jobName)) return;
    (task.highPriority ? this.high : this.normal).unshift(task);
  }

  /** Takes the next task: high priority first. */
  take(): QueuedTask | undefined {
    return this.high.shift() ?? this.normal.shift();
  }

  /** True when a task of the job is waiting. */
  has(jobName: string): boolean {
    return this.high.some((t) => t.jobName === jobName) || this.normal.some((t) => t.jobName === jobName);
  }

  /** Drops the waiting task of a job (deleted, killed). */
  remove(jobName: string): void {
    for (const q of [this.high, this.normal]) {
      const i = q.findIndex((t) => t.jobName === jobName);
      if (i >= 0) q.splice(i, 1);
    }
  }

  get size(): number {
    return this.high.length + this.normal.length;
  }
}
