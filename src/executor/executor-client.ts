/**
 * The v1 HTTP executor client: SUBSCRIBE to the agent named in the environment,
 * receive LAUNCH/KILL/MESSAGE/SHUTDOWN, send UPDATE and MESSAGE calls.
 *
 * Reliability, as Mesos's executor library does it: every update we send is
 * kept until the agent ACKNOWLEDGEs it (meaning: checkpointed, not yet seen by
 * the scheduler), and every launched task until one of its updates is
 * acknowledged. When the connection drops:
 * - framework checkpointing on (MESOS_CHECKPOINT=1): re-SUBSCRIBE with backoff
 *   (capped at MESOS_SUBSCRIPTION_BACKOFF_MAX) carrying those unacknowledged
 *   tasks and updates, for up to MESOS_RECOVERY_TIMEOUT, then give up;
 * - otherwise: give up at once (the agent is gone and will not recover us).
 * Giving up is the `lost` event; the driver then exits.
 */
import { openStream, postJson, HttpCallError, type OpenStream } from '../transport/stream-client.js';
import type { AgentInfo, ContainerID, ExecutorInfo, FrameworkInfo, KillPolicy, TaskGroupInfo, TaskID, TaskInfo, TaskStatus } from '../mesos/types.js';
import { backoffDelayMs } from '../scheduler/backoff.js';
import { Listeners } from '../scheduler/listeners.js';
import { newTaskStatusUuid } from '../mesos/status-uuid.js';
import type { ExecutorEnvironment } from './executor-env.js';
import { parseExecutorEvent, type ExecutorCall } from './executor-protocol.js';

/** What SUBSCRIBED tells the executor. */
export interface ExecutorSubscribedInfo {
  executorInfo: ExecutorInfo;
  frameworkInfo: FrameworkInfo;
  agentInfo: AgentInfo;
  containerId?: ContainerID;
  /** True after a reconnect (the classic `reregistered`). */
  resubscribed: boolean;
}

/** Events of an ExecutorClient. */
export type ExecutorClientEvents = {
  subscribed: [info: ExecutorSubscribedInfo];
  launch: [task: TaskInfo];
  launchGroup: [taskGroup: TaskGroupInfo];
  kill: [taskId: TaskID, killPolicy: KillPolicy | undefined];
  acknowledged: [taskId: TaskID, uuid: string];
  message: [data: Buffer];
  shutdown: [];
  error: [message: string];
  heartbeat: [];
  /** The connection dropped; the client is re-subscribing (checkpointing) or about to give up. */
  disconnected: [reason: Error];
  /** Gave up on the agent; the executor should exit. */
  lost: [reason: Error];
};

/** Options of an ExecutorClient. */
export interface ExecutorClientOptions {
  env: ExecutorEnvironment;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Wall clock in ms (for TaskStatus.timestamp and the recovery deadline). Default Date.now. */
  now?: () => number;
  log?: (level: 'info' | 'warning' | 'error', message: string) => void;
}

/** Life of the client. */
export type ExecutorClientState = 'idle' | 'connecting' | 'subscribed' | 'closed';

/**
 * Client of `/slave(1)/api/v1/executor`. `start()` subscribes (retrying until
 * MESOS_RECOVERY_TIMEOUT); `close()` ends everything.
 */
export class ExecutorClient {
  private readonly listeners = new Listeners<ExecutorClientEvents>();
  private readonly env: ExecutorEnvironment;
  private readonly random: () => number;
  private readonly now: () => number;
  private currentState: ExecutorClientState = 'idle';
  private stream?: OpenStream;
  private generation = 0;
  private subscribedOnce = false;
  private retryTimer?: NodeJS.Timeout;
  /** Updates sent (or queued) and not yet acknowledged by the agent, by uuid, in send order. */
  private readonly unackedUpdates = new Map<string, TaskStatus>();
  /** Tasks launched with no acknowledged update yet, by task id. */
  private readonly unackedTasks = new Map<string, TaskInfo>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: ExecutorClientOptions) {
    this.env = options.env;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Adds a listener; returns a function removing it. */
  on<K extends keyof ExecutorClientEvents>(name: K, listener: (...args: ExecutorClientEvents[K]) => void): () => void {
    return this.listeners.on(name, listener);
  }

  get state(): ExecutorClientState {
    return this.currentState;
  }

  /** Updates not yet acknowledged by the agent (what a re-SUBSCRIBE would resend). */
  get unacknowledgedUpdates(): TaskStatus[] {
    return [...this.unackedUpdates.values()];
  }

  /** Tasks with no acknowledged update yet. */
  get unacknowledgedTasks(): TaskInfo[] {
    return [...this.unackedTasks.values()];
  }

  /** Starts subscribing. Throws if already started. */
  start(): void {
    if (this.currentState !== 'idle') throw new Error(`start() called in state ${this.currentState}`);
    this.currentState = 'connecting';
    void this.connectLoop(this.now() + this.env.recoveryTimeoutMs);
  }

  /** Closes the stream and stops retrying. Idempotent. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.generation++;
    this.stream?.close();
    this.stream = undefined;
  }

  /** Resolves when every UPDATE/MESSAGE call started so far has been answered. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Sends an UPDATE for `status`, filling `uuid` (16 random bytes), `timestamp`
   * (seconds), `source` (SOURCE_EXECUTOR) and `executor_id`. While disconnected
   * the update is kept and resent with the next SUBSCRIBE. Throws Error for
   * TASK_STAGING (the agent rejects it) and HttpCallError if the agent refuses
   * the call. Returns the status as sent.
   */
  async sendStatusUpdate(status: TaskStatus): Promise<TaskStatus> {
    if (status.state === 'TASK_STAGING') throw new Error('Executors must not send TASK_STAGING');
    const full: TaskStatus = {
      ...status,
      uuid: newTaskStatusUuid(),
      timestamp: status.timestamp ?? this.now() / 1000,
      source: 'SOURCE_EXECUTOR',
      executor_id: this.env.executorId,
      ...(status.agent_id || !this.env.agentId ? {} : { agent_id: this.env.agentId }),
    };
    this.unackedUpdates.set(full.uuid!, full);
    if (this.currentState === 'subscribed') await this.post({ type: 'UPDATE', ...this.ids(), update: { status: full } });
    return full;
  }

  /** Sends a MESSAGE (best effort) to the scheduler. Throws Error when not subscribed. */
  async sendMessage(data: Buffer | string): Promise<void> {
    if (this.currentState !== 'subscribed') throw new Error('Cannot send MESSAGE: not subscribed to the agent');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.post({ type: 'MESSAGE', ...this.ids(), message: { data: bytes.toString('base64') } });
  }

  // ---- internals ---------------------------------------------------------

  private ids(): Pick<ExecutorCall, 'framework_id' | 'executor_id'> {
    return { framework_id: this.env.frameworkId, executor_id: this.env.executorId };
  }

  private headers(): Record<string, string> {
    return this.env.authenticationToken ? { Authorization: `Bearer ${this.env.authenticationToken}` } : {};
  }

  private async post(call: ExecutorCall): Promise<void> {
    const pending = postJson(this.env.apiUrl, call, this.headers());
    this.inFlight.add(pending);
    try {
      await pending;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  private log(level: 'info' | 'warning' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  private async connectLoop(deadline: number, waitFirst = false): Promise<void> {
    if (waitFirst) {
      await this.sleep(backoffDelayMs(0, { initialMs: 100, maxMs: this.env.subscriptionBackoffMaxMs }, this.random()));
    }
    for (let attempt = 0; this.currentState === 'connecting'; attempt++) {
      try {
        await this.openSubscription();
        return;
      } catch (error) {
        if (this.currentState !== 'connecting') return;
        const reason = error instanceof Error ? error : new Error(String(error));
        if (error instanceof HttpCallError && error.status >= 400 && error.status < 500) {
          return this.giveUp(new Error(`Agent refused SUBSCRIBE: ${error.message}`));
        }
        const delayMs = backoffDelayMs(attempt, { initialMs: 100, maxMs: this.env.subscriptionBackoffMaxMs }, this.random());
        if (this.now() + delayMs > deadline) {
          return this.giveUp(new Error(`Could not subscribe to the agent within the recovery timeout: ${reason.message}`));
        }
        this.log('warning', `Failed to subscribe to the agent at ${this.env.apiUrl} (${reason.message}); retrying in ${delayMs} ms`);
        await this.sleep(delayMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, ms)));
  }

  private giveUp(reason: Error): void {
    if (this.currentState === 'closed') return;
    this.log('error', reason.message);
    this.close();
    this.listeners.emit('lost', reason);
  }

  private async openSubscription(): Promise<void> {
    const generation = ++this.generation;
    const call: ExecutorCall = {
      type: 'SUBSCRIBE',
      ...this.ids(),
      subscribe: {
        unacknowledged_tasks: this.unacknowledgedTasks,
        unacknowledged_updates: this.unacknowledgedUpdates.map((status) => ({ status })),
      },
    };
    const stream = await openStream(
      this.env.apiUrl,
      call,
      {
        onEvent: (record) => this.onRecord(generation, record),
        onClose: (error) => this.onStreamClosed(generation, error),
      },
      this.headers(),
    );
    if (generation !== this.generation || this.currentState !== 'connecting') {
      stream.close();
      return;
    }
    this.stream = stream;
  }

  private onRecord(generation: number, record: unknown): void {
    if (generation !== this.generation || this.currentState === 'closed') return;
    const parsed = parseExecutorEvent(record);
    if (!parsed.ok) {
      this.log('warning', `Ignoring event: ${parsed.reason}`);
      return;
    }
    const event = parsed.event;
    switch (event.type) {
      case 'SUBSCRIBED': {
        this.currentState = 'subscribed';
        const resubscribed = this.subscribedOnce;
        this.subscribedOnce = true;
        this.listeners.emit('subscribed', {
          executorInfo: event.subscribed.executor_info,
          frameworkInfo: event.subscribed.framework_info,
          agentInfo: event.subscribed.agent_info,
          containerId: event.subscribed.container_id,
          resubscribed,
        });
        return;
      }
      case 'LAUNCH':
        this.unackedTasks.set(event.launch.task.task_id.value, event.launch.task);
        this.listeners.emit('launch', event.launch.task);
        return;
      case 'LAUNCH_GROUP':
        for (const task of event.launch_group.task_group.tasks) this.unackedTasks.set(task.task_id.value, task);
        this.listeners.emit('launchGroup', event.launch_group.task_group);
        return;
      case 'KILL':
        this.listeners.emit('kill', event.kill.task_id, event.kill.kill_policy);
        return;
      case 'ACKNOWLEDGED':
        this.unackedUpdates.delete(event.acknowledged.uuid);
        this.unackedTasks.delete(event.acknowledged.task_id.value);
        this.listeners.emit('acknowledged', event.acknowledged.task_id, event.acknowledged.uuid);
        return;
      case 'MESSAGE':
        this.listeners.emit('message', Buffer.from(event.message.data ?? '', 'base64'));
        return;
      case 'ERROR':
        this.listeners.emit('error', event.error.message ?? '');
        return;
      case 'SHUTDOWN':
        this.listeners.emit('shutdown');
        return;
      case 'HEARTBEAT':
        this.listeners.emit('heartbeat');
        return;
    }
  }

  private onStreamClosed(generation: number, error?: Error): void {
    if (generation !== this.generation || this.currentState === 'closed') return;
    this.stream = undefined;
    const reason = error ?? new Error('Connection to the agent closed');
    const wasSubscribed = this.currentState === 'subscribed';
    this.currentState = 'connecting';
    if (wasSubscribed) this.listeners.emit('disconnected', reason);
    if (!this.env.checkpoint) {
      return this.giveUp(new Error(`Agent disconnected and framework checkpointing is disabled: ${reason.message}`));
    }
    // A stream that closed before SUBSCRIBED (agent still recovering) must not make us spin.
    void this.connectLoop(this.now() + this.env.recoveryTimeoutMs, !wasSubscribed);
  }
}
