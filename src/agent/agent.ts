/**
 * The agent daemon (Mesos `Slave`): serves its HTTP endpoints, registers with
 * the master over the agent channel, runs tasks through the containerizer and
 * delivers their status updates reliably.
 *
 *   master ──RUN_TASK──► Agent ──► CommandTaskDriver ──► Containerizer   (command tasks)
 *                          │  └──► custom executor process ◄─ /api/v1/executor ─┘
 *                          └──► StatusUpdateManager ──STATUS_UPDATE──► master
 *
 * The agent owns the `AgentModel` (frameworks, executors, tasks) and changes
 * it only in response to master events, executor calls and container exits.
 * Custom executors live in `executor-sessions.ts`; this file wires things up.
 */
import { systemMetrics } from '../mesos/system-metrics.js';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AgentCall, AgentEvent, AgentTask } from '../mesos/agent-protocol.js';
import { packAgentTasks } from '../mesos/agent-task-sets.js';
import { agentTask } from '../mesos/agent-task.js';
import { type Clock, systemClock } from '../mesos/clock.js';
import { addResources, formatResources, scalarOf } from '../mesos/resources.js';
import type { AgentInfo, FrameworkID, FrameworkInfo, TaskID, TaskInfo, TaskStatus } from '../mesos/types.js';
import { isTerminalState } from '../mesos/task-states.js';
import { MESOS_COMPAT_VERSION } from '../version.js';
import { type AgentLogger, type AgentOptions, silentLogger } from './agent-options.js';
import { AgentModel, type ExecutorRecord, type FrameworkRecord } from './agent-model.js';
import { buildAgentHttp } from './agent-http.js';
import { FilesService } from '../files/files-service.js';
import { containersJson, getContainersJson, monitorStatisticsJson, sampleExecutors } from './monitor.js';
import type { OperatorHost } from './operator-api.js';
import { sandboxAttachments } from './sandbox-attachments.js';
import { Verbosity } from './verbosity.js';
import { DEFAULT_KILL_GRACE_MS, type DriverStatus } from './command-executor.js';
import { CommandTasks } from './command-tasks.js';
import { ExecutorSessions } from './executor-sessions.js';
import { type Registration, MasterLink, normalizeMasterUrl } from './master-link.js';
import { executorRunDir, linkLatestAgent } from './sandbox.js';
import type { CheckpointRun } from './checkpoint-paths.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { recoverCheckpoints } from './recovery.js';
import { IncompatibleAgentInfoError, checkAgentInfoCompatible } from './checkpoint-compatibility.js';
import type { RecoveryPlan } from './recovery-plan.js';
import type { ContainerInfoRuntime } from './containerizer/containerizer.js';
import { allocatedResources, renderAgentState } from './state-json.js';
import { StatusUpdateManager } from './status-update-manager.js';
import { newTaskStatusUuid } from '../mesos/status-uuid.js';
import type { StatusUpdate } from './status-update-streams.js';

/** Agent-originated status (SOURCE_AGENT) or executor-originated, before ids/uuid are added. */
export type StatusSpec = DriverStatus;

/** Services the agent's parts share; built once by `Agent`. */
export interface AgentContext {
  readonly options: Required<Pick<AgentOptions, 'workDir' | 'containerizer'>> & AgentOptions;
  readonly logger: AgentLogger;
  readonly clock: Clock;
  readonly model: AgentModel;
  agentId(): string;
  agentPid(): string;
  agentEndpoint(): string;
  executorShutdownGraceMs(): number;
  /** Builds a full TaskStatus, records it in the model and hands it to the status update manager. */
  sendStatus(framework: FrameworkRecord, executor: ExecutorRecord | undefined, taskId: TaskID, spec: StatusSpec): void;
  /** Forwards a complete executor-made status (UPDATE call); returns whether it was accepted or a duplicate. */
  acceptExecutorStatus(executor: ExecutorRecord, status: TaskStatus): boolean;
  /** Best-effort call to the master. */
  sendToMaster(call: AgentCall): void;
  /** Checkpoints a new executor run (checkpointing frameworks only; a restarted agent destroys the others' containers as orphans). */
  checkpointExecutor(framework: FrameworkRecord, executor: ExecutorRecord): void;
  /** Checkpoints a task handed to an executor (checkpointing frameworks only). */
  checkpointTask(framework: FrameworkRecord, executor: ExecutorRecord, task: TaskInfo): void;
  /** Checkpoints that a custom executor subscribed (`http.marker`). */
  checkpointSubscribed(executor: ExecutorRecord): void;
  /** Checkpoints a custom executor's pid (`pids/forked.pid`). */
  checkpointPid(executor: ExecutorRecord, pid: number): void;
}

/** Milliseconds of a DurationInfo, or undefined. */
export function durationMs(duration: { nanoseconds: number } | undefined): number | undefined {
  return duration === undefined ? undefined : duration.nanoseconds / 1e6;
}

/** The task's kill grace: the KILL's policy, else the task's, else 3 s (Mesos command executor). */
export function killGraceMs(task: TaskInfo | undefined, override: { grace_period?: { nanoseconds: number } } | undefined): number {
  return durationMs(override?.grace_period) ?? durationMs(task?.kill_policy?.grace_period) ?? DEFAULT_KILL_GRACE_MS;
}

function partitionAware(info: FrameworkInfo): boolean {
  return (info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
}

/** A Mesos-compatible agent. */
export class Agent {
  private readonly logger: AgentLogger;
  private readonly clock: Clock;
  private readonly model: AgentModel;
  private readonly statusUpdates: StatusUpdateManager;
  private readonly link: MasterLink;
  private readonly commandTasks: CommandTasks;
  private readonly sessions: ExecutorSessions;
  private readonly context: AgentContext;
  private readonly terminatingFrameworks = new Set<string>();
  private app: FastifyInstance | undefined;
  private boundPort = 0;
  private agentId: string | undefined;
  private masterPid: string | undefined;
  private startTime = 0;
  private readonly version: string;
  private readonly counters = {
    validStatusUpdates: 0,
    invalidStatusUpdates: 0,
    validFrameworkMessages: 0,
    invalidFrameworkMessages: 0,
    containerLaunchErrors: 0,
  };
  /** Sandboxes of known executors and the agent log, for `/files/*` and the operator API. */
  private readonly files: FilesService;
  private readonly verbosity = new Verbosity();
  private readonly checkpoints: CheckpointWriter;
  private recoveryErrors = 0;
  /** Set by `recover` when `--reconfiguration_policy` refuses the checkpointed agent info; thrown by `start` once bound. */
  private incompatibleInfo?: Error;

  constructor(private readonly options: AgentOptions) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.version = options.version ?? MESOS_COMPAT_VERSION;
    this.model = new AgentModel({
      maxCompletedTasksPerExecutor: options.maxCompletedTasksPerExecutor ?? 200,
      maxCompletedExecutorsPerFramework: options.maxCompletedExecutorsPerFramework ?? 150,
      maxCompletedFrameworks: 50,
    });
    this.statusUpdates = new StatusUpdateManager({
      clock: this.clock,
      policy: options.statusUpdateRetry,
      forward: (update) => this.forwardStatusUpdate(update),
    });
    this.link = new MasterLink({
      masterUrl: options.masterUrl,
      detector: options.masterDetector,
      transport: options.masterTransport,
      registrationBackoffFactorMs: options.registrationBackoffFactorMs ?? 1000,
      logger: this.logger,
      registerCall: () => this.registerCall(),
      onRegistered: (registration) => void this.onRegistered(registration),
      onEvent: (event) => this.onMasterEvent(event),
      onDisconnected: () => this.statusUpdates.disconnect(),
    });
    this.checkpoints = new CheckpointWriter({ workDir: options.workDir, logger: this.logger, removeTrees: options.removeTrees });
    this.context = {
      options: this.options,
      logger: this.logger,
      clock: this.clock,
      model: this.model,
      agentId: () => this.requireId(),
      agentPid: () => this.pid,
      agentEndpoint: () => `${this.options.ip}:${this.boundPort}`,
      executorShutdownGraceMs: () => this.options.executorShutdownGracePeriodMs ?? 5000,
      sendStatus: (framework, executor, taskId, spec) => this.sendStatus(framework, executor, taskId, spec),
      acceptExecutorStatus: (executor, status) => this.acceptExecutorStatus(executor, status),
      sendToMaster: (call) => void this.link.send(call),
      checkpointExecutor: (framework, executor) => this.checkpointExecutor(framework, executor),
      checkpointTask: (framework, executor, task) => {
        if (framework.info.checkpoint) this.checkpoints.task(this.runOf(executor), task);
      },
      checkpointSubscribed: (executor) => {
        if (this.checkpointing(executor)) this.checkpoints.httpMarker(this.runOf(executor));
      },
      checkpointPid: (executor, pid) => {
        if (this.checkpointing(executor)) this.checkpoints.forkedPid(this.runOf(executor), pid);
      },
    };
    this.files = new FilesService({
      attachments: () =>
        sandboxAttachments(this.model, { workDir: this.options.workDir, agentId: this.agentId, logFile: this.logger.logFile }),
      logger: this.logger,
    });
    this.commandTasks = new CommandTasks(this.context, (executor) => this.executorTerminated(executor));
    this.sessions = new ExecutorSessions(this.context, {
      agentInfo: () => this.agentInfo(),
      onTerminated: (executor) => this.executorTerminated(executor),
    });
  }

  /** AgentID once registered. */
  get id(): string | undefined {
    return this.agentId;
  }

  /** The bound HTTP port (the chosen one when `port` was 0). */
  get port(): number {
    return this.boundPort;
  }

  /** `slave(1)@ip:port`. */
  get pid(): string {
    return `slave(1)@${this.options.ip}:${this.boundPort}`;
  }

  /** Whether the master has (re)registered this agent on a live stream. */
  get registered(): boolean {
    return this.link.connected;
  }

  /**
   * Binds the HTTP server, then connects to the master in the background.
   * @throws Error `Failed to bind to <ip>:<port>: Address already in use` (and similar)
   */
  async start(): Promise<void> {
    this.startTime = this.clock.now() / 1000;
    this.checkpoints.removeLeftoverTrash();
    const plan = await this.recover();
    const app = buildAgentHttp({
      state: () => this.state(),
      flags: () => this.flags(),
      metrics: () => this.metrics(),
      version: () => this.versionJson(),
      lookupExecutor: (fw, ex) => this.sessions.lookup(fw, ex),
      subscribeExecutor: (call, stream) => this.sessions.subscribe(call, stream),
      executorCall: (call) => this.sessions.call(call),
      files: this.files,
      monitorStatistics: async () => monitorStatisticsJson(await this.sample()),
      containers: async () => containersJson(await this.sample()),
      operator: this.operatorHost(),
    });
    try {
      await app.listen({ host: this.options.ip, port: this.options.port });
    } catch (error) {
      await app.close().catch(() => undefined);
      throw new Error(`Failed to bind to ${this.options.ip}:${this.options.port}: ${bindReason(error)}`);
    }
    if (this.incompatibleInfo) {
      await app.close().catch(() => undefined);
      throw this.incompatibleInfo;
    }
    this.app = app;
    const address = app.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
    this.logger.info(`Agent started on 1)@${this.options.ip}:${this.boundPort}`);
    this.logger.info(`Agent resources: ${formatResources(this.options.resources)}`);
    if (this.options.attributes.length > 0) {
      this.logger.info(`Agent attributes: [ ${this.options.attributes.map((a) => a.name).join(', ')} ]`);
    }
    this.logger.info(`Agent hostname: ${this.options.hostname}`);
    if (plan) this.adoptRecovered(plan.plan, plan.runtimes);
    if (this.options.recover === 'cleanup') {
      await this.cleanup();
      return;
    }
    this.link.start();
  }

  /**
   * Stops serving and disconnects. With `killTasks` every container is destroyed
   * first (tasks end KILLED/FAILED, their updates are not delivered); without it
   * tasks keep running, as when a Mesos agent process exits.
   */
  async stop({ killTasks }: { killTasks: boolean }): Promise<void> {
    if (this.stopping) return this.stopped;
    this.stopping = true;
    if (killTasks) {
      await Promise.all([this.commandTasks.destroyAll(), this.sessions.destroyAll()]);
    }
    this.sessions.closeAll();
    this.link.stop();
    this.statusUpdates.stop();
    this.checkpoints.emptyTrash();
    this.checkpoints.closeFiles();
    await this.app?.close();
    this.app = undefined;
    this.markStopped();
  }

  private stopping = false;
  private markStopped: () => void = () => undefined;
  /** Resolves once the agent has stopped, whoever stopped it (a signal, or the master's SHUTDOWN). */
  readonly stopped: Promise<void> = new Promise((resolve) => (this.markStopped = resolve));

  // ---------------------------------------------------------------------------
  // Master channel

  private registerCall(): AgentCall {
    const agentInfo = this.agentInfo();
    if (this.agentId === undefined) {
      return { type: 'REGISTER', register: { agent_info: agentInfo, version: this.version, pid: this.pid } };
    }
    const frameworks: FrameworkInfo[] = [];
    const executors: NonNullable<Extract<AgentCall, { type: 'REREGISTER' }>['reregister']['executors']> = [];
    const tasks: AgentTask[] = [];
    for (const framework of this.model.frameworks.values()) {
      frameworks.push(framework.info);
      for (const executor of framework.executors.values()) {
        if (executor.kind !== 'command') executors.push({ ...executor.info, framework_id: framework.info.id });
        const executorId = executor.kind === 'command' ? undefined : executor.info.executor_id;
        for (const task of executor.launchedTasks.values()) {
          const pending = this.statusUpdates.pending(framework.info.id.value, task.info.task_id.value);
          tasks.push(agentTask(task.info, framework.info.id, executorId, task.state, pending.at(-1)?.status));
        }
        for (const task of executor.queuedTasks.values()) tasks.push(agentTask(task, framework.info.id, executorId, 'TASK_STAGING'));
      }
    }
    return {
      type: 'REREGISTER',
      reregister: {
        agent_info: { ...agentInfo, id: { value: this.agentId } },
        version: this.version,
        pid: this.pid,
        frameworks,
        executors,
        tasks: [],
        task_sets: packAgentTasks(tasks),
      },
    };
  }

  private agentInfo(): AgentInfo & { port: number } {
    const info = {
      hostname: this.options.hostname,
      port: this.boundPort,
      resources: this.options.resources,
      attributes: this.options.attributes,
    };
    return this.agentId === undefined ? info : { ...info, id: { value: this.agentId } };
  }

  private async onRegistered(registration: Registration): Promise<void> {
    this.masterPid = registration.masterPid;
    if (this.agentId === undefined) {
      this.agentId = registration.agentId;
      this.logger.info(`Registered with master ${registration.masterPid}; given agent ID ${registration.agentId}`);
    } else if (this.agentId !== registration.agentId) {
      this.logger.warn(`Master ${registration.masterPid} gave agent ID ${registration.agentId}; was ${this.agentId}`);
      this.agentId = registration.agentId;
    } else if (registration.reregistered) {
      this.logger.info(`Re-registered with master ${registration.masterPid}`);
    } else {
      this.logger.info(`Registered with master ${registration.masterPid}; given agent ID ${registration.agentId}`);
    }
    this.checkpoints.agent({ ...this.agentInfo(), id: { value: registration.agentId } });
    this.statusUpdates.connect();
    try {
      await linkLatestAgent(this.options.workDir, registration.agentId);
    } catch (error) {
      this.logger.error(`Failed to create the agent's work directory: ${(error as Error).message}`);
    }
  }

  private onMasterEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'RUN_TASK':
        this.runTask(event.run_task.framework, event.run_task.task);
        return;
      case 'RUN_TASK_GROUP': {
        const { framework, executor, task_group } = event.run_task_group;
        const record = this.model.upsertFramework(framework);
        this.terminatingFrameworks.delete(framework.id.value);
        this.logger.info(
          `Got assigned task group containing tasks [ ${task_group.tasks.map((t) => t.task_id.value).join(', ')} ] for framework ${framework.id.value}`,
        );
        this.sessions.run(record, executor, task_group.tasks, true);
        return;
      }
      case 'KILL_TASK':
        this.killTask(event.kill_task.framework_id, event.kill_task.task_id, event.kill_task.kill_policy);
        return;
      case 'ACKNOWLEDGE':
        this.acknowledge(event.acknowledge.framework_id.value, event.acknowledge.task_id.value, event.acknowledge.uuid);
        return;
      case 'FRAMEWORK_MESSAGE': {
        const { framework_id, executor_id, data } = event.framework_message;
        if (this.sessions.message(framework_id.value, executor_id.value, data)) this.counters.validFrameworkMessages++;
        else this.counters.invalidFrameworkMessages++;
        return;
      }
      case 'SHUTDOWN_EXECUTOR': {
        const { framework_id, executor_id } = event.shutdown_executor;
        const executor = this.model.executor(framework_id.value, executor_id.value);
        if (!executor) {
          this.logger.warn(`Cannot shut down unknown executor '${executor_id.value}' of framework ${framework_id.value}`);
          return;
        }
        this.shutdownExecutor(executor);
        return;
      }
      case 'SHUTDOWN_FRAMEWORK':
        this.shutdownFramework(event.shutdown_framework.framework_id.value);
        return;
      case 'UPDATE_FRAMEWORK': {
        const framework = this.model.frameworks.get(event.update_framework.framework.id.value);
        if (framework) {
          framework.info = event.update_framework.framework;
          if (framework.info.checkpoint) this.checkpoints.framework(this.requireId(), framework.info);
        }
        return;
      }
      case 'SHUTDOWN':
        this.logger.warn(`Agent asked to shut down by ${this.masterPid ?? 'master'}: ${event.shutdown.message}`);
        // As Mesos: the master will not take this agent id back, so the next start registers afresh.
        void this.stop({ killTasks: true }).then(() => this.checkpoints.removeAgentCheckpoints());
        return;
      case 'ERROR':
        this.logger.error(`Master ${this.masterPid ?? ''} reported an error: ${event.error.message}`);
        return;
      default:
        return;
    }
  }

  private runTask(frameworkInfo: FrameworkInfo & { id: FrameworkID }, task: TaskInfo): void {
    const framework = this.model.upsertFramework(frameworkInfo);
    this.terminatingFrameworks.delete(frameworkInfo.id.value);
    this.logger.info(`Got assigned task '${task.task_id.value}' for framework ${frameworkInfo.id.value}`);
    if (task.command && !task.executor) {
      if (framework.executors.has(task.task_id.value)) {
        this.sendStatus(framework, undefined, task.task_id, {
          state: 'TASK_ERROR',
          source: 'SOURCE_AGENT',
          reason: 'REASON_TASK_INVALID',
          message: `Task '${task.task_id.value}' already exists on this agent`,
        });
        return;
      }
      this.commandTasks.run(framework, task);
    } else if (task.executor && !task.command) {
      this.sessions.run(framework, task.executor, [task], false);
    } else {
      this.sendStatus(framework, undefined, task.task_id, {
        state: 'TASK_ERROR',
        source: 'SOURCE_AGENT',
        reason: 'REASON_TASK_INVALID',
        message: 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present',
      });
    }
  }

  /** Mesos `Slave::killTask` (1.x): unknown framework → ignored; unknown task → LOST/DROPPED. */
  private killTask(frameworkId: FrameworkID, taskId: TaskID, policy: { grace_period?: { nanoseconds: number } } | undefined): void {
    const framework = this.model.frameworks.get(frameworkId.value);
    if (!framework) {
      this.logger.warn(`Ignoring kill task ${taskId.value} of framework ${frameworkId.value} because no such framework is running`);
      return;
    }
    if (this.terminatingFrameworks.has(frameworkId.value)) {
      this.logger.warn(`Ignoring kill task ${taskId.value} of framework ${frameworkId.value} because the framework is terminating`);
      return;
    }
    const executor = this.model.executorOfTask(frameworkId.value, taskId.value);
    if (!executor) {
      this.logger.warn(
        `Cannot kill task ${taskId.value} of framework ${frameworkId.value} because no corresponding executor is running`,
      );
      this.sendStatus(framework, undefined, taskId, {
        state: partitionAware(framework.info) ? 'TASK_DROPPED' : 'TASK_LOST',
        source: 'SOURCE_AGENT',
        reason: 'REASON_EXECUTOR_TERMINATED',
        message: 'Cannot find executor',
      });
      return;
    }
    this.logger.info(`Asked to kill task ${taskId.value} of framework ${frameworkId.value}`);
    const task = executor.launchedTasks.get(taskId.value)?.info ?? executor.queuedTasks.get(taskId.value);
    const grace = killGraceMs(task, policy);
    if (executor.kind === 'command') this.commandTasks.kill(executor, grace);
    else this.sessions.kill(framework, executor, taskId, policy);
  }

  private acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    const executor = this.model.executorOfTask(frameworkId, taskId);
    // Recorded before the stream moves on (and sends the next update), only when it will be accepted.
    if (executor && this.checkpointing(executor) && this.statusUpdates.pending(frameworkId, taskId)[0]?.status.uuid === uuid) {
      this.checkpoints.ack(this.runOf(executor), taskId, uuid);
    }
    const result = this.statusUpdates.acknowledge(frameworkId, taskId, uuid);
    if (result.kind === 'unexpected') {
      this.logger.warn(
        `Unexpected status update acknowledgement (received ${uuid}, expecting ${result.expected ?? 'none'}) for task ${taskId} of framework ${frameworkId}`,
      );
      return;
    }
    if (result.kind === 'unknown-stream') {
      this.logger.warn(`Ignoring acknowledgement ${uuid} for unknown status update stream of task ${taskId} of framework ${frameworkId}`);
      return;
    }
    if (!result.terminal) return;
    if (executor && this.checkpointing(executor)) this.checkpoints.endTaskUpdates(this.runOf(executor), taskId);
    this.retire(executor, () => this.model.completeTask(frameworkId, taskId));
  }

  private retire(executor: ExecutorRecord | undefined, step: () => boolean): void {
    // Asked before the step, which may drop the framework's record. An unknown framework's
    // executor may have checkpoints (recovered ones); a known non-checkpointing one has none,
    // and a rename that fails with ENOENT costs an exception per task.
    const info = executor && this.model.frameworks.get(executor.frameworkId)?.info;
    const mayHaveCheckpoints = info === undefined || info.checkpoint === true;
    if (step() && executor) {
      this.commandTasks.forget(executor);
      this.forgetContainer(executor.containerId);
      if (mayHaveCheckpoints) this.checkpoints.removeExecutor(this.requireId(), executor.frameworkId, executor.info.executor_id.value);
    }
  }

  /**
   * A retired executor's container is let go of (its record and runtime
   * checkpoints) once it has ended; without this each finished task's stayed in
   * the containerizer for the agent's lifetime.
   */
  private forgetContainer(containerId: string): void {
    const { containerizer } = this.options;
    void containerizer
      .forget(containerId)
      .then(async (forgotten) => {
        if (forgotten) return;
        await containerizer.wait(containerId);
        await containerizer.forget(containerId);
      })
      // An unknown container (never launched, or its launch failed): nothing to let go of.
      .catch(() => undefined);
  }

  private shutdownExecutor(executor: ExecutorRecord): void {
    this.logger.info(`Shutting down executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId}`);
    if (executor.kind === 'command') this.commandTasks.kill(executor, Math.max(0, this.context.executorShutdownGraceMs() - 1000));
    else this.sessions.shutdown(executor);
  }

  private shutdownFramework(frameworkId: string): void {
    const framework = this.model.frameworks.get(frameworkId);
    this.logger.info(`Asked to shut down framework ${frameworkId}`);
    if (!framework) return;
    // A terminating framework sends no acknowledgements: its updates are dropped, as Mesos does.
    this.terminatingFrameworks.add(frameworkId);
    this.statusUpdates.removeFramework(frameworkId);
    for (const executor of [...framework.executors.values()]) this.shutdownExecutor(executor);
  }

  /** Called once an executor (command or custom) has no process left. */
  private executorTerminated(executor: ExecutorRecord): void {
    executor.state = 'TERMINATED';
    if (this.terminatingFrameworks.has(executor.frameworkId)) {
      for (const taskId of [...executor.launchedTasks.keys()]) this.model.completeTask(executor.frameworkId, taskId);
      executor.queuedTasks.clear();
    }
    this.retire(executor, () => this.model.retireExecutorIfDone(executor));
    if (!this.model.frameworks.has(executor.frameworkId)) this.terminatingFrameworks.delete(executor.frameworkId);
  }

  // ---------------------------------------------------------------------------
  // Status updates

  private sendStatus(framework: FrameworkRecord, executor: ExecutorRecord | undefined, taskId: TaskID, spec: StatusSpec): void {
    const status: TaskStatus = {
      task_id: taskId,
      state: spec.state,
      source: spec.source,
      agent_id: { value: this.requireId() },
      timestamp: this.clock.now() / 1000,
      uuid: newTaskStatusUuid(),
    };
    if (spec.message !== undefined) status.message = spec.message;
    if (spec.reason !== undefined) status.reason = spec.reason;
    if (spec.healthy !== undefined) status.healthy = spec.healthy;
    if (executor) status.executor_id = executor.info.executor_id;
    if (spec.containerStatus) status.container_status = spec.containerStatus;
    if (spec.reason === 'REASON_CONTAINER_LAUNCH_FAILED') this.counters.containerLaunchErrors++;
    if (executor) this.model.applyStatus(executor, status);
    else if (isTerminalState(status.state)) this.model.countTerminal(status.state);
    if (this.terminatingFrameworks.has(framework.info.id.value)) return;
    this.logger.info(
      `Handling status update ${status.state} (Status UUID: ${status.uuid}) for task ${taskId.value} of framework ${framework.info.id.value}`,
    );
    const update: StatusUpdate = { framework_id: framework.info.id, status };
    if (executor && this.checkpointing(executor)) this.checkpoints.update(this.runOf(executor), update);
    this.statusUpdates.update(update);
  }

  private acceptExecutorStatus(executor: ExecutorRecord, status: TaskStatus): boolean {
    const full: TaskStatus = {
      ...status,
      source: 'SOURCE_EXECUTOR',
      agent_id: { value: this.requireId() },
      executor_id: executor.info.executor_id,
      timestamp: status.timestamp ?? this.clock.now() / 1000,
    };
    if (this.terminatingFrameworks.has(executor.frameworkId)) return true;
    const framework_id = { value: executor.frameworkId };
    // Checkpointed before it is queued and acknowledged to the executor; replay skips what the stream refuses.
    if (this.checkpointing(executor)) this.checkpoints.update(this.runOf(executor), { framework_id, status: full });
    const result = this.statusUpdates.update({ framework_id, status: full });
    if (result.kind === 'queued') {
      this.counters.validStatusUpdates++;
      this.model.applyStatus(executor, full);
      return true;
    }
    if (result.kind === 'duplicate') return true;
    this.counters.invalidStatusUpdates++;
    this.logger.warn(
      `Ignoring status update ${status.state} for task ${status.task_id.value}: ${result.kind === 'invalid' ? result.message : 'a terminal update was already received'}`,
    );
    return false;
  }

  private forwardStatusUpdate(update: StatusUpdate): void {
    if (this.agentId === undefined) return;
    const latest = this.statusUpdates.pending(update.framework_id.value, update.status.task_id.value).at(-1)?.status.state;
    const status_update = latest !== undefined && latest !== update.status.state ? { ...update, latest_state: latest } : update;
    void this.link.send({ type: 'STATUS_UPDATE', agent_id: { value: this.agentId }, status_update });
  }

  // ---------------------------------------------------------------------------
  // Checkpoints and recovery

  private checkpointing(executor: ExecutorRecord): boolean {
    return this.model.frameworks.get(executor.frameworkId)?.info.checkpoint === true;
  }

  private runOf(executor: ExecutorRecord): CheckpointRun {
    return {
      agentId: this.requireId(),
      frameworkId: executor.frameworkId,
      executorId: executor.info.executor_id.value,
      containerId: executor.containerId,
    };
  }

  /**
   * Only for frameworks with `checkpoint: true`, as Mesos's `Executor::checkpointExecutor`:
   * the others' containers are orphans to a restarted agent, which its containerizer
   * destroys, and their tasks cost no checkpoint files on the launch path.
   */
  private checkpointExecutor(framework: FrameworkRecord, executor: ExecutorRecord): void {
    if (!framework.info.checkpoint) return;
    this.checkpoints.framework(this.requireId(), framework.info);
    this.checkpoints.executor(this.runOf(executor), { info: executor.info, kind: executor.kind });
  }

  /** Reads the checkpoints and re-adopts containers (recovery.ts); logs and rethrows a strict-mode failure. */
  private async recover(): Promise<{ plan: RecoveryPlan; runtimes: Map<string, ContainerInfoRuntime> } | undefined> {
    const outcome = await recoverCheckpoints({
      workDir: this.options.workDir,
      strict: this.options.strict ?? true,
      containerizer: this.options.containerizer,
      writer: this.checkpoints,
      logger: this.logger,
      reconfigurationPolicy: this.options.reconfigurationPolicy ?? 'equal',
      checkAgentInfo: (checkpointed) =>
        checkAgentInfoCompatible(
          checkpointed,
          {
            hostname: this.options.hostname,
            // Port 0 (tests: any free port) cannot be compared before binding.
            port: this.options.port === 0 ? checkpointed.port : this.options.port,
            resources: this.options.resources,
            attributes: this.options.attributes,
          },
          this.options.reconfigurationPolicy ?? 'equal',
        ),
    }).catch((error: Error) => {
      if (error instanceof IncompatibleAgentInfoError) {
        // Reported after binding, as Mesos (whose process listens before it recovers) would: a taken port is named first.
        this.incompatibleInfo = new Error(
          `Agent recovery failed: ${error.message}. Restart with the previous configuration` +
            `${error.policy === 'equal' ? ' (or --reconfiguration_policy=additive if resources or attributes were only added)' : ''}, ` +
            `or remove ${path.join(this.options.workDir, 'meta', 'slaves', 'latest')} to start as a new agent`,
          { cause: error },
        );
        return { plan: undefined, runtimes: new Map<string, ContainerInfoRuntime>(), rebooted: false, errors: 0 };
      }
      throw new Error(
        `Agent recovery failed: ${error.message}. To start anyway, restart with --strict=false (recovers what it can), ` +
          `or remove ${path.join(this.options.workDir, 'meta', 'slaves', 'latest')} to start as a new agent`,
        { cause: error },
      );
    });
    this.recoveryErrors = outcome.errors;
    return outcome.plan ? { plan: outcome.plan, runtimes: outcome.runtimes } : undefined;
  }

  /**
   * Rebuilds frameworks, executors, tasks and status update streams from the
   * plan, then hands each executor back to its driver or session. Streams are
   * restored first so a task that ended while the agent was down reports its
   * end after its older unacknowledged updates.
   */
  private adoptRecovered(plan: RecoveryPlan, runtimes: Map<string, ContainerInfoRuntime>): void {
    this.agentId = plan.agentId;
    const adopted: Array<() => void> = [];
    for (const planned of plan.frameworks) {
      const framework = this.model.upsertFramework(planned.info);
      const frameworkId = planned.info.id.value;
      for (const plannedExecutor of planned.executors) {
        const executorId = plannedExecutor.info.executor_id.value;
        const run = { agentId: plan.agentId, frameworkId, executorId, containerId: plannedExecutor.containerId };
        const executor: ExecutorRecord = {
          info: plannedExecutor.info,
          frameworkId,
          kind: plannedExecutor.kind,
          containerId: plannedExecutor.containerId,
          directory: path.resolve(executorRunDir(this.options.workDir, run)),
          state: 'RUNNING',
          resources: plannedExecutor.info.resources ?? [],
          queuedTasks: new Map(),
          launchedTasks: new Map(),
          completedTasks: [],
        };
        this.model.addExecutor(framework, executor);
        for (const task of plannedExecutor.tasks) {
          executor.resources = addResources(executor.resources, task.info.resources ?? []);
          if (plannedExecutor.kind !== 'command' && !plannedExecutor.subscribed && task.state === 'TASK_STAGING') {
            executor.queuedTasks.set(task.info.task_id.value, task.info);
            continue;
          }
          const record = this.model.launchTask(executor, task.info);
          record.state = task.state;
          record.statuses = task.statuses.slice(-8).map((status) => {
            const summary: (typeof record.statuses)[number] = { state: status.state, timestamp: status.timestamp ?? 0 };
            if (status.container_status) summary.container_status = status.container_status;
            if (status.message !== undefined) summary.message = status.message;
            return summary;
          });
          this.statusUpdates.restore(frameworkId, task.info.task_id.value, task);
        }
        const pid = runtimes.get(plannedExecutor.containerId)?.pid;
        adopted.push(() =>
          plannedExecutor.kind === 'command'
            ? this.commandTasks.adopt(framework, executor, pid)
            : this.sessions.adopt(framework, executor, plannedExecutor.subscribed, pid),
        );
      }
    }
    for (const adopt of adopted) adopt();
  }

  /**
   * `--recover=cleanup` (Mesos: for incompatible upgrades): every re-adopted
   * container is destroyed, the resulting terminal updates are checkpointed
   * (a later `reconnect` start delivers them), and the agent stops without
   * registering.
   */
  private async cleanup(): Promise<void> {
    this.logger.info('Cleaning up: killing every recovered executor (--recover=cleanup)');
    for (const framework of this.model.frameworks.values()) {
      for (const executor of framework.executors.values()) {
        if (executor.kind === 'command' && executor.state !== 'TERMINATED') this.commandTasks.kill(executor, 0);
      }
    }
    await this.sessions.destroyAll();
    // Drivers and sessions report the ends a moment after the containers are gone.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && this.liveExecutors() > 0) await new Promise((r) => setTimeout(r, 20));
    this.logger.info('Cleanup finished; the agent exits');
    await this.stop({ killTasks: false });
  }

  private liveExecutors(): number {
    let n = 0;
    for (const framework of this.model.frameworks.values()) {
      for (const executor of framework.executors.values()) if (executor.state !== 'TERMINATED') n++;
    }
    return n;
  }

  // ---------------------------------------------------------------------------
  // HTTP views

  /** Usage of every running executor's container, now. */
  private sample(): ReturnType<typeof sampleExecutors> {
    return sampleExecutors(this.model, this.options.containerizer, this.clock.now() / 1000);
  }

  private operatorHost(): OperatorHost {
    return {
      model: this.model,
      files: this.files,
      verbosity: this.verbosity,
      agentId: () => this.agentId,
      agentInfo: () => this.agentInfo(),
      flags: () => this.flags(),
      version: () => this.versionJson(),
      metrics: async () => this.metrics(),
      containers: async () => getContainersJson(await this.sample()),
      logger: this.logger,
    };
  }

  private state(): Record<string, unknown> {
    const build = this.options.build ?? {};
    return renderAgentState(
      {
        id: this.agentId,
        pid: this.pid,
        hostname: this.options.hostname,
        resources: this.options.resources,
        attributes: this.options.attributes,
        version: this.version,
        buildUser: build.user,
        buildDate: build.date,
        gitSha: build.gitSha,
        startTime: this.startTime,
        masterHostname: this.masterPid ? new URL(`http://${this.masterPid.slice('master@'.length)}`).hostname : undefined,
        flags: this.flags(),
        logDir: this.flags()['log_dir'] || undefined,
        externalLogFile: this.flags()['external_log_file'] || undefined,
      },
      this.model,
    );
  }

  private flags(): Record<string, string> {
    if (this.options.flags) return this.options.flags;
    return {
      master: this.options.masterUrl,
      ip: this.options.ip,
      port: String(this.options.port),
      hostname: this.options.hostname,
      work_dir: this.options.workDir,
      isolation: this.options.containerizer.isolation,
      resources: formatResources(this.options.resources),
    };
  }

  private metrics(): Record<string, number> {
    const gauges = this.model.taskGauges();
    const used = allocatedResources(this.model);
    const out: Record<string, number> = {
      'slave/uptime_secs': this.clock.now() / 1000 - this.startTime,
      'slave/registered': this.link.connected ? 1 : 0,
      'slave/tasks_staging': gauges.staging,
      'slave/tasks_starting': gauges.starting,
      'slave/tasks_running': gauges.running,
      'slave/tasks_killing': gauges.killing,
      'slave/tasks_finished': this.model.counters.finished,
      'slave/tasks_failed': this.model.counters.failed,
      'slave/tasks_killed': this.model.counters.killed,
      'slave/tasks_lost': this.model.counters.lost,
      'slave/tasks_gone': this.model.counters.gone,
      'slave/frameworks_active': this.model.frameworks.size,
      'slave/valid_status_updates': this.counters.validStatusUpdates,
      'slave/invalid_status_updates': this.counters.invalidStatusUpdates,
      'slave/valid_framework_messages': this.counters.validFrameworkMessages,
      'slave/invalid_framework_messages': this.counters.invalidFrameworkMessages,
      ...systemMetrics(),
    };
    for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
      const total = scalarOf(this.options.resources, name);
      const inUse = scalarOf(used, name);
      out[`slave/${name}_total`] = total;
      out[`slave/${name}_used`] = inUse;
      out[`slave/${name}_percent`] = total > 0 ? inUse / total : 0;
    }
    const executorStates = { REGISTERING: 0, RUNNING: 0, TERMINATING: 0, TERMINATED: 0 };
    for (const framework of this.model.frameworks.values()) {
      for (const executor of framework.executors.values()) executorStates[executor.state]++;
    }
    out['slave/executors_registering'] = executorStates.REGISTERING;
    out['slave/executors_running'] = executorStates.RUNNING;
    out['slave/executors_terminating'] = executorStates.TERMINATING;
    out['slave/executors_terminated'] = executorStates.TERMINATED;
    // Mesos keys we have nothing behind yet (no revocable resources, preemption,
    // recovery or sandbox GC): reported as zeros so dashboards find them.
    for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
      out[`slave/${name}_revocable_total`] = 0;
      out[`slave/${name}_revocable_used`] = 0;
      out[`slave/${name}_revocable_percent`] = 0;
    }
    out['slave/executors_preempted'] = 0;
    out['slave/tasks_error'] = this.model.counters.error;
    out['slave/tasks_dropped'] = this.model.counters.dropped;
    out['slave/container_launch_errors'] = this.counters.containerLaunchErrors;
    out['slave/recovery_errors'] = this.recoveryErrors;
    out['containerizer/mesos/container_destroy_errors'] = 0;
    out['gc/path_removals_pending'] = 0;
    out['gc/path_removals_succeeded'] = 0;
    out['gc/path_removals_failed'] = 0;
    return out;
  }

  private versionJson(): Record<string, unknown> {
    const build = this.options.build ?? {};
    const out: Record<string, unknown> = {
      version: this.version,
      build_user: build.user ?? '',
      build_date: build.date ?? '',
      build_time: build.time ?? 0,
    };
    if (build.gitSha) out['git_sha'] = build.gitSha;
    return out;
  }

  private requireId(): string {
    if (this.agentId === undefined) throw new Error('Agent is not registered yet (no agent ID)');
    return this.agentId;
  }
}

function bindReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return 'Address already in use';
    case 'EADDRNOTAVAIL':
      return 'Cannot assign requested address';
    case 'EACCES':
      return 'Permission denied';
    default:
      return (error as Error).message;
  }
}

/** Exposed for tests and the CLI: the canonical form of `--master`. */
export { normalizeMasterUrl };
