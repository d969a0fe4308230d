/**
 * The isolator seam, as in Mesos's `mesos::slave::Isolator`: one object per
 * isolation concern (`cgroups/cpu`, `cgroups/mem`, `posix/cpu`, `posix/mem`),
 * driven by the Mesos containerizer through a container's life:
 *
 *   prepare ──► (the launcher creates the cgroups, writes the limits, and its
 *                task joins the cgroups before exec)
 *           ──► isolate(pid) ──► limitation()* / usage()* ──► cleanup()
 *                                     (the launcher, when the task ends with no
 *                                      OOM kill: empties and removes the cgroups,
 *                                      and neither limitation nor cleanup is called)
 *
 * Contracts (mirroring Mesos):
 * - Isolators keep no in-memory state that recovery would need: every path is
 *   derived from the container id, so an agent restarted after a crash can call
 *   `limitation`, `usage`, `pids` and `cleanup` for containers it did not prepare.
 * - `cleanup` is idempotent and may be called for an unknown container.
 * - `limitation` and `usage` may be called for an unknown container; they then
 *   return `undefined` / `{}`.
 */
import type { ContainerTermination } from '../containerizer/containerizer.js';
import type { CgroupFileWrite } from './cgroup-limits.js';

/** Why an isolator ended a container: the `limitation` of a `ContainerTermination`. */
export type ContainerLimitation = NonNullable<ContainerTermination['limitation']>;

/** What an isolator needs to know about a container. cpus in cores, memMB in MB. */
export interface IsolatedContainer {
  containerId: string;
  cpus: number;
  memMB: number;
}

/** Resource usage an isolator can measure; fields it cannot measure stay undefined. */
export interface IsolatorUsage {
  /** Resident memory in bytes (Mesos `mem_rss_bytes`). */
  memRssBytes?: number;
  /** User + system CPU time in seconds (Mesos `cpus_user_time_secs + cpus_system_time_secs`). */
  cpuTimeSecs?: number;
}

/**
 * What an isolator asks the launcher to set up before the task starts, as a
 * Mesos isolator's `prepare` returns a `ContainerLaunchInfo` that the launch
 * helper carries out. Doing it in the launcher process keeps cgroupfs's
 * mkdir and limit writes (a fifth of the agent's thread per short task)
 * off the agent's event loop.
 */
export interface IsolationLaunchInfo {
  /** cgroup directories the launcher creates (parents included) if missing; the task joins each before exec. */
  cgroups: string[];
  /** Files the launcher writes once the cgroups exist, in order (limits): absolute path and content. */
  writes: CgroupFileWrite[];
  /**
   * A file of the container's memory cgroup with an `oom_kill N` line (v1
   * `memory.oom_control`, Linux ≥ 4.13; v2 `memory.events`). When the task has
   * ended and its cgroups are empty, the launcher removes them itself if it
   * reads 0 there; otherwise (an OOM kill, or a kernel without the counter)
   * it leaves them for `limitation` and `cleanup`. Only the memory isolator
   * sets it.
   */
  oomCheck?: string;
}

/** One isolation concern; see the module comment for the call order and contracts. */
export interface Isolator {
  /** Mesos isolator name, e.g. `cgroups/mem`. */
  readonly name: string;
  /**
   * Plans the container's isolation (cgroups, limits) for the launcher to set
   * up; the launch fails with the launcher's reason if it cannot. Throws if
   * the isolation cannot even be planned.
   */
  prepare(container: IsolatedContainer): Promise<IsolationLaunchInfo>;
  /** Called once the task's pid is known (the task already joined its cgroups itself). */
  isolate(containerId: string, pid: number): Promise<void>;
  /** Checks, now, whether the container exceeded a limit this isolator enforces. */
  limitation(containerId: string): Promise<ContainerLimitation | undefined>;
  /**
   * Every live pid of the container when this isolator knows them exactly
   * (cgroups); `undefined` when it cannot tell (posix).
   */
  pids(containerId: string): Promise<number[] | undefined>;
  /** Usage of the container; `pids` are its processes as the containerizer found them. */
  usage(containerId: string, pids: number[]): Promise<IsolatorUsage>;
  /**
   * Optional: SIGKILLs every process of the container at once when the isolator can
   * (cgroup v2 `cgroup.kill`); resolves false when it cannot, and the containerizer
   * then signals pid by pid.
   */
  killAll?(containerId: string): Promise<boolean>;
  /**
   * Removes the isolation (cgroups). Idempotent; the container's processes are
   * gone by then. Not called for a container whose launcher removed its
   * cgroups itself (see `oomCheck`): removing cgroups is all any isolator's
   * cleanup does.
   */
  cleanup(containerId: string): Promise<void>;
}
