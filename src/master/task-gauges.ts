/**
 * Running counts of the live tasks on one agent, by state, and the scalar
 * resources they use: what `/metrics/snapshot` reports as
 * `master/tasks_{staging,starting,running,killing}` and `master/{cpus,mem,disk,gpus}_used`.
 *
 * Why kept as tasks change rather than counted at read time: a snapshot then
 * walks agents, not tasks. Walking 100,000 tasks took 25–65 ms of the master's
 * one thread per read, and dashboards and benches read it every second or faster
 * (in the failover bench a read could take 7 % of the new leader's window).
 */
import { isTerminalState } from '../mesos/task-states.js';
import type { Resource, TaskState } from '../mesos/types.js';
import { sharedQuantities } from './allocator/ledger-memo.js';
import { addQuantities, subtractQuantities, zeroQuantities, type Quantities } from './allocator/quantities.js';

/** Live task counts and used resources of one agent's tasks (see the file's comment). */
export class TaskGauges {
  staging = 0;
  starting = 0;
  running = 0;
  killing = 0;
  /** TASK_UNREACHABLE tasks still filed on their agent (the master moves them to their framework's). */
  unreachable = 0;
  /** Live tasks in any other non-terminal state (TASK_UNKNOWN). */
  otherLive = 0;
  /** What the live tasks use, `[cpus, mem, disk, gpus]` (quantities.ts). */
  readonly used: Quantities = zeroQuantities();

  /**
   * Counts a task with `resources` moving from state `from` to `to`; undefined
   * stands for "not counted here" (the task is filed or taken away). Terminal
   * states are not counted.
   */
  move(from: TaskState | undefined, to: TaskState | undefined, resources: readonly Resource[]): void {
    if (from === to) return;
    const wasLive = from !== undefined && !isTerminalState(from);
    const isLive = to !== undefined && !isTerminalState(to);
    if (wasLive) this.count(from, -1);
    if (isLive) this.count(to, 1);
    // A master's tasks share frozen resource lists, whose quantities are computed once per list.
    if (wasLive !== isLive) (isLive ? addQuantities : subtractQuantities)(this.used, sharedQuantities(resources));
  }

  /** Adds another agent's gauges to these. */
  addGauges(other: TaskGauges): void {
    this.staging += other.staging;
    this.starting += other.starting;
    this.running += other.running;
    this.killing += other.killing;
    this.unreachable += other.unreachable;
    this.otherLive += other.otherLive;
    addQuantities(this.used, other.used);
  }

  private count(state: TaskState, delta: 1 | -1): void {
    switch (state) {
      case 'TASK_STAGING':
        this.staging += delta;
        break;
      case 'TASK_STARTING':
        this.starting += delta;
        break;
      case 'TASK_RUNNING':
        this.running += delta;
        break;
      case 'TASK_KILLING':
        this.killing += delta;
        break;
      case 'TASK_UNREACHABLE':
        this.unreachable += delta;
        break;
      default:
        this.otherLive += delta;
    }
  }
}
