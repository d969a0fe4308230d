/**
 * The containerizer seam, as in Mesos's `Containerizer`: the agent asks it to run a
 * command in a sandbox under isolation, to wait for it and to destroy it. The agent
 * never touches processes or cgroups itself.
 *
 * Contracts (mirroring Mesos):
 * - `launch` resolves once the process is started (pid known) and rejects with
 *   `ContainerLaunchError` if it could not be started; it never resolves twice.
 * - `wait` resolves exactly once per container with how it ended; calling it for an
 *   unknown container rejects with `UnknownContainerError`.
 * - `destroy` is idempotent: destroying an ended or unknown container is a no-op.
 * - Task processes do not depend on the agent process: if the agent dies they keep
 *   running, and `recover` re-adopts them from what `launch` checkpointed.
 */

import type { CommandInfo, ContainerInfo, NetworkInfo, Resource } from '../../mesos/types.js';

/** What to run. Resources are the task's own: cpus in cores, mem in MB. */
export interface ContainerConfig {
  /** ContainerID value (a UUID). */
  containerId: string;
  /** Host path of the sandbox; becomes the working directory. Must exist, unless `createSandbox` is set. */
  sandbox: string;
  /**
   * The sandbox does not exist yet: the containerizer creates it (with its
   * parents, mode 0755) before the process starts and points `latestLink`
   * (Mesos's `runs/latest`) at it, relative to its parent. The Mesos
   * containerizer has the task's launcher do so, off the agent's event loop.
   */
  createSandbox?: { latestLink: string };
  /** Either a shell command (`/bin/sh -c`) or an argv. */
  command: { shell: true; value: string } | { shell: false; value: string; arguments: string[] };
  /** Full environment of the process (the agent's own env is not inherited). */
  env: Record<string, string>;
  /** Files the process's stdout and stderr are appended to (usually `<sandbox>/stdout|stderr`). */
  stdoutPath: string;
  stderrPath: string;
  /** CPU share in cores (e.g. 0.1). */
  cpus: number;
  /** Memory limit in MB. */
  memMB: number;
  /** Unix user to run as; undefined = the agent's user. */
  user?: string;
  /**
   * The task's (or executor's) ContainerInfo (Mesos `ContainerConfig.container_info`):
   * its `type` picks the containerizer (DOCKER → Docker), the rest configures it.
   */
  container?: ContainerInfo;
  /**
   * The CommandInfo as the framework gave it (Mesos `ContainerConfig.command_info`),
   * for containerizers whose command rules differ from `command` (Docker: an unset
   * `value` keeps the image's CMD).
   */
  commandInfo?: CommandInfo;
  /** The resources with their ranges (Mesos `ContainerConfig.resources`); Docker port mappings must lie in `ports`. */
  resources?: Resource[];
  /** The agent's id, for names seen outside the agent (Docker: `mesos-<agent-id>.<container-id>`). */
  agentId?: string;
}

/** How a container ended. */
export interface ContainerTermination {
  /** Raw POSIX wait status (as Mesos's `FAILURE.status`), or undefined if unknown. */
  status?: number;
  /** Exit code when it exited normally. */
  exitCode?: number;
  /** Signal name (`SIGKILL`) when killed by a signal. */
  signal?: string;
  /** Set when an isolator limit ended it (e.g. memory over `memMB`). */
  limitation?: { reason: 'REASON_CONTAINER_LIMITATION_MEMORY'; message: string };
  /** Human-readable, e.g. "Command exited with status 1". */
  message: string;
}

/**
 * A container's resource usage (Mesos `ResourceStatistics`, the part a
 * containerizer measures). Fields it cannot measure stay undefined.
 */
export interface ContainerUsage {
  /** Resident memory in bytes (`mem_rss_bytes`). */
  memRssBytes?: number;
  /** User + system CPU time in seconds. */
  cpuTimeSecs?: number;
  /** User CPU time in seconds (`cpus_user_time_secs`); with `cpusSystemTimeSecs` sums to `cpuTimeSecs`. */
  cpusUserTimeSecs?: number;
  /** System CPU time in seconds (`cpus_system_time_secs`). */
  cpusSystemTimeSecs?: number;
  /** Live processes of the container (`processes`). */
  processes?: number;
}

export interface ContainerInfoRuntime {
  containerId: string;
  pid: number;
  /**
   * The container's own addresses when it has a network of its own (Docker BRIDGE/USER),
   * for `TaskStatus.container_status.network_infos`; undefined on the host's network.
   */
  networkInfos?: NetworkInfo[];
}

/** The containerizer interface the agent depends on. */
export interface Containerizer {
  /** Starts the container; resolves with its pid. */
  launch(config: ContainerConfig): Promise<ContainerInfoRuntime>;
  /** Resolves once with the container's termination. */
  wait(containerId: string): Promise<ContainerTermination>;
  /**
   * Stops the container: SIGTERM to its whole process tree, then SIGKILL after
   * `gracePeriodMs`. Resolves when every process of the container is gone.
   */
  destroy(containerId: string, gracePeriodMs: number): Promise<void>;
  /** Re-adopts containers launched by an earlier agent process from their checkpoints. */
  recover(containerIds: string[]): Promise<ContainerInfoRuntime[]>;
  /** Resource usage, for `/monitor/statistics`. */
  usage(containerId: string): Promise<ContainerUsage>;
  /**
   * Lets go of an ended container: its record and its checkpoints (as Mesos
   * erases a destroyed container and removes its runtime directory). The agent
   * calls it once the executor is retired, its terminal updates delivered.
   * Resolves true when it let go, false (and does nothing) for an unknown or
   * still running container.
   */
  forget(containerId: string): Promise<boolean>;
  /** Names of the isolators in use, e.g. `cgroups/cpu,cgroups/mem`. */
  readonly isolation: string;
}

export class ContainerLaunchError extends Error {
  readonly code = 'CONTAINER_LAUNCH_FAILED';
}
export class UnknownContainerError extends Error {
  readonly code = 'UNKNOWN_CONTAINER';
}
