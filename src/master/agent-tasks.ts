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
import { TaskGauges } from './task-gauges.js';

/** Key of a task whose bare id another framework's task already holds (NUL: not in any id). */
function compositeKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

/** True if `task` is `taskId` of `frameworkId` (an entry found under a bare id may be a composite one's namesake). */
function isTask(task: MasterTask, frameworkId: string, taskId: string): boolean {
  return task.frameworkId === frameworkId && task.id === taskId;
}

/**
 * The tasks on one agent, and their live counts by state and used resources
 * (`gauges`), kept as tasks are filed, change state and are taken away.
 */
export class AgentTasks {
  /** Counts of the tasks filed here, kept current by each task (MasterTask.fileIn). */
  readonly gauges = new TaskGauges();
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
      if (bare === undefined) this.removeComposite(task.frameworkId, task.id);
      this.file(task.id, task, bare);
      return;
    }
    const key = compositeKey(task.frameworkId, task.id);
    const filed = this.byKey.get(key);
    if (filed === undefined) this.composites++;
    this.file(key, task, filed);
  }

  /** Removes the task; true if it was here. */
  delete(frameworkId: string, taskId: string): boolean {
    const bare = this.byKey.get(taskId);
    if (bare !== undefined && isTask(bare, frameworkId, taskId)) {
      this.remove(taskId, bare);
      return true;
    }
    return this.removeComposite(frameworkId, taskId);
  }

  /** Removes the task filed under its composite key, if any; true if there was one. */
  private removeComposite(frameworkId: string, taskId: string): boolean {
    if (this.composites === 0) return false;
    const key = compositeKey(frameworkId, taskId);
    const filed = this.byKey.get(key);
    if (filed === undefined) return false;
    this.remove(key, filed);
    this.composites--;
    return true;
  }

  /** Files `task` under `key`, where `filed` (if any) was; the gauges count it instead. */
  private file(key: string, task: MasterTask, filed: MasterTask | undefined): void {
    if (filed !== undefined && filed !== task) filed.leave(this.gauges);
    this.byKey.set(key, task);
    task.fileIn(this.gauges);
  }

  /** Takes `filed` away from under `key`; the gauges stop counting it. */
  private remove(key: string, filed: MasterTask): void {
    this.byKey.delete(key);
    filed.leave(this.gauges);
  }

  /** Every task here, in insertion order. */
  values(): IterableIterator<MasterTask> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }
}
