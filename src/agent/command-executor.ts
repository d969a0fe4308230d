/**
 * The built-in command executor, driven inside the agent process (Mesos runs
 * `mesos-executor` as a separate process; Meseta does its job here and lets
 * the containerizer run only the task's command). Lifecycle, as Mesos's
 * `src/launcher/executor.cpp`:
 *
 *   launch():  TASK_STARTING → containerizer.launch → TASK_RUNNING
 *   exit:      status 0 → TASK_FINISHED; otherwise TASK_FAILED
 *              ("Command exited with status N" / "...terminated with signal ...");
 *              after a kill → TASK_KILLED; isolator limit → TASK_FAILED with
 *              REASON_CONTAINER_LIMITATION_MEMORY
 *   kill():    [TASK_KILLING if the framework can see it] → destroy(grace)
 *
 * A kill that arrives before the container exists ends the task with
 * TASK_KILLED / REASON_TASK_KILLED_DURING_LAUNCH and nothing is started.
 * With a `health_check`, checks start at TASK_RUNNING (one timer, see
 * `health-check/`): each reported result is a TASK_RUNNING with `healthy` and
 * REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; after `consecutive_failures` the
 * task is killed (its kill policy) and ends TASK_KILLED with healthy=false.
 * Without one, the driver holds a handful of fields and no timers.
 */
import type { ContainerConfig, ContainerTermination, Containerizer } from './containerizer/containerizer.js';
import type { HealthCheck, TaskState, TaskStatus, TaskStatusReason, TaskStatusSource } from '../mesos/types.js';
import { HealthChecker } from './health-check/health-checker.js';
import { probeFor } from './health-check/health-probes.js';
import type { HealthVerdict } from './health-check/health-state.js';

/** Extra resources the command executor adds to each task (Mesos `DEFAULT_EXECUTOR_CPUS/MEM`). */
export const COMMAND_EXECUTOR_CPUS = 0.1;
export const COMMAND_EXECUTOR_MEM_MB = 32;
/** Kill grace when neither the KILL nor the task carries a kill policy (Mesos: 3 s). */
export const DEFAULT_KILL_GRACE_MS = 3_000;

/** A status the driver wants sent; the agent adds ids, uuid and timestamp. */
export interface DriverStatus {
  state: TaskState;
  source: TaskStatusSource;
  message?: string;
  reason?: TaskStatusReason;
  containerStatus?: TaskStatus['container_status'];
  /** TaskStatus.healthy (tasks with a health check only). */
  healthy?: boolean;
}

export interface CommandTaskDriverOptions {
  containerizer: Containerizer;
  /** ContainerID value of the task's container. */
  containerId: string;
  /** Creates the sandbox and returns what to run; a rejection fails the task (REASON_CONTAINER_LAUNCH_FAILED). */
  prepare(): Promise<ContainerConfig>;
  /** Whether the framework has the TASK_KILLING_STATE capability. */
  killingState: boolean;
  /** Sends a status update for the task. */
  emit(status: DriverStatus): void;
  /** Called once after the terminal update was emitted and no process remains. */
  onTerminated(termination: ContainerTermination | undefined): void;
  /** Logs a failure the updates do not already carry. */
  warn(message: string): void;
  /** TaskInfo.health_check, run from TASK_RUNNING on. */
  healthCheck?: HealthCheck;
  /** Kill grace (ms) when health checks kill the task: the task's kill policy, else 3 s. */
  healthKillGraceMs?: number;
  /** Milliseconds since the epoch (health check schedule); default Date.now. */
  now?: () => number;
}

type Phase = 'idle' | 'preparing' | 'launching' | 'running' | 'done';

/** Drives one command task through its container. */
export class CommandTaskDriver {
  private phase: Phase = 'idle';
  private killRequested = false;
  private killedDuringLaunch = false;
  private killGraceMs = DEFAULT_KILL_GRACE_MS;
  private pid: number | undefined;
  /** The container's own addresses (Docker BRIDGE/USER), reported in `container_status`. */
  private networkInfos: NonNullable<TaskStatus['container_status']>['network_infos'];
  private health: HealthChecker | undefined;
  /** Last `healthy` reported, carried on later updates as Mesos does. */
  private healthy: boolean | undefined;
  private killedUnhealthy = false;

  constructor(private readonly options: CommandTaskDriverOptions) {}

  /** The task process's pid once started. */
  get executorPid(): number | undefined {
    return this.pid;
  }

  /** Starts the task. Resolves when it is running or has ended; never rejects. */
  async launch(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'preparing';
    const { containerizer } = this.options;
    let config: ContainerConfig;
    try {
      config = await this.options.prepare();
    } catch (error) {
      this.failLaunch(`Failed to prepare sandbox: ${(error as Error).message}`);
      return;
    }
    if (this.killRequested) {
      this.finishKilledDuringLaunch();
      return;
    }
    this.phase = 'launching';
    this.options.emit({ state: 'TASK_STARTING', source: 'SOURCE_EXECUTOR', containerStatus: this.containerStatus() });
    try {
      const started = await containerizer.launch(config);
      this.pid = started.pid;
      this.networkInfos = started.networkInfos;
    } catch (error) {
      this.failLaunch(`Failed to launch container: ${(error as Error).message}`);
      return;
    }
    this.phase = 'running';
    const waited = containerizer.wait(config.containerId);
    if (this.killRequested) {
      // The KILL came while the process was being started: it never ran as far as the scheduler knows.
      void containerizer.destroy(config.containerId, 0).catch((e: Error) => this.options.warn(e.message));
    } else {
      this.options.emit({ state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', containerStatus: this.containerStatus() });
      this.startHealthCheck(config);
    }
    let termination: ContainerTermination | undefined;
    try {
      termination = await waited;
    } catch (error) {
      this.options.warn(`Failed to wait for container ${config.containerId}: ${(error as Error).message}`);
    }
    this.finish(termination);
  }

  /**
   * Takes over a task whose container an earlier agent process launched and
   * the containerizer re-adopted (agent recovery): the task is running, or
   * ended while no agent watched it, in which case its real end is reported
   * now. A container the containerizer could not recover ends the task as
   * TASK_FAILED (REASON_EXECUTOR_TERMINATED). Resolves when the task has
   * ended; never rejects.
   */
  async adopt(pid: number | undefined): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.pid = pid;
    let termination: ContainerTermination | undefined;
    try {
      termination = await this.options.containerizer.wait(this.options.containerId);
    } catch (error) {
      this.options.warn(`Cannot recover container ${this.options.containerId}: ${(error as Error).message}`);
    }
    this.finish(termination);
  }

  private startHealthCheck(config: ContainerConfig): void {
    const check = this.options.healthCheck;
    if (!check || this.phase !== 'running') return;
    if (check.type === 'COMMAND' && config.container?.type === 'DOCKER') {
      // Mesos runs these with `docker exec`; the engine client has no exec yet.
      this.options.warn(`COMMAND health checks of Docker tasks are not supported; not checking container ${config.containerId}`);
      return;
    }
    const bridgeIp = this.networkInfos?.flatMap((n) => n.ip_addresses ?? []).find((a) => a.ip_address)?.ip_address;
    const probe = probeFor(check, { host: bridgeIp ?? '127.0.0.1', cwd: config.sandbox, env: config.env });
    if (probe instanceof Error) {
      this.options.warn(`Not health checking container ${config.containerId}: ${probe.message}`);
      return;
    }
    const now = this.options.now ?? Date.now;
    this.health = new HealthChecker({ check, probe, now, onVerdict: (verdict) => this.healthVerdict(verdict) });
    this.health.start();
  }

  private healthVerdict(verdict: HealthVerdict): void {
    if (this.phase !== 'running' || this.killRequested) return;
    this.healthy = verdict.healthy;
    this.options.emit({
      state: 'TASK_RUNNING',
      source: 'SOURCE_EXECUTOR',
      reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
      healthy: verdict.healthy,
      containerStatus: this.containerStatus(),
    });
    if (verdict.kill) {
      this.options.warn(`Killing task in container ${this.options.containerId}: ${verdict.consecutiveFailures} consecutive health check failures`);
      this.killedUnhealthy = true;
      this.kill(this.options.healthKillGraceMs ?? DEFAULT_KILL_GRACE_MS);
    }
  }

  private failLaunch(message: string): void {
    this.phase = 'done';
    this.options.warn(`${message} (container ${this.options.containerId})`);
    this.options.emit({
      state: 'TASK_FAILED',
      source: 'SOURCE_AGENT',
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
      message,
      containerStatus: this.containerStatus(),
    });
    this.options.onTerminated(undefined);
  }

  /**
   * Kills the task with `graceMs` between SIGTERM and SIGKILL. Idempotent; a
   * second kill while one is under way only logs (Mesos ignores it too).
   */
  kill(graceMs: number): void {
    if (this.phase === 'done' || this.killRequested) return;
    this.killRequested = true;
    this.health?.stop();
    this.killGraceMs = graceMs;
    if (this.phase === 'idle') {
      this.finishKilledDuringLaunch();
      return;
    }
    // While preparing, launch() sees the flag and never starts the process.
    if (this.phase === 'preparing') return;
    if (this.phase === 'launching') {
      // Destroyed as soon as launch() learns the container exists.
      this.killedDuringLaunch = true;
      return;
    }
    if (this.options.killingState) {
      const killing: DriverStatus = { state: 'TASK_KILLING', source: 'SOURCE_EXECUTOR', containerStatus: this.containerStatus() };
      if (this.healthy !== undefined) killing.healthy = this.healthy;
      this.options.emit(killing);
    }
    const { containerizer, containerId } = this.options;
    void containerizer.destroy(containerId, this.killGraceMs).catch((e: Error) => this.options.warn(e.message));
  }

  private finishKilledDuringLaunch(): void {
    this.phase = 'done';
    this.options.emit({
      state: 'TASK_KILLED',
      source: 'SOURCE_AGENT',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
      message: 'Task killed before it was launched',
    });
    this.options.onTerminated(undefined);
  }

  private finish(termination: ContainerTermination | undefined): void {
    this.phase = 'done';
    this.health?.stop();
    const status = terminalStatus(termination, this.killRequested);
    if (this.killedDuringLaunch) status.reason = 'REASON_TASK_KILLED_DURING_LAUNCH';
    if (this.killedUnhealthy) status.healthy = false;
    else if (this.healthy !== undefined) status.healthy = this.healthy;
    this.options.emit({ ...status, containerStatus: this.containerStatus() });
    this.options.onTerminated(termination);
  }

  private containerStatus(): TaskStatus['container_status'] {
    const status: NonNullable<TaskStatus['container_status']> = { container_id: { value: this.options.containerId } };
    if (this.pid !== undefined) status.executor_pid = this.pid;
    if (this.networkInfos?.length) status.network_infos = this.networkInfos;
    return status;
  }
}

/**
 * The terminal update for a container's end (pure): killed → TASK_KILLED;
 * isolator limitation → TASK_FAILED with its reason; exit 0 → TASK_FINISHED;
 * anything else → TASK_FAILED. The message is the containerizer's
 * (`Command exited with status N`).
 */
export function terminalStatus(termination: ContainerTermination | undefined, killed: boolean): DriverStatus {
  const message = termination?.message ?? 'Abnormal executor termination: unknown container';
  if (termination?.limitation) {
    return { state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', reason: termination.limitation.reason, message: termination.limitation.message };
  }
  if (killed) {
    const status: DriverStatus = { state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR', message };
    if (!termination) status.reason = 'REASON_TASK_KILLED_DURING_LAUNCH';
    return status;
  }
  if (termination?.exitCode === 0) return { state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', message };
  const status: DriverStatus = { state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message };
  if (!termination) status.reason = 'REASON_EXECUTOR_TERMINATED';
  return status;
}
