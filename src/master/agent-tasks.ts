/**
 * The tasks on one agent, looked up by (framework id, task id) as Mesos's
 * `Slave::tasks` is. Task ids are unique per framework only, but two
 * frameworks rarely share one on the same agent, so a task is filed under its
 * bare id (a string the task already holds) and only a second framework's
 * task with that id gets a composite key. Keying every task by
 * `<frameworkId>/<taskId>` cost a ~64-byte string per task, a few percent of
 * what a master holds per task.
 */
import type { MasterTask } from './task.js';

/** Key of a task whose bare id another framework's task already holds (NUL: not in any id). */
function compositeKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

/** True if `task` is `taskId` of `frameworkId` (an entry found under a bare id may be a composite one's namesake). */
function isTask(task: MasterTask, frameworkId: string, taskId: string): boolean {
  return task.frameworkId === frameworkId && task.id === taskId;
}

export class AgentTasks {
  private readonly byKey = new Map<string, MasterTask>();
  /**
   * Entries under a composite key. While there are none, a task missing under
   * its bare id is not here at all: a failover looks up every adopted task
   * before filing it, and building its composite key only to miss cost a
   * string per task.
   */
  private composites = 0;

  /** The task `taskId` of framework `frameworkId` here, if any. */
  get(frameworkId: string, taskId: string): MasterTask | undefined {
    const bare = this.byKey.get(taskId);
    if (bare !== undefined && isTask(bare, frameworkId, taskId)) return bare;
    return this.composites === 0 ? undefined : this.byKey.get(compositeKey(frameworkId, taskId));
  }

  /** Files `task` (replacing the framework's task with the same id, if any). */
  set(task: MasterTask): void {
    const bare = this.byKey.get(task.id);
    if (bare === undefined || isTask(bare, task.frameworkId, task.id)) {
      // Filed under a composite key while another framework's namesake held the bare id.
      if (bare === undefined && this.composites > 0 && this.byKey.delete(compositeKey(task.frameworkId, task.id))) this.composites--;
      this.byKey.set(task.id, task);
      return;
    }
    const key = compositeKey(task.frameworkId, task.id);
    if (!this.byKey.has(key)) this.composites++;
    this.byKey.set(key, task);
  }

  /** Removes the task; true if it was here. */
  delete(frameworkId: string, taskId: string): boolean {
    const bare = this.byKey.get(taskId);
    if (bare !== undefined && isTask(bare, frameworkId, taskId)) return this.byKey.delete(taskId);
    if (this.composites === 0 || !this.byKey.delete(compositeKey(frameworkId, taskId))) return false;
    this.composites--;
    return true;
  }

  /** Every task here, in insertion order. */
  values(): IterableIterator<MasterTask> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }
}
