/**
 * The classic `ExecutorDriver` + `Executor` callback pair (Mesos's
 * `include/mesos/executor.hpp`) on top of the v1 HTTP ExecutorClient.
 *
 * `run()` resolves DRIVER_STOPPED after `stop()` or a SHUTDOWN from the agent
 * (once the `shutdown` callback returned and pending updates were sent), and
 * DRIVER_ABORTED when the agent is lost for good (see ExecutorClient).
 */
import type { AgentInfo, ExecutorInfo, FrameworkInfo, TaskID, TaskInfo, TaskStatus } from '../mesos/types.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { ExecutorClient } from './executor-client.js';
import { parseExecutorEnv, type ExecutorEnvironment } from './executor-env.js';
import type { DriverStatus } from '../scheduler/scheduler-driver.js';

export type { DriverStatus };

/** The executor's callbacks (all optional), called one at a time in event order. */
export interface Executor {
  registered?(driver: ExecutorDriver, executorInfo: ExecutorInfo, frameworkInfo: FrameworkInfo, agentInfo: AgentInfo): void;
  reregistered?(driver: ExecutorDriver, agentInfo: AgentInfo): void;
  disconnected?(driver: ExecutorDriver): void;
  launchTask?(driver: ExecutorDriver, task: TaskInfo): void;
  killTask?(driver: ExecutorDriver, taskId: TaskID): void;
  frameworkMessage?(driver: ExecutorDriver, data: Buffer): void;
  shutdown?(driver: ExecutorDriver): void;
  error?(driver: ExecutorDriver, message: string): void;
}

/** Options of an ExecutorDriver. */
export interface ExecutorDriverOptions {
  /** Parsed environment; default `parseExecutorEnv(process.env)`. */
  env?: ExecutorEnvironment;
  logger?: Logger;
  random?: () => number;
}

/** Drives an Executor against the agent found in the environment. */
export class ExecutorDriver {
  private readonly client: ExecutorClient;
  private readonly log: Logger;
  private status: DriverStatus = 'DRIVER_NOT_STARTED';
  private readonly joined: Promise<DriverStatus>;
  private finish!: (status: DriverStatus) => void;
  private connected = false;

  /** Throws ExecutorEnvError when the environment does not come from an agent. */
  constructor(
    private readonly executor: Executor,
    options: ExecutorDriverOptions = {},
  ) {
    const env = options.env ?? parseExecutorEnv(process.env);
    this.log = options.logger ?? createLogger('exec');
    this.client = new ExecutorClient({
      env,
      random: options.random,
      log: (level, message) => (level === 'info' ? this.log.info(message) : level === 'warning' ? this.log.warn(message) : this.log.error(message)),
    });
    this.joined = new Promise((resolve) => (this.finish = resolve));
    this.wire();
  }

  /** Starts subscribing; returns DRIVER_RUNNING. */
  start(): DriverStatus {
    if (this.status !== 'DRIVER_NOT_STARTED') return this.status;
    this.status = 'DRIVER_RUNNING';
    this.client.start();
    return this.status;
  }

  /** Resolves when stopped or aborted. */
  join(): Promise<DriverStatus> {
    if (this.status === 'DRIVER_NOT_STARTED') return Promise.resolve(this.status);
    return this.joined;
  }

  /** `start()` then `join()`. */
  run(): Promise<DriverStatus> {
    this.start();
    return this.join();
  }

  /** Sends pending calls, closes the connection; `join()` resolves DRIVER_STOPPED. */
  async stop(): Promise<DriverStatus> {
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    this.status = 'DRIVER_STOPPED';
    await this.client.flush();
    this.client.close();
    this.finish(this.status);
    return this.status;
  }

  /** Closes at once; `join()` resolves DRIVER_ABORTED. */
  abort(): DriverStatus {
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    this.status = 'DRIVER_ABORTED';
    this.client.close();
    this.finish(this.status);
    return this.status;
  }

  /** Sends a status update (uuid, timestamp, source and executor id are filled in). Failures are logged. */
  async sendStatusUpdate(status: TaskStatus): Promise<DriverStatus> {
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    try {
      await this.client.sendStatusUpdate(status);
    } catch (error) {
      this.log.error(`Failed to send status update ${status.state} for task ${status.task_id.value}: ${(error as Error).message}`);
    }
    return this.status;
  }

  /** Sends a framework message to the scheduler (best effort). Failures are logged. */
  async sendFrameworkMessage(data: Buffer | string): Promise<DriverStatus> {
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    try {
      await this.client.sendMessage(data);
    } catch (error) {
      this.log.warn(`Failed to send framework message: ${(error as Error).message}`);
    }
    return this.status;
  }

  private wire(): void {
    const c = this.client;
    const on: ExecutorClient['on'] = (name, listener) =>
      c.on(name, (...args) => {
        if (this.status === 'DRIVER_RUNNING') listener(...args);
      });
    on('subscribed', (info) => {
      this.connected = true;
      if (info.resubscribed) this.executor.reregistered?.(this, info.agentInfo);
      else this.executor.registered?.(this, info.executorInfo, info.frameworkInfo, info.agentInfo);
    });
    on('disconnected', () => {
      this.connected = false;
      this.executor.disconnected?.(this);
    });
    on('launch', (task) => this.executor.launchTask?.(this, task));
    on('launchGroup', (group) => {
      // The classic interface has no task groups; hand them over one by one.
      for (const task of group.tasks) this.executor.launchTask?.(this, task);
    });
    on('kill', (taskId) => this.executor.killTask?.(this, taskId));
    on('message', (data) => this.executor.frameworkMessage?.(this, data));
    on('error', (message) => this.executor.error?.(this, message));
    on('shutdown', () => {
      this.executor.shutdown?.(this);
      void this.stop();
    });
    on('lost', (reason) => {
      this.log.error(`Agent lost: ${reason.message}`);
      if (this.connected) this.executor.disconnected?.(this);
      this.connected = false;
      this.abort();
    });
  }
}
