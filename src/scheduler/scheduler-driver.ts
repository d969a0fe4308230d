/**
 * The classic `SchedulerDriver` + `Scheduler` callback pair (Mesos's
 * `include/mesos/scheduler.hpp`), on top of the v1 HTTP SchedulerClient, for
 * code written against the old interface (test-framework, ports of existing
 * frameworks).
 *
 * Differences from the C++ driver: methods return promises (the C++ ones return
 * a Status at once and fail asynchronously; ours resolve once the master took
 * the call, and never reject — failures are logged, as the C++ driver does);
 * `frameworkMessage` gets a Buffer.
 */
import type {
  AgentID,
  ExecutorID,
  Filters,
  FrameworkID,
  FrameworkInfo,
  MasterInfo,
  Offer,
  OfferID,
  OfferOperation,
  Resource,
  TaskID,
  TaskInfo,
  TaskStatus,
} from '../mesos/types.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { MESOS_COMPAT_VERSION } from '../version.js';
import type { BackoffPolicy } from './backoff.js';
import { SchedulerNotSubscribedError } from './errors.js';
import { createMasterDetector, type MasterAddress, type MasterDetector } from './master-detector.js';
import { SchedulerClient, type SubscribedInfo } from './scheduler-client.js';

/** Mesos's `Status` of a driver. */
export type DriverStatus = 'DRIVER_NOT_STARTED' | 'DRIVER_RUNNING' | 'DRIVER_ABORTED' | 'DRIVER_STOPPED';

/**
 * The framework's callbacks (all optional). Called one at a time, in event order.
 * `slaveLost` is the pre-1.0 name of `agentLost` and is used when `agentLost` is absent.
 */
export interface Scheduler {
  registered?(driver: SchedulerDriver, frameworkId: FrameworkID, masterInfo: MasterInfo | undefined): void;
  reregistered?(driver: SchedulerDriver, masterInfo: MasterInfo | undefined): void;
  disconnected?(driver: SchedulerDriver): void;
  resourceOffers?(driver: SchedulerDriver, offers: Offer[]): void;
  offerRescinded?(driver: SchedulerDriver, offerId: OfferID): void;
  statusUpdate?(driver: SchedulerDriver, status: TaskStatus): void;
  frameworkMessage?(driver: SchedulerDriver, executorId: ExecutorID, agentId: AgentID, data: Buffer): void;
  agentLost?(driver: SchedulerDriver, agentId: AgentID): void;
  slaveLost?(driver: SchedulerDriver, agentId: AgentID): void;
  /** `status` is the executor's raw wait status (apply WEXITSTATUS), when known. */
  executorLost?(driver: SchedulerDriver, executorId: ExecutorID, agentId: AgentID, status: number | undefined): void;
  error?(driver: SchedulerDriver, message: string): void;
}

/** Options of a SchedulerDriver. */
export interface SchedulerDriverOptions {
  /** `--master` text (`host:port`) or a detector. */
  master: string | MasterDetector;
  /** Acknowledge updates after `statusUpdate` returns (Mesos default true). */
  implicitAcknowledgements?: boolean;
  /** Where the driver's glog lines go; default a `sched` logger on stderr. */
  logger?: Logger;
  backoff?: BackoffPolicy;
  random?: () => number;
  heartbeatMissLimit?: number;
  headers?: Record<string, string>;
}

/**
 * Drives a Scheduler: `await driver.run()` subscribes, dispatches events to the
 * callbacks, and resolves with DRIVER_STOPPED after `stop()` (or DRIVER_ABORTED
 * after `abort()` or an ERROR from the master).
 */
export class SchedulerDriver {
  private readonly client: SchedulerClient;
  private readonly detector: MasterDetector;
  private readonly log: Logger;
  private readonly implicitAcknowledgements: boolean;
  private status: DriverStatus = 'DRIVER_NOT_STARTED';
  private lastMaster?: string;
  private connected = false;
  private joined: Promise<DriverStatus>;
  private finish!: (status: DriverStatus) => void;
  /** Agent of each outstanding offer, so launches while disconnected can be answered. */
  private readonly offers = new Map<string, AgentID>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly framework: FrameworkInfo,
    options: SchedulerDriverOptions,
  ) {
    this.detector = typeof options.master === 'string' ? createMasterDetector(options.master) : options.master;
    this.log = options.logger ?? createLogger('sched');
    this.implicitAcknowledgements = options.implicitAcknowledgements ?? true;
    this.client = new SchedulerClient({
      detector: this.detector,
      autoAcknowledge: this.implicitAcknowledgements,
      backoff: options.backoff,
      random: options.random,
      heartbeatMissLimit: options.heartbeatMissLimit,
      headers: options.headers,
      log: (level, message) => (level === 'info' ? this.log.info(message) : level === 'warning' ? this.log.warn(message) : this.log.error(message)),
    });
    this.joined = new Promise((resolve) => (this.finish = resolve));
    this.wire();
  }

  /** The framework id once registered. */
  get frameworkId(): FrameworkID | undefined {
    return this.client.frameworkId;
  }

  /** Starts registering; returns DRIVER_RUNNING (or the current status if already started). */
  start(): DriverStatus {
    if (this.status !== 'DRIVER_NOT_STARTED') return this.status;
    this.status = 'DRIVER_RUNNING';
    this.log.info(`Version: ${MESOS_COMPAT_VERSION}`);
    this.client.subscribe(this.framework).catch(() => {
      // Rejections are reported through the `error` event (ERROR, 4xx) or are our own close().
    });
    return this.status;
  }

  /** Resolves when the driver is stopped or aborted. */
  join(): Promise<DriverStatus> {
    if (this.status === 'DRIVER_NOT_STARTED') return Promise.resolve(this.status);
    return this.joined;
  }

  /** `start()` then `join()`. */
  run(): Promise<DriverStatus> {
    this.start();
    return this.join();
  }

  /**
   * Stops the driver. Without `failover` the framework is torn down (TEARDOWN:
   * the master kills its tasks); with it, only the connection closes and the
   * master keeps the tasks for `failover_timeout` seconds.
   */
  async stop(failover = false): Promise<DriverStatus> {
    this.log.info('Asked to stop the driver');
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    // No callback runs after stop() (as in Mesos), even while TEARDOWN is in flight.
    this.status = 'DRIVER_STOPPED';
    if (!failover && this.connected && this.client.frameworkId) {
      this.log.info(`Stopping framework '${this.client.frameworkId.value}'`);
      await this.client.teardown().catch((error: unknown) => this.log.warn(`Failed to tear down: ${(error as Error).message}`));
    }
    this.connected = false;
    this.client.close();
    this.detector.close();
    this.finish(this.status);
    return this.status;
  }

  /** Aborts: closes the connection without tearing down; `join()` resolves DRIVER_ABORTED. */
  abort(): DriverStatus {
    this.log.info('Asked to abort the driver');
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    if (this.client.frameworkId) this.log.info(`Aborting framework '${this.client.frameworkId.value}'`);
    this.status = 'DRIVER_ABORTED';
    this.connected = false;
    this.client.close();
    this.detector.close();
    this.finish(this.status);
    return this.status;
  }

  /** Launches `tasks` on `offerIds` (LAUNCH); an empty list declines them. */
  launchTasks(offerIds: OfferID | OfferID[], tasks: TaskInfo[], filters?: Filters): Promise<DriverStatus> {
    const ids = Array.isArray(offerIds) ? offerIds : [offerIds];
    const operations: OfferOperation[] = tasks.length > 0 ? [{ type: 'LAUNCH', launch: { task_infos: tasks } }] : [];
    return this.acceptOffers(ids, operations, filters, tasks);
  }

  /** ACCEPT with arbitrary operations (LAUNCH, LAUNCH_GROUP, RESERVE, CREATE …). */
  async acceptOffers(
    offerIds: OfferID[],
    operations: OfferOperation[],
    filters?: Filters,
    tasksForLoss: TaskInfo[] = operations.flatMap((o) => o.launch?.task_infos ?? o.launch_group?.task_group.tasks ?? []),
  ): Promise<DriverStatus> {
    for (const id of offerIds) this.offers.delete(id.value);
    return this.send('ACCEPT', () => this.client.accept(offerIds, operations, filters), () => this.loseTasks(tasksForLoss));
  }

  /** DECLINE one offer. */
  declineOffer(offerId: OfferID, filters?: Filters): Promise<DriverStatus> {
    this.offers.delete(offerId.value);
    return this.send('DECLINE', () => this.client.decline([offerId], filters));
  }

  /** KILL a task. */
  killTask(taskId: TaskID, agentId?: AgentID): Promise<DriverStatus> {
    return this.send('KILL', () => this.client.kill(taskId, agentId));
  }

  /** REVIVE offers (all roles when omitted). */
  reviveOffers(roles?: string[]): Promise<DriverStatus> {
    return this.send('REVIVE', () => this.client.revive(roles));
  }

  /** SUPPRESS offers (all roles when omitted). */
  suppressOffers(roles?: string[]): Promise<DriverStatus> {
    return this.send('SUPPRESS', () => this.client.suppress(roles));
  }

  /** ACKNOWLEDGE an update; only with `implicitAcknowledgements: false`, and only updates with a uuid. */
  acknowledgeStatusUpdate(status: TaskStatus): Promise<DriverStatus> {
    if (this.implicitAcknowledgements) {
      this.log.error('Cannot call acknowledgeStatusUpdate() when implicit acknowledgements are enabled');
      return Promise.resolve(this.status);
    }
    if (!status.uuid || !status.agent_id) return Promise.resolve(this.status);
    const { agent_id: agentId, task_id: taskId, uuid } = status;
    return this.send('ACKNOWLEDGE', () => this.client.acknowledge(agentId, taskId, uuid));
  }

  /** MESSAGE to an executor (best effort). */
  sendFrameworkMessage(executorId: ExecutorID, agentId: AgentID, data: Buffer | string): Promise<DriverStatus> {
    return this.send('MESSAGE', () => this.client.message(agentId, executorId, data));
  }

  /** RECONCILE; an empty list is implicit reconciliation. */
  reconcileTasks(statuses: Array<Pick<TaskStatus, 'task_id' | 'agent_id'>> = []): Promise<DriverStatus> {
    const tasks = statuses.map((s) => ({ task_id: s.task_id, ...(s.agent_id ? { agent_id: s.agent_id } : {}) }));
    return this.send('RECONCILE', () => this.client.reconcile(tasks));
  }

  /** REQUEST resources (a hint the built-in allocator ignores). */
  requestResources(requests: Array<{ agent_id?: AgentID; resources?: Resource[] }>): Promise<DriverStatus> {
    return this.send('REQUEST', () => this.client.request(requests));
  }

  /** UPDATE_FRAMEWORK. */
  updateFramework(info: FrameworkInfo, suppressedRoles?: string[]): Promise<DriverStatus> {
    return this.send('UPDATE_FRAMEWORK', () => this.client.updateFramework(info, suppressedRoles));
  }

  // ---- internals ---------------------------------------------------------

  private async send(what: string, call: () => Promise<void>, onNotConnected?: () => void): Promise<DriverStatus> {
    if (this.status !== 'DRIVER_RUNNING') return this.status;
    try {
      await call();
    } catch (error) {
      if (error instanceof SchedulerNotSubscribedError) {
        this.log.warn(`Ignoring ${what} message as master is disconnected`);
        onNotConnected?.();
      } else {
        this.log.warn(`${what} failed: ${(error as Error).message}`);
      }
    }
    return this.status;
  }

  /** What the C++ driver does for launches while disconnected: TASK_LOST from the "master". */
  private loseTasks(tasks: TaskInfo[]): void {
    for (const task of tasks) {
      this.scheduler.statusUpdate?.(this, {
        task_id: task.task_id,
        state: 'TASK_LOST',
        source: 'SOURCE_MASTER',
        message: 'Master disconnected',
        agent_id: task.agent_id,
        timestamp: Date.now() / 1000,
      });
    }
  }

  private wire(): void {
    const c = this.client;
    const on: SchedulerClient['on'] = (name, listener) =>
      c.on(name, (...args) => {
        if (this.status === 'DRIVER_RUNNING') listener(...args);
      });
    on('masterDetected', (master: MasterAddress) => {
      const pid = `master@${master.host}:${master.port}`;
      if (pid === this.lastMaster) return;
      this.lastMaster = pid;
      this.log.info(`New master detected at ${pid}`);
      this.log.info('No credentials provided. Attempting to register without authentication');
    });
    on('subscribed', (info: SubscribedInfo) => {
      this.connected = true;
      if (!info.resubscribed) {
        this.log.info(`Framework registered with ${info.frameworkId.value}`);
        this.scheduler.registered?.(this, info.frameworkId, info.masterInfo);
      } else {
        this.log.info(`Framework reregistered with ${info.frameworkId.value}`);
        this.scheduler.reregistered?.(this, info.masterInfo);
      }
    });
    on('disconnected', () => {
      this.connected = false;
      this.offers.clear();
      this.scheduler.disconnected?.(this);
    });
    on('offers', (offers) => {
      for (const offer of offers) this.offers.set(offer.id.value, offer.agent_id);
      this.scheduler.resourceOffers?.(this, offers);
    });
    on('rescind', (offerId) => {
      this.offers.delete(offerId.value);
      this.scheduler.offerRescinded?.(this, offerId);
    });
    on('update', (status) => this.scheduler.statusUpdate?.(this, status));
    on('message', (m) => this.scheduler.frameworkMessage?.(this, m.executorId, m.agentId, m.data));
    on('failure', (failure) => {
      if (failure.executorId && failure.agentId) {
        this.scheduler.executorLost?.(this, failure.executorId, failure.agentId, failure.status);
      } else if (failure.agentId) {
        (this.scheduler.agentLost ?? this.scheduler.slaveLost)?.call(this.scheduler, this, failure.agentId);
      }
    });
    on('error', (message) => {
      this.log.info(`Got error '${message}'`);
      this.scheduler.error?.(this, message);
      this.abort();
    });
  }
}
