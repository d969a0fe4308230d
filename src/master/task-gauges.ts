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
import { fromFixed, toFixed } from '../mesos/values.js';
import type { Resource, TaskState } from '../mesos/types.js';

/** The scalar resources a snapshot sums (Mesos's `master/<name>_used` and `_total`). */
export const SUMMED_SCALARS = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type SummedScalar = (typeof SUMMED_SCALARS)[number];

/**
 * Sums of the SUMMED_SCALARS of resource lists, in the fixed-point units of
 * resources.ts (adding and then taking away a list leaves no rounding drift).
 */
export class ScalarSums {
  // One field each, not a map by name: a keyed `+=` stored a new boxed number per task.
  private cpus = 0;
  private mem = 0;
  private disk = 0;
  private gpus = 0;

  /** Adds (`sign` 1) or takes away (`sign` -1) the scalars of `resources`; negative values count as 0. */
  add(resources: readonly Resource[], sign: 1 | -1 = 1): void {
    for (const r of resources) {
      if (r.type !== 'SCALAR') continue;
      const fixed = sign * Math.max(0, toFixed(r.scalar?.value ?? 0));
      switch (r.name) {
        case 'cpus':
          this.cpus += fixed;
          break;
        case 'mem':
          this.mem += fixed;
          break;
        case 'disk':
          this.disk += fixed;
          break;
        case 'gpus':
          this.gpus += fixed;
          break;
      }
    }
  }

  /** Adds (`sign` 1) or takes away (`sign` -1) sums in the order of SUMMED_SCALARS, fixed point. */
  addFixed(fixed: FixedScalars, sign: 1 | -1): void {
    this.cpus += sign * fixed[0];
    this.mem += sign * fixed[1];
    this.disk += sign * fixed[2];
    this.gpus += sign * fixed[3];
  }

  /** The sums in the order of SUMMED_SCALARS, fixed point. */
  fixed(): FixedScalars {
    return [this.cpus, this.mem, this.disk, this.gpus];
  }

  /** Adds another set of sums. */
  addSums(other: ScalarSums): void {
    this.cpus += other.cpus;
    this.mem += other.mem;
    this.disk += other.disk;
    this.gpus += other.gpus;
  }

  /** The sum of `name`, in its unit (cpus, MB, MB, gpus). */
  get(name: SummedScalar): number {
    return fromFixed(this[name]);
  }
}

/** cpus, mem, disk and gpus of one resource list, fixed point. */
export type FixedScalars = readonly [number, number, number, number];

/**
 * The fixed-point scalars of frozen resource lists, by the list: a master's
 * tasks share frozen lists (SharedResources), so each is summed once rather
 * than at each of its tasks' moves. A list not frozen is summed each time.
 */
const fixedByList = new WeakMap<readonly Resource[], FixedScalars>();

function fixedScalars(resources: readonly Resource[]): FixedScalars {
  let fixed = fixedByList.get(resources);
  if (fixed === undefined) {
    const sums = new ScalarSums();
    sums.add(resources);
    fixed = sums.fixed();
    if (Object.isFrozen(resources)) fixedByList.set(resources, fixed);
  }
  return fixed;
}

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
  /** What the live tasks use. */
  readonly used = new ScalarSums();

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
    if (wasLive !== isLive) this.used.addFixed(fixedScalars(resources), isLive ? 1 : -1);
  }

  /** Adds another agent's gauges to these. */
  addGauges(other: TaskGauges): void {
    this.staging += other.staging;
    this.starting += other.starting;
    this.running += other.running;
    this.killing += other.killing;
    this.unreachable += other.unreachable;
    this.otherLive += other.otherLive;
    this.used.addSums(other.used);
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
