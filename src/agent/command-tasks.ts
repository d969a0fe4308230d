/**
 * Command tasks (`TaskInfo.command`, no executor): the agent synthesizes the
 * command executor's ExecutorInfo as Mesos does (`Slave::getExecutorInfo`:
 * executor id = task id, name `Command Executor (Task: <id>) (Command: sh -c
 * '<cmd>')`, source = task id, 0.1 cpus + 32 MB on top of the task) and runs
 * the task through a `CommandTaskDriver`. Drivers are dropped as soon as
 * their container ends, so an idle finished task costs only its model entry.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { addResources, scalarOf } from '../mesos/resources.js';
import { isTerminalState } from '../mesos/task-states.js';
import type { CommandInfo, ExecutorInfo, FrameworkInfo, Resource, TaskInfo } from '../mesos/types.js';
import type { AgentContext } from './agent.js';
import type { ExecutorRecord, FrameworkRecord } from './agent-model.js';
import { COMMAND_EXECUTOR_CPUS, COMMAND_EXECUTOR_MEM_MB, CommandTaskDriver, type CommandTaskDriverOptions } from './command-executor.js';
import type { ContainerConfig } from './containerizer/containerizer.js';
import { buildExecutorEnv } from './executor-env.js';
import { executorRunDir, runSandboxCreation } from './sandbox.js';

/** The role a task's resources are allocated to (`MESOS_ALLOCATION_ROLE`). */
export function allocationRole(resources: readonly Resource[] | undefined, framework: FrameworkInfo): string {
  const fromResources = resources?.find((r) => r.allocation_info?.role !== undefined)?.allocation_info?.role;
  return fromResources ?? framework.roles?.[0] ?? framework.role ?? '*';
}

/** Mesos's name for a command executor. */
export function commandExecutorName(task: TaskInfo): string {
  const command = task.command ?? {};
  const value = command.value ?? '';
  if (command.shell === false) {
    return `Command Executor (Task: ${task.task_id.value}) (Command: [${(command.arguments ?? [value]).join(', ')}])`;
  }
  const shown = value.length > 15 ? `${value.slice(0, 12)}...` : value;
  return `Command Executor (Task: ${task.task_id.value}) (Command: sh -c '${shown}')`;
}

/** `ContainerConfig.command` for a CommandInfo (shell by default, as Mesos). */
export function containerCommand(command: CommandInfo): ContainerConfig['command'] {
  const value = command.value ?? '';
  if (command.shell === false) return { shell: false, value, arguments: command.arguments ?? [value] };
  return { shell: true, value };
}

/**
 * The Unix user to run as: CommandInfo.user, else FrameworkInfo.user — only
 * when the agent is root (`--switch_user`); otherwise the agent's own user,
 * since switching would fail anyway.
 */
export function runAsUser(command: CommandInfo | undefined, framework: FrameworkInfo): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  return command?.user ?? (framework.user || undefined);
}

/** All command tasks of one agent. */
export class CommandTasks {
  private readonly drivers = new Map<ExecutorRecord, CommandTaskDriver>();

  constructor(
    private readonly context: AgentContext,
    private readonly onTerminated: (executor: ExecutorRecord) => void,
  ) {}

  /** Starts `task` under a new command executor. */
  run(framework: FrameworkRecord, task: TaskInfo): void {
    const { model, options } = this.context;
    const agentId = this.context.agentId();
    const frameworkId = framework.info.id.value;
    const executorId = task.task_id.value;
    const containerId = randomUUID();
    const role = allocationRole(task.resources, framework.info);
    const allowance: Resource[] = [
      { name: 'cpus', type: 'SCALAR', scalar: { value: COMMAND_EXECUTOR_CPUS }, allocation_info: { role } },
      { name: 'mem', type: 'SCALAR', scalar: { value: COMMAND_EXECUTOR_MEM_MB }, allocation_info: { role } },
    ];
    const info: ExecutorInfo = {
      executor_id: { value: executorId },
      framework_id: framework.info.id,
      name: commandExecutorName(task),
      source: executorId,
      resources: allowance,
    };
    if (task.labels) info.labels = task.labels;
    const run = { agentId, frameworkId, executorId, containerId };
    const executor: ExecutorRecord = {
      info,
      frameworkId,
      kind: 'command',
      containerId,
      directory: path.resolve(executorRunDir(options.workDir, run)),
      state: 'REGISTERING',
      resources: addResources(task.resources ?? [], allowance),
      queuedTasks: new Map(),
      launchedTasks: new Map(),
      completedTasks: [],
    };
    model.addExecutor(framework, executor);
    model.launchTask(executor, task);
    this.context.checkpointExecutor(framework, executor);
    this.context.checkpointTask(framework, executor, task);
    const command = task.command ?? {};
    const driver = this.driver(framework, executor, task, async () => {
      // The containerizer creates the sandbox as it starts the task (the Mesos one in the task's launcher).
      const directory = executor.directory;
      const env = buildExecutorEnv({
        frameworkId,
        executorId,
        agentId,
        agentPid: this.context.agentPid(),
        agentEndpoint: this.context.agentEndpoint(),
        directory,
        checkpoint: framework.info.checkpoint ?? false,
        shutdownGracePeriodMs: this.context.executorShutdownGraceMs(),
        allocationRole: role,
        flagVariables: options.executorEnvironmentVariables,
        recoveryTimeoutMs: options.recoveryTimeoutMs,
        command,
      });
      const config: ContainerConfig = {
        containerId,
        sandbox: directory,
        createSandbox: runSandboxCreation(options.workDir, run),
        command: containerCommand(command),
        env,
        stdoutPath: path.join(directory, 'stdout'),
        stderrPath: path.join(directory, 'stderr'),
        cpus: scalarOf(executor.resources, 'cpus'),
        memMB: scalarOf(executor.resources, 'mem'),
      };
      const user = runAsUser(command, framework.info);
      if (user !== undefined) config.user = user;
      // What a containerizer other than the Mesos one needs (Docker: image, ports, naming).
      if (task.container) Object.assign(config, { container: task.container, commandInfo: command, resources: executor.resources, agentId } satisfies Partial<ContainerConfig>);
      return config;
    });
    this.context.logger.info(
      `Launching container ${containerId} for executor '${executorId}' of framework ${frameworkId} in ${executor.directory}`,
    );
    void driver.launch();
  }

  /**
   * Puts back a command task an earlier agent process launched (agent
   * recovery). `executor` is already in the model with its task restored;
   * `pid` is the recovered container's, undefined if it was not recovered.
   * A task whose terminal update was already recorded gets no driver: only its
   * updates remain to be delivered.
   */
  adopt(framework: FrameworkRecord, executor: ExecutorRecord, pid: number | undefined): void {
    const task = [...executor.launchedTasks.values()][0];
    if (!task || isTerminalState(task.state)) {
      executor.state = 'TERMINATED';
      return;
    }
    executor.state = 'RUNNING';
    if (pid !== undefined) executor.pid = pid;
    const driver = this.driver(framework, executor, task.info, () => Promise.reject(new Error('a recovered task is never prepared')));
    this.context.logger.info(
      `Recovering container ${executor.containerId} of executor '${executor.info.executor_id.value}' of framework ${executor.frameworkId}`,
    );
    void driver.adopt(pid);
  }

  private driver(framework: FrameworkRecord, executor: ExecutorRecord, task: TaskInfo, prepare: () => Promise<ContainerConfig>): CommandTaskDriver {
    const driverOptions: CommandTaskDriverOptions = {
      containerizer: this.context.options.containerizer,
      containerId: executor.containerId,
      killingState: (framework.info.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE'),
      prepare,
      emit: (status) => {
        if (status.state === 'TASK_RUNNING') {
          executor.state = 'RUNNING';
          executor.pid = driver.executorPid;
        }
        this.context.sendStatus(framework, executor, task.task_id, status);
      },
      onTerminated: () => {
        this.drivers.delete(executor);
        this.onTerminated(executor);
      },
      warn: (message) => this.context.logger.warn(message),
      now: () => this.context.clock.now(),
    };
    if (task.health_check) {
      driverOptions.healthCheck = task.health_check;
      const grace = task.kill_policy?.grace_period;
      if (grace) driverOptions.healthKillGraceMs = grace.nanoseconds / 1e6;
    }
    const driver = new CommandTaskDriver(driverOptions);
    this.drivers.set(executor, driver);
    return driver;
  }

  /** Kills the command task of `executor` with the given grace (ms). */
  kill(executor: ExecutorRecord, graceMs: number): void {
    const driver = this.drivers.get(executor);
    if (!driver) {
      this.context.logger.warn(`Command executor '${executor.info.executor_id.value}' has already terminated`);
      return;
    }
    if (executor.state !== 'TERMINATED') executor.state = 'TERMINATING';
    driver.kill(graceMs);
  }

  /** Drops whatever is left for a retired executor. */
  forget(executor: ExecutorRecord): void {
    this.drivers.delete(executor);
  }

  /** Destroys every running command task's container (agent stop with kill). */
  async destroyAll(): Promise<void> {
    const { containerizer } = this.context.options;
    await Promise.all(
      [...this.drivers.keys()].map((executor) =>
        containerizer.destroy(executor.containerId, 0).catch((e: Error) => this.context.logger.warn(e.message)),
      ),
    );
  }
}
