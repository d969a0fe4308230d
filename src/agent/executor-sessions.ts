/**
 * Custom executors (`TaskInfo.executor`, and LAUNCH_GROUP's executor): their
 * process runs in its own container and talks back over the v1 executor API.
 * Mirrors the executor half of Mesos's `Slave`:
 *
 *   run      → container launched with the executor's command; tasks queued (STAGING)
 *   SUBSCRIBE→ SUBSCRIBED, then the queue goes out as LAUNCH / LAUNCH_GROUP
 *   UPDATE   → status update manager; ACKNOWLEDGED back once queued
 *   MESSAGE  → EXECUTOR_MESSAGE to the master; FRAMEWORK_MESSAGE → MESSAGE event
 *   no SUBSCRIBE within --executor_registration_timeout → queued tasks FAILED
 *     (REASON_EXECUTOR_REGISTRATION_TIMEOUT), container destroyed
 *   shutdown → SHUTDOWN event, container destroyed after the shutdown grace period
 *   process exit → EXECUTOR_EXITED to the master; live tasks FAILED (REASON_EXECUTOR_TERMINATED)
 *
 * The default executor (`type: DEFAULT` without a command) is not built in yet:
 * such tasks fail with REASON_CONTAINER_LAUNCH_FAILED.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { addResources, scalarOf } from '../mesos/resources.js';
import type { AgentInfo, ExecutorInfo, FrameworkInfo, KillPolicy, TaskID, TaskInfo, TaskStatusReason } from '../mesos/types.js';
import { isTerminalState } from '../mesos/task-states.js';
import type { EventStream } from '../transport/event-stream.js';
import type { AgentContext } from './agent.js';
import type { ExecutorRecord, FrameworkRecord } from './agent-model.js';
import { containerCommand, runAsUser } from './command-tasks.js';
import type { ContainerConfig, ContainerTermination } from './containerizer/containerizer.js';
import type { ExecutorCall, ExecutorEvent, ExecutorLookup } from './executor-api.js';
import { formatDuration } from '../mesos/durations.js';
import { buildExecutorEnv } from './executor-env.js';
import { executorRunDir, runSandboxCreation } from './sandbox.js';

interface Session {
  framework: FrameworkRecord;
  executor: ExecutorRecord;
  stream?: EventStream;
  /** Tasks waiting for SUBSCRIBE, in arrival order; a group stays one entry. */
  pending: Array<{ group: boolean; tasks: TaskInfo[] }>;
  registrationTimer?: NodeJS.Timeout;
  shutdownTimer?: NodeJS.Timeout;
  /** Set once the container is started; destroy before that is deferred. */
  started: boolean;
  destroyRequested: boolean;
  /** Re-adopted after an agent restart, and whether its executor had subscribed before it. */
  recovered?: { subscribedBefore: boolean };
}

export interface ExecutorSessionHooks {
  agentInfo(): AgentInfo;
  /** The executor's process is gone and its tasks were failed. */
  onTerminated(executor: ExecutorRecord): void;
}

function partitionAware(info: FrameworkInfo): boolean {
  return (info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
}

/** The custom executors of one agent. */
export class ExecutorSessions {
  private readonly sessions = new Map<ExecutorRecord, Session>();
  private closing = false;

  constructor(
    private readonly context: AgentContext,
    private readonly hooks: ExecutorSessionHooks,
  ) {}

  /** What the executor API needs to accept or reject a call. */
  lookup(frameworkId: string, executorId: string): ExecutorLookup {
    const framework = this.context.model.frameworks.get(frameworkId);
    if (!framework) return { framework: false };
    const executor = framework.executors.get(executorId);
    if (!executor || executor.kind === 'command') return { framework: true };
    return { framework: true, executor: { subscribed: this.sessions.get(executor)?.stream !== undefined } };
  }

  /** Hands tasks to the executor, launching it first if it is not running. */
  run(framework: FrameworkRecord, info: ExecutorInfo, tasks: TaskInfo[], group: boolean): void {
    const executorId = info.executor_id.value;
    let executor = framework.executors.get(executorId);
    if (executor && (executor.state === 'TERMINATING' || executor.state === 'TERMINATED')) {
      for (const task of tasks) {
        this.context.sendStatus(framework, undefined, task.task_id, {
          state: partitionAware(framework.info) ? 'TASK_DROPPED' : 'TASK_LOST',
          source: 'SOURCE_AGENT',
          reason: 'REASON_EXECUTOR_TERMINATED',
          message: 'Executor terminating',
        });
      }
      return;
    }
    if (!executor) {
      if (!info.command) {
        for (const task of tasks) {
          this.context.sendStatus(framework, undefined, task.task_id, {
            state: 'TASK_FAILED',
            source: 'SOURCE_AGENT',
            reason: 'REASON_CONTAINER_LAUNCH_FAILED',
            message: `Executor '${executorId}' has no command (the default executor is not supported yet)`,
          });
        }
        return;
      }
      executor = this.create(framework, info);
    }
    for (const task of tasks) {
      executor.queuedTasks.set(task.task_id.value, task);
      executor.resources = addResources(executor.resources, task.resources ?? []);
      this.context.checkpointTask(framework, executor, task);
    }
    const session = this.sessions.get(executor)!;
    if (session.stream) this.deliver(session, group, tasks);
    else session.pending.push({ group, tasks });
  }

  /** A validated SUBSCRIBE: the executor is up. */
  subscribe(call: Extract<ExecutorCall, { type: 'SUBSCRIBE' }>, stream: EventStream): void {
    const executor = this.context.model.executor(call.framework_id.value, call.executor_id.value);
    const session = executor && this.sessions.get(executor);
    if (!executor || !session || executor.state === 'TERMINATING' || executor.state === 'TERMINATED') {
      stream.send({ type: 'SHUTDOWN' } satisfies ExecutorEvent);
      stream.close();
      return;
    }
    const { logger } = this.context;
    if (session.stream) session.stream.close();
    session.stream = stream;
    executor.state = 'RUNNING';
    if (session.registrationTimer) clearTimeout(session.registrationTimer);
    session.registrationTimer = undefined;
    logger.info(`Received Subscribe request for HTTP executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId}`);
    this.context.checkpointSubscribed(executor);
    this.send(session, {
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: executor.info,
        framework_info: session.framework.info,
        agent_info: this.hooks.agentInfo(),
        container_id: { value: executor.containerId },
      },
    });
    for (const update of call.subscribe.unacknowledged_updates ?? []) this.context.acceptExecutorStatus(executor, update.status);
    if (session.recovered?.subscribedBefore) this.dropTasksUnknownToExecutor(session, call.subscribe.unacknowledged_tasks ?? []);
    session.recovered = undefined;
    for (const entry of session.pending.splice(0)) this.deliver(session, entry.group, entry.tasks);
    stream.onClose(() => {
      if (session.stream !== stream) return;
      session.stream = undefined;
      if (this.closing || executor.state === 'TERMINATED') return;
      logger.warn(`Closed connection of executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId}`);
      // Without checkpointing the executor cannot be recovered, so Mesos shuts it down.
      if (!session.framework.info.checkpoint) this.shutdown(executor);
    });
  }

  /** A validated UPDATE, MESSAGE or HEARTBEAT from a subscribed executor. */
  call(call: Exclude<ExecutorCall, { type: 'SUBSCRIBE' }>): void {
    const executor = this.context.model.executor(call.framework_id.value, call.executor_id.value);
    const session = executor && this.sessions.get(executor);
    if (!executor) return;
    switch (call.type) {
      case 'UPDATE': {
        const status = call.update.status;
        if (this.context.acceptExecutorStatus(executor, status) && session) {
          this.send(session, { type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid! } });
        }
        return;
      }
      case 'MESSAGE':
        this.context.sendToMaster({
          type: 'EXECUTOR_MESSAGE',
          agent_id: { value: this.context.agentId() },
          executor_message: { framework_id: call.framework_id, executor_id: call.executor_id, data: call.message.data },
        });
        return;
      case 'HEARTBEAT':
        return;
    }
  }

  /** FRAMEWORK_MESSAGE from the master; false when the executor cannot take it. */
  message(frameworkId: string, executorId: string, data: string): boolean {
    const executor = this.context.model.executor(frameworkId, executorId);
    const session = executor && this.sessions.get(executor);
    if (!session?.stream) {
      this.context.logger.warn(`Dropping message for executor '${executorId}' of framework ${frameworkId}: not subscribed`);
      return false;
    }
    this.send(session, { type: 'MESSAGE', message: { data } });
    return true;
  }

  /** KILL_TASK for a task of a custom executor. */
  kill(framework: FrameworkRecord, executor: ExecutorRecord, taskId: TaskID, policy: KillPolicy | undefined): void {
    const session = this.sessions.get(executor);
    if (executor.queuedTasks.has(taskId.value)) {
      this.context.sendStatus(framework, executor, taskId, {
        state: 'TASK_KILLED',
        source: 'SOURCE_AGENT',
        reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
        message: 'Task killed before it was launched',
      });
      if (session) {
        for (const entry of session.pending) entry.tasks = entry.tasks.filter((t) => t.task_id.value !== taskId.value);
        session.pending = session.pending.filter((entry) => entry.tasks.length > 0);
        // An executor left with nothing to run is stopped, as Mesos does.
        if (!session.stream && executor.queuedTasks.size === 0 && this.liveTasks(executor) === 0) this.shutdown(executor);
      }
      return;
    }
    if (!session?.stream) {
      this.context.logger.warn(`Cannot kill task ${taskId.value}: executor '${executor.info.executor_id.value}' is not connected`);
      return;
    }
    const kill: Extract<ExecutorEvent, { type: 'KILL' }>['kill'] = { task_id: taskId };
    if (policy) kill.kill_policy = policy;
    this.send(session, { type: 'KILL', kill });
  }

  /** SHUTDOWN event, then the container is destroyed after the executor's shutdown grace period. */
  shutdown(executor: ExecutorRecord): void {
    const session = this.sessions.get(executor);
    if (!session || executor.state === 'TERMINATED') return;
    if (executor.state === 'TERMINATING' && session.shutdownTimer) return;
    executor.state = 'TERMINATING';
    if (session.stream) {
      this.send(session, { type: 'SHUTDOWN' });
      const grace = this.shutdownGraceMs(executor);
      session.shutdownTimer = setTimeout(() => this.destroy(session), grace);
    } else {
      this.destroy(session);
    }
  }

  /** Destroys every executor container (agent stop with kill). */
  async destroyAll(): Promise<void> {
    const { containerizer } = this.context.options;
    await Promise.all(
      [...this.sessions.values()]
        .filter((s) => s.started)
        .map((s) => containerizer.destroy(s.executor.containerId, 0).catch((e: Error) => this.context.logger.warn(e.message))),
    );
  }

  /** Closes every executor connection and timer without touching the processes (agent stop). */
  closeAll(): void {
    this.closing = true;
    for (const session of this.sessions.values()) {
      if (session.registrationTimer) clearTimeout(session.registrationTimer);
      if (session.shutdownTimer) clearTimeout(session.shutdownTimer);
      session.stream?.close();
    }
  }

  private create(framework: FrameworkRecord, info: ExecutorInfo): ExecutorRecord {
    const { model, options, logger } = this.context;
    const agentId = this.context.agentId();
    const frameworkId = framework.info.id.value;
    const executorId = info.executor_id.value;
    const containerId = randomUUID();
    const run = { agentId, frameworkId, executorId, containerId };
    const executor: ExecutorRecord = {
      info: { ...info, framework_id: framework.info.id },
      frameworkId,
      kind: info.type === 'DEFAULT' ? 'default' : 'custom',
      containerId,
      directory: path.resolve(executorRunDir(options.workDir, run)),
      state: 'REGISTERING',
      resources: info.resources ?? [],
      queuedTasks: new Map(),
      launchedTasks: new Map(),
      completedTasks: [],
    };
    model.addExecutor(framework, executor);
    this.context.checkpointExecutor(framework, executor);
    const session: Session = { framework, executor, pending: [], started: false, destroyRequested: false };
    this.sessions.set(executor, session);
    logger.info(`Launching executor '${executorId}' of framework ${frameworkId} with resources in ${executor.directory}`);
    void this.launch(session, run);
    return executor;
  }

  private async launch(session: Session, run: { agentId: string; frameworkId: string; executorId: string; containerId: string }): Promise<void> {
    const { options, logger } = this.context;
    const { executor, framework } = session;
    const command = executor.info.command ?? {};
    try {
      const directory = executor.directory;
      const config: ContainerConfig = {
        containerId: run.containerId,
        sandbox: directory,
        createSandbox: runSandboxCreation(options.workDir, run),
        command: containerCommand(command),
        env: buildExecutorEnv({
          frameworkId: run.frameworkId,
          executorId: run.executorId,
          agentId: run.agentId,
          agentPid: this.context.agentPid(),
          agentEndpoint: this.context.agentEndpoint(),
          directory,
          checkpoint: framework.info.checkpoint ?? false,
          shutdownGracePeriodMs: this.shutdownGraceMs(executor),
          flagVariables: options.executorEnvironmentVariables,
          recoveryTimeoutMs: options.recoveryTimeoutMs,
          command,
        }),
        stdoutPath: path.join(directory, 'stdout'),
        stderrPath: path.join(directory, 'stderr'),
        cpus: scalarOf(executor.resources, 'cpus'),
        memMB: scalarOf(executor.resources, 'mem'),
      };
      const user = runAsUser(command, framework.info);
      if (user !== undefined) config.user = user;
      const container = executor.info.container;
      if (container) Object.assign(config, { container, commandInfo: command, resources: executor.resources, agentId: run.agentId } satisfies Partial<ContainerConfig>);
      const started = await options.containerizer.launch(config);
      executor.pid = started.pid;
      session.started = true;
      this.context.checkpointPid(executor, started.pid);
    } catch (error) {
      logger.error(`Failed to launch executor '${run.executorId}' of framework ${run.frameworkId}: ${(error as Error).message}`);
      this.failTasks(session, 'REASON_CONTAINER_LAUNCH_FAILED', `Failed to launch container: ${(error as Error).message}`);
      this.finish(session, undefined, false);
      return;
    }
    await this.watch(session, options.executorRegistrationTimeoutMs ?? 60_000, 'register');
  }

  /**
   * Puts back a custom executor an earlier agent process launched (agent
   * recovery); `executor` is already in the model with its tasks restored.
   * With `pid` (its container was re-adopted) it waits for the executor to
   * subscribe again: within `--executor_reregistration_timeout` if it had
   * subscribed before, else within `--executor_registration_timeout`; an
   * executor that does not is destroyed and its tasks fail. Without `pid`
   * the executor is gone: its live tasks fail at once (REASON_EXECUTOR_TERMINATED).
   * Tasks that were still queued (`queuedTasks`) are handed over on SUBSCRIBE.
   */
  adopt(framework: FrameworkRecord, executor: ExecutorRecord, subscribedBefore: boolean, pid: number | undefined): void {
    const session: Session = { framework, executor, pending: [], started: true, destroyRequested: false, recovered: { subscribedBefore } };
    for (const task of executor.queuedTasks.values()) session.pending.push({ group: false, tasks: [task] });
    this.sessions.set(executor, session);
    if (pid === undefined) {
      this.context.logger.warn(
        `Executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId} was not recovered: its container is gone`,
      );
      this.failTasks(session, 'REASON_EXECUTOR_TERMINATED', 'Abnormal executor termination: the executor was not recovered');
      this.finish(session, undefined, false);
      return;
    }
    executor.pid = pid;
    executor.state = subscribedBefore ? 'RUNNING' : 'REGISTERING';
    const { options } = this.context;
    const timeoutMs = subscribedBefore ? (options.executorReregistrationTimeoutMs ?? 2_000) : (options.executorRegistrationTimeoutMs ?? 60_000);
    void this.watch(session, timeoutMs, subscribedBefore ? 'reregister' : 'register');
  }

  /** Arms the (re)registration timer, then waits for the container to end. */
  private async watch(session: Session, timeoutMs: number, kind: 'register' | 'reregister'): Promise<void> {
    const { options, logger } = this.context;
    const containerId = session.executor.containerId;
    let termination: ContainerTermination | undefined;
    const waited = options.containerizer.wait(containerId);
    if (session.destroyRequested) this.destroy(session);
    else if (!session.stream) {
      session.registrationTimer = setTimeout(() => this.registrationTimedOut(session, timeoutMs, kind), timeoutMs);
    }
    try {
      termination = await waited;
    } catch (error) {
      logger.warn(`Failed to wait for executor container ${containerId}: ${(error as Error).message}`);
    }
    this.finish(session, termination, true);
  }

  /**
   * A re-adopted executor subscribed again: tasks it was handed before the
   * restart but does not list as unacknowledged never reached it (Mesos:
   * "Task launched during agent restart"); they are reported lost.
   */
  private dropTasksUnknownToExecutor(session: Session, unacknowledged: readonly TaskInfo[]): void {
    const known = new Set(unacknowledged.map((t) => t.task_id.value));
    for (const task of [...session.executor.launchedTasks.values()]) {
      if (task.state !== 'TASK_STAGING' || known.has(task.info.task_id.value)) continue;
      this.context.sendStatus(session.framework, session.executor, task.info.task_id, {
        state: partitionAware(session.framework.info) ? 'TASK_DROPPED' : 'TASK_LOST',
        source: 'SOURCE_AGENT',
        reason: 'REASON_AGENT_RESTARTED',
        message: 'Task launched during agent restart',
      });
    }
  }

  private registrationTimedOut(session: Session, timeoutMs: number, kind: 'register' | 'reregister'): void {
    session.registrationTimer = undefined;
    const { executor } = session;
    if (session.stream || executor.state === 'TERMINATING' || executor.state === 'TERMINATED') return;
    const within = formatDuration(timeoutMs);
    this.context.logger.info(
      `Terminating executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId} because it did not ${kind} within ${within}`,
    );
    // Mesos has REASON_EXECUTOR_REREGISTRATION_TIMEOUT for the second case; our v1 types stop at the first.
    const reason = kind === 'register' ? 'REASON_EXECUTOR_REGISTRATION_TIMEOUT' : 'REASON_EXECUTOR_TERMINATED';
    this.failTasks(session, reason, `Executor did not ${kind} within ${within}`);
    executor.state = 'TERMINATING';
    this.destroy(session);
  }

  private destroy(session: Session): void {
    if (session.shutdownTimer) clearTimeout(session.shutdownTimer);
    session.shutdownTimer = undefined;
    if (!session.started) {
      session.destroyRequested = true;
      return;
    }
    const { containerizer } = this.context.options;
    void containerizer.destroy(session.executor.containerId, 0).catch((e: Error) => this.context.logger.warn(e.message));
  }

  /** The executor's process is gone: tell the master, fail what was still live, retire. */
  private finish(session: Session, termination: ContainerTermination | undefined, launched: boolean): void {
    const { executor } = session;
    if (session.registrationTimer) clearTimeout(session.registrationTimer);
    if (session.shutdownTimer) clearTimeout(session.shutdownTimer);
    session.stream?.close();
    session.stream = undefined;
    this.sessions.delete(executor);
    if (this.closing) return;
    if (launched) {
      this.context.logger.info(
        `Executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId} ${termination?.message ?? 'terminated'}`,
      );
      const status = termination?.status ?? (termination?.exitCode !== undefined ? termination.exitCode << 8 : 0);
      this.context.sendToMaster({
        type: 'EXECUTOR_EXITED',
        agent_id: { value: this.context.agentId() },
        executor_exited: { framework_id: { value: executor.frameworkId }, executor_id: executor.info.executor_id, status },
      });
      const reason: TaskStatusReason = termination?.limitation?.reason ?? 'REASON_EXECUTOR_TERMINATED';
      this.failTasks(session, reason, termination?.limitation?.message ?? 'Executor terminated');
    }
    this.hooks.onTerminated(executor);
  }

  /** TASK_FAILED for every queued and live launched task of the executor. */
  private failTasks(session: Session, reason: TaskStatusReason, message: string): void {
    const { executor, framework } = session;
    const ids = [
      ...executor.queuedTasks.values(),
      ...[...executor.launchedTasks.values()].filter((t) => !isTerminalState(t.state)).map((t) => t.info),
    ].map((t) => t.task_id);
    session.pending = [];
    for (const taskId of ids) {
      this.context.sendStatus(framework, executor, taskId, { state: 'TASK_FAILED', source: 'SOURCE_AGENT', reason, message });
    }
  }

  private deliver(session: Session, group: boolean, tasks: TaskInfo[]): void {
    const live = tasks.filter((t) => session.executor.queuedTasks.has(t.task_id.value));
    if (live.length === 0) return;
    for (const task of live) this.context.model.launchTask(session.executor, task);
    if (group) this.send(session, { type: 'LAUNCH_GROUP', launch_group: { task_group: { tasks: live } } });
    else for (const task of live) this.send(session, { type: 'LAUNCH', launch: { task } });
  }

  private liveTasks(executor: ExecutorRecord): number {
    let n = 0;
    for (const task of executor.launchedTasks.values()) if (!isTerminalState(task.state)) n++;
    return n;
  }

  private shutdownGraceMs(executor: ExecutorRecord): number {
    const grace = executor.info.shutdown_grace_period;
    return grace ? grace.nanoseconds / 1e6 : this.context.executorShutdownGraceMs();
  }

  private send(session: Session, event: ExecutorEvent): void {
    session.stream?.send(event);
  }
}
