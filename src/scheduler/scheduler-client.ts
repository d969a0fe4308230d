/**
 * The v1 HTTP scheduler client: one SUBSCRIBE stream to the leading master,
 * one-shot calls beside it, and the reconnect logic a long-running framework
 * needs (Marathon, Chronos and `meseta execute` all sit on this).
 *
 *   detect master ──► POST SUBSCRIBE ──307──► leader ──200 + Mesos-Stream-Id──► events
 *        ▲                                                        │
 *        └── backoff (jitter) ◄── stream broke / 5 heartbeats missed ◄┘
 *
 * After the first SUBSCRIBED the framework id is kept and every re-subscription
 * carries it (failover), so the master keeps the framework's tasks as long as we
 * come back within `failover_timeout`.
 */
import { HttpCallError, openStream, type CallResult, type OpenStream } from '../transport/stream-client.js';
import type {
  AgentID,
  ExecutorID,
  Filters,
  FrameworkID,
  FrameworkInfo,
  KillPolicy,
  MasterInfo,
  Offer,
  OfferID,
  OfferOperation,
  Resource,
  TaskID,
  TaskInfo,
  TaskStatus,
} from '../mesos/types.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { SchedulerClosedError, SchedulerNotSubscribedError, SubscriptionRejectedError } from './errors.js';
import { masterUrl, resolveLeaderLocation } from './leader-location.js';
import { AckBacklog } from './ack-backlog.js';
import { HttpPipeline, type PipelinedResponse } from './http-pipeline.js';
import { Listeners } from './listeners.js';
import type { MasterAddress, MasterDetector } from './master-detector.js';
import {
  parseSchedulerEvent,
  subscribeCall,
  type InverseOffer,
  type OperationStatus,
  type SchedulerCall,
  type SchedulerEvent,
} from './scheduler-protocol.js';

/** Canonical scheduler endpoint path on a master. */
export const SCHEDULER_API_PATH = '/master/api/v1/scheduler';

/** Mesos's heartbeat interval when SUBSCRIBED does not say (seconds). */
export const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 15;

/** Log sink: the client says what it does (reconnects, redirects) but never prints itself. */
export type SchedulerLog = (level: 'info' | 'warning' | 'error', message: string) => void;

/** Options of a SchedulerClient. */
export interface SchedulerClientOptions {
  /** Where the master is. */
  detector: MasterDetector;
  /** ACKNOWLEDGE every UPDATE carrying a `uuid` after the `update` listeners ran. Default false. */
  autoAcknowledge?: boolean;
  /** Reconnect delays (ms). Default 1 s doubling to 30 s. */
  backoff?: BackoffPolicy;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** Heartbeats missed before the master is considered gone. Default 5 (as Mesos clients do). */
  heartbeatMissLimit?: number;
  /** Redirect hops followed per attempt before giving up on that attempt. Default 5. */
  maxRedirects?: number;
  /** Extra headers on every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Timeout of one-shot calls (ms). Default 30 s. */
  callTimeoutMs?: number;
  /**
   * Send ACKNOWLEDGE calls pipelined on one keep-alive connection
   * (http-pipeline.ts, HTTP/1.1 pipelining), instead of one `http.request`
   * each. Each update still gets its own ACKNOWLEDGE request; one in flight
   * when its connection breaks may be sent again (agents ignore the repeat).
   * Automatic acknowledgements beyond the pipeline's window wait in order
   * (ack-backlog.ts). For frameworks acknowledging thousands of updates per
   * second. Default false.
   */
  coalesceAcknowledgements?: boolean;
  log?: SchedulerLog;
}

/**
 * Acknowledgement window with `coalesceAcknowledgements`: connections and
 * requests on the wire per connection. Each update's acknowledgement gates the
 * agent's next update of that task, so the window bounds the updates a busy
 * framework keeps moving. Acknowledgements are pipelined (`repeatable`): Mesos
 * agents ignore an acknowledgement of an update they no longer wait for, so
 * one sent twice after a broken connection does no harm.
 *
 * One connection: the master answers calls one at a time on one thread
 * whatever the connection count, and it writes a turn's answers once per
 * connection, so more connections only cost it more writes (placement bench:
 * ~6 µs of the master's CPU per task with 4).
 */
const ACK_CONNECTIONS = 1;
const ACK_PIPELINED = 1024;
/**
 * Keep-alive connections for one-shot calls, each carrying one call at a time
 * (an ACCEPT must not be sent twice, so these are not pipelined). Through
 * undici rather than `http.request`: a framework answering a thousand offers
 * at once spent ~90 µs per ACCEPT building Node's ClientRequest (placement
 * bench profile). As many as Node's agent allowed before (64): with 8 the
 * placement bench's launches reached the master later and it placed fewer
 * tasks per second (5 alternated pairs, all behind). As before, calls on
 * different connections may overtake one another.
 */
const CALL_CONNECTIONS = 64;

/** What a successful subscription tells the framework. */
export interface SubscribedInfo {
  frameworkId: FrameworkID;
  masterInfo?: MasterInfo;
  heartbeatIntervalSeconds: number;
  /** The master that accepted us (after redirects). */
  master: MasterAddress;
  /** False for the first SUBSCRIBED of this client, true after a reconnect. */
  resubscribed: boolean;
  streamId: string;
}

/** A framework message from an executor; `data` is the decoded bytes. */
export interface ExecutorMessage {
  agentId: AgentID;
  executorId: ExecutorID;
  data: Buffer;
}

/** Executor exit or agent loss (FAILURE event); `status` is the raw wait status. */
export interface FailureInfo {
  agentId?: AgentID;
  executorId?: ExecutorID;
  status?: number;
}

/** Events of a SchedulerClient, with their listener arguments. */
export type SchedulerClientEvents = {
  subscribed: [info: SubscribedInfo];
  offers: [offers: Offer[]];
  inverseOffers: [inverseOffers: InverseOffer[]];
  rescind: [offerId: OfferID];
  rescindInverseOffer: [inverseOfferId: OfferID];
  update: [status: TaskStatus];
  operationStatus: [status: OperationStatus];
  message: [message: ExecutorMessage];
  failure: [failure: FailureInfo];
  /** ERROR from the master (or a rejected SUBSCRIBE); the client is closed afterwards. */
  error: [message: string];
  heartbeat: [];
  /** A master was found (detector or redirect); `master@host:port`-style logs use it. */
  masterDetected: [master: MasterAddress];
  /** The live subscription ended; the client reconnects unless closed. */
  disconnected: [reason: Error];
  /** A connection attempt failed; the next one is in `delayMs`. */
  reconnecting: [info: { attempt: number; delayMs: number; error: Error }];
  /** Every well-formed event, before the typed one. */
  event: [event: SchedulerEvent];
  closed: [];
};

/** Life of the client: idle → connecting ⇄ subscribed → closed. */
export type SchedulerClientState = 'idle' | 'connecting' | 'subscribed' | 'closed';

/** True for answers to SUBSCRIBE that will not change by retrying. */
function isPermanentRejection(error: unknown): error is HttpCallError {
  return error instanceof HttpCallError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/**
 * Client of `/master/api/v1/scheduler`. Typical use:
 *
 * ```ts
 * const client = new SchedulerClient({ detector: createMasterDetector('127.0.0.1:5050') });
 * client.on('offers', (offers) => …);
 * await client.subscribe({ user: 'root', name: 'demo' });
 * ```
 *
 * Calls throw SchedulerNotSubscribedError when no subscription is live, and
 * HttpCallError when the master answers non-2xx.
 */
export class SchedulerClient {
  private readonly listeners = new Listeners<SchedulerClientEvents>();
  private readonly options: Required<Omit<SchedulerClientOptions, 'log' | 'headers'>> &
    Pick<SchedulerClientOptions, 'log' | 'headers'>;
  private frameworkInfo?: FrameworkInfo;
  private suppressedRoles: string[] = [];
  private currentState: SchedulerClientState = 'idle';
  private stream?: OpenStream;
  /** Bumped for every stream so callbacks of a replaced stream are ignored. */
  private generation = 0;
  private currentStreamId?: string;
  private leader?: MasterAddress;
  private leaderPath = SCHEDULER_API_PATH;
  private heartbeatTimer?: NodeJS.Timeout;
  /** The stream generation the armed heartbeatTimer watches. */
  private heartbeatGeneration = -1;
  private heartbeatIntervalSeconds = DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
  private retryTimer?: NodeJS.Timeout;
  private wakeRetry?: () => void;
  private failures = 0;
  /** Why we closed the stream ourselves (missed heartbeats), reported as the disconnect reason. */
  private closeReason?: Error;
  private tearingDown = false;
  private subscribedOnce = false;
  /** Stops following the detector's leader changes (set while subscribing or subscribed). */
  private unfollowLeader?: () => void;
  /** A new leader was detected: the next connection attempt goes out without waiting. */
  private leaderChanged = false;
  private firstSubscription?: { resolve(info: SubscribedInfo): void; reject(error: Error): void };
  /**
   * Acknowledgement pipeline to the current leader (with `coalesceAcknowledgements`),
   * with the path and headers of its calls worked out once per leader and stream.
   */
  private ackPipeline?: LeaderPipeline;
  /** Connections for one-shot calls (ACCEPT, DECLINE, KILL, …) to the current leader, with their path and headers as for acknowledgements. */
  private callPipeline?: LeaderPipeline;
  /** Automatic acknowledgements (with `coalesceAcknowledgements`) waiting for room in the pipeline. */
  private readonly ackBacklog = new AckBacklog(
    ACK_CONNECTIONS * ACK_PIPELINED,
    (agentId, taskId, uuid) => this.acknowledge({ value: agentId }, { value: taskId }, uuid),
    (taskId, error) => this.ackFailed(taskId, error),
  );

  constructor(options: SchedulerClientOptions) {
    this.options = {
      detector: options.detector,
      autoAcknowledge: options.autoAcknowledge ?? false,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random: options.random ?? Math.random,
      heartbeatMissLimit: options.heartbeatMissLimit ?? 5,
      maxRedirects: options.maxRedirects ?? 5,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      coalesceAcknowledgements: options.coalesceAcknowledgements ?? false,
      headers: options.headers,
      log: options.log,
    };
  }

  /** Adds a listener; returns a function removing it. */
  on<K extends keyof SchedulerClientEvents>(name: K, listener: (...args: SchedulerClientEvents[K]) => void): () => void {
    return this.listeners.on(name, listener);
  }

  get state(): SchedulerClientState {
    return this.currentState;
  }

  /** The framework id, known after the first SUBSCRIBED (or given in FrameworkInfo.id). */
  get frameworkId(): FrameworkID | undefined {
    return this.frameworkInfo?.id;
  }

  /** The `Mesos-Stream-Id` of the live subscription. */
  get streamId(): string | undefined {
    return this.currentStreamId;
  }

  /** The master currently subscribed to (after redirects). */
  get master(): MasterAddress | undefined {
    return this.leader;
  }

  /**
   * Starts subscribing as `frameworkInfo` (set `id` to fail over an existing
   * framework) and keeps the subscription alive until `close()`. Resolves on the
   * first SUBSCRIBED; rejects with SubscriptionRejectedError (ERROR event, 4xx)
   * or SchedulerClosedError. Connection failures are retried forever with backoff
   * (`reconnecting` events say so). Throws if called twice.
   */
  subscribe(frameworkInfo: FrameworkInfo, options: { suppressedRoles?: string[] } = {}): Promise<SubscribedInfo> {
    if (this.currentState !== 'idle') throw new Error(`subscribe() called in state ${this.currentState}`);
    this.frameworkInfo = { ...frameworkInfo };
    this.suppressedRoles = [...(options.suppressedRoles ?? [])];
    this.currentState = 'connecting';
    const promise = new Promise<SubscribedInfo>((resolve, reject) => {
      this.firstSubscription = { resolve, reject };
    });
    this.unfollowLeader = this.options.detector.onChange((leader) => this.onLeaderChange(leader));
    void this.connectLoop(false);
    return promise;
  }

  /**
   * The detector reports a new leading master. As Mesos's scheduler library
   * (`MesosProcess::detected`), connect to it at once: a retry waiting out its
   * backoff is woken, a stream to another master is dropped.
   */
  private onLeaderChange(leader: MasterAddress): void {
    if (this.currentState === 'closed' || this.currentState === 'idle') return;
    const same = this.leader !== undefined && this.leader.host === leader.host && this.leader.port === leader.port;
    if (this.currentState === 'subscribed') {
      if (same) return;
      this.log('info', `New leading master detected at ${leader.host}:${leader.port}; resubscribing there`);
      this.leaderChanged = true;
      this.failures = 0;
      const stream = this.stream;
      this.closeReason = new Error(`New leading master detected at ${leader.host}:${leader.port}`);
      if (stream) stream.close();
      return;
    }
    this.leaderChanged = true;
    this.failures = 0;
    this.wakeRetry?.();
  }

  /** Closes the stream and stops reconnecting; the master keeps the framework for its failover_timeout. Idempotent. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.unfollowLeader?.();
    this.unfollowLeader = undefined;
    this.clearHeartbeatTimer();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeRetry?.();
    this.generation++;
    this.stream?.close();
    this.stream = undefined;
    this.currentStreamId = undefined;
    this.ackBacklog.clear();
    this.ackPipeline?.pipeline.close();
    this.ackPipeline = undefined;
    // Calls already made (a TEARDOWN whose answer comes after the master ended our stream) still get their answers.
    void this.callPipeline?.pipeline.drain();
    this.callPipeline = undefined;
    this.firstSubscription?.reject(new SchedulerClosedError());
    this.firstSubscription = undefined;
    this.listeners.emit('closed');
  }

  // ---- calls -------------------------------------------------------------

  /**
   * Sends one call, on one of the client's keep-alive connections to the
   * leader (CALL_CONNECTIONS), with the current `Mesos-Stream-Id` and
   * `framework_id`. Throws SchedulerNotSubscribedError when not subscribed,
   * HttpCallError on a non-2xx answer (a 307 here means the leader changed; the
   * stream will break and the client re-subscribes), PipelineConnectionError
   * when the connection breaks or no answer comes within `callTimeoutMs` (the
   * call is not sent again).
   */
  async call(call: SchedulerCall): Promise<CallResult> {
    if (this.currentState !== 'subscribed' || !this.leader || !this.currentStreamId || !this.frameworkInfo?.id) {
      throw new SchedulerNotSubscribedError(call.type);
    }
    const calls = this.callConnections(this.leader, this.currentStreamId);
    return calls.pipeline.post(calls.path, JSON.stringify(withFrameworkId(call, this.frameworkInfo.id)), calls.headers).then(callResult);
  }

  /** The call connections to `leader` for stream `streamId`, made (or re-aimed) when either changed. */
  private callConnections(leader: MasterAddress, streamId: string): LeaderPipeline {
    this.callPipeline = aimPipeline(this.callPipeline, masterUrl(leader, this.leaderPath), streamId, this.options.headers, this.makeCallPipeline);
    return this.callPipeline;
  }

  /** New call connections to `origin`; on a new leader, calls still on the wire to the old one end with their connections there. Made once, not per call. */
  private readonly makeCallPipeline = (origin: string): HttpPipeline =>
    new HttpPipeline({ origin, connections: CALL_CONNECTIONS, timeoutMs: this.options.callTimeoutMs });

  /** ACCEPT: apply `operations` in order using `offerIds` (one agent); the rest is declined with `filters`. */
  async accept(offerIds: OfferID[], operations: OfferOperation[], filters?: Filters): Promise<void> {
    await this.call({ type: 'ACCEPT', accept: { offer_ids: offerIds, operations, ...(filters ? { filters } : {}) } });
  }

  /** ACCEPT with one LAUNCH operation for `tasks` (an empty list declines the offers). */
  async launch(offerIds: OfferID[], tasks: TaskInfo[], filters?: Filters): Promise<void> {
    const operations: OfferOperation[] = tasks.length > 0 ? [{ type: 'LAUNCH', launch: { task_infos: tasks } }] : [];
    await this.accept(offerIds, operations, filters);
  }

  /** DECLINE; `filters.refuse_seconds` defaults to 5 s at the master. */
  async decline(offerIds: OfferID[], filters?: Filters): Promise<void> {
    await this.call({ type: 'DECLINE', decline: { offer_ids: offerIds, ...(filters ? { filters } : {}) } });
  }

  /** ACCEPT_INVERSE_OFFERS (maintenance). */
  async acceptInverseOffers(inverseOfferIds: OfferID[], filters?: Filters): Promise<void> {
    await this.call({
      type: 'ACCEPT_INVERSE_OFFERS',
      accept_inverse_offers: { inverse_offer_ids: inverseOfferIds, ...(filters ? { filters } : {}) },
    });
  }

  /** DECLINE_INVERSE_OFFERS (maintenance). */
  async declineInverseOffers(inverseOfferIds: OfferID[], filters?: Filters): Promise<void> {
    await this.call({
      type: 'DECLINE_INVERSE_OFFERS',
      decline_inverse_offers: { inverse_offer_ids: inverseOfferIds, ...(filters ? { filters } : {}) },
    });
  }

  /** REVIVE: clear decline filters and un-suppress `roles` (empty/omitted = all roles). */
  async revive(roles?: string[]): Promise<void> {
    await this.call({ type: 'REVIVE', ...(roles && roles.length > 0 ? { revive: { roles } } : {}) });
    this.suppressedRoles = roles && roles.length > 0 ? this.suppressedRoles.filter((r) => !roles.includes(r)) : [];
  }

  /** SUPPRESS offers for `roles` (empty/omitted = all); re-subscriptions keep them suppressed. */
  async suppress(roles?: string[]): Promise<void> {
    await this.call({ type: 'SUPPRESS', ...(roles && roles.length > 0 ? { suppress: { roles } } : {}) });
    const all = roles && roles.length > 0 ? roles : this.frameworkRoles();
    this.suppressedRoles = [...new Set([...this.suppressedRoles, ...all])];
  }

  /** KILL a task; `killPolicy` overrides the task's own grace period. */
  async kill(taskId: TaskID, agentId?: AgentID, killPolicy?: KillPolicy): Promise<void> {
    await this.call({
      type: 'KILL',
      kill: { task_id: taskId, ...(agentId ? { agent_id: agentId } : {}), ...(killPolicy ? { kill_policy: killPolicy } : {}) },
    });
  }

  /** SHUTDOWN an executor on an agent. */
  async shutdown(executorId: ExecutorID, agentId: AgentID): Promise<void> {
    await this.call({ type: 'SHUTDOWN', shutdown: { executor_id: executorId, agent_id: agentId } });
  }

  /**
   * ACKNOWLEDGE an update; `uuid` is the base64 `status.uuid`. Never for
   * updates without one. Rejects with SchedulerNotSubscribedError, or
   * HttpCallError for an answer that is not 2xx.
   *
   * Not an async function: a busy framework has thousands of acknowledgements
   * waiting for the wire at once, and each async frame (generator, context,
   * its promises) is held, and copied by the young-generation collector, until
   * its answer comes.
   */
  acknowledge(agentId: AgentID, taskId: TaskID, uuid: string): Promise<void> {
    const call: SchedulerCall = { type: 'ACKNOWLEDGE', acknowledge: { agent_id: agentId, task_id: taskId, uuid } };
    if (!this.options.coalesceAcknowledgements) return this.call(call).then(() => undefined);
    if (this.currentState !== 'subscribed' || !this.leader || !this.currentStreamId || !this.frameworkInfo?.id) {
      return Promise.reject(new SchedulerNotSubscribedError(call.type));
    }
    const ack = this.acknowledgementPipeline(this.leader, this.currentStreamId);
    return ack.pipeline.post(ack.path, JSON.stringify(withFrameworkId(call, this.frameworkInfo.id)), ack.headers).then(checkAcknowledged);
  }

  /** The acknowledgement pipeline to `leader` for stream `streamId`, made (or re-aimed) when either changed. */
  private acknowledgementPipeline(leader: MasterAddress, streamId: string): LeaderPipeline {
    this.ackPipeline = aimPipeline(this.ackPipeline, masterUrl(leader, this.leaderPath), streamId, this.options.headers, this.makeAckPipeline);
    return this.ackPipeline;
  }

  /** A new acknowledgement pipeline to `origin`; on a new leader, acknowledgements still queued for the old one fail there, as calls to a lost master do. Made once, not per acknowledgement. */
  private readonly makeAckPipeline = (origin: string): HttpPipeline =>
    new HttpPipeline({
      origin,
      connections: ACK_CONNECTIONS,
      maxPipelined: ACK_PIPELINED,
      timeoutMs: this.options.callTimeoutMs,
      repeatable: true,
      oneWritePerTurn: true,
    });

  /** RECONCILE the given tasks; an empty list asks for every task the master knows (implicit). */
  async reconcile(tasks: Array<{ task_id: TaskID; agent_id?: AgentID }> = []): Promise<void> {
    await this.call({ type: 'RECONCILE', reconcile: { tasks } });
  }

  /** MESSAGE to an executor (best effort); `data` is sent base64-encoded. */
  async message(agentId: AgentID, executorId: ExecutorID, data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.call({
      type: 'MESSAGE',
      message: { agent_id: agentId, executor_id: executorId, data: bytes.toString('base64') },
    });
  }

  /** REQUEST resources (ignored by Mesos's allocator; kept for API completeness). */
  async request(requests: Array<{ agent_id?: AgentID; resources?: Resource[] }>): Promise<void> {
    await this.call({ type: 'REQUEST', request: { requests } });
  }

  /** TEARDOWN: the master kills every task of the framework and forgets it; the client closes. */
  async teardown(): Promise<void> {
    // The master ends our stream as part of the teardown; that is no disconnection.
    this.tearingDown = true;
    try {
      await this.call({ type: 'TEARDOWN' });
    } finally {
      this.close();
    }
  }

  /** UPDATE_FRAMEWORK: change name, roles, failover_timeout, … atomically (200 on success). */
  async updateFramework(frameworkInfo: FrameworkInfo, suppressedRoles?: string[]): Promise<void> {
    const id = this.frameworkInfo?.id;
    const info: FrameworkInfo = { ...frameworkInfo, ...(id ? { id } : {}) };
    await this.call({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: info, ...(suppressedRoles ? { suppressed_roles: suppressedRoles } : {}) },
    });
    this.frameworkInfo = info;
    if (suppressedRoles) this.suppressedRoles = [...suppressedRoles];
  }

  // ---- subscription ------------------------------------------------------

  private frameworkRoles(): string[] {
    const info = this.frameworkInfo;
    if (!info) return [];
    return info.roles && info.roles.length > 0 ? info.roles : [info.role ?? '*'];
  }

  private log(level: 'info' | 'warning' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  /** Tries to open a subscription until one succeeds, a rejection is final, or close(). */
  private async connectLoop(waitFirst: boolean): Promise<void> {
    let wait = waitFirst;
    while (this.currentState === 'connecting') {
      if (this.leaderChanged) {
        this.leaderChanged = false;
        wait = false;
      }
      if (wait) {
        const delayMs = backoffDelayMs(this.failures, this.options.backoff, this.options.random());
        await this.sleep(delayMs);
        this.leaderChanged = false;
        if (this.currentState !== 'connecting') return;
      }
      wait = true;
      try {
        await this.openSubscription();
        return;
      } catch (error) {
        if (this.currentState !== 'connecting') return;
        if (isPermanentRejection(error)) {
          this.reject(new SubscriptionRejectedError(`Master rejected SUBSCRIBE: ${error.message}`, error.status, { cause: error }));
          return;
        }
        const reason = error instanceof Error ? error : new Error(String(error));
        const delayMs = backoffDelayMs(this.failures, this.options.backoff, this.options.random());
        this.failures++;
        this.listeners.emit('reconnecting', { attempt: this.failures, delayMs, error: reason });
        if (!this.leaderChanged) await this.sleep(delayMs);
        this.leaderChanged = false;
        wait = false;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = () => {
        this.wakeRetry = undefined;
        clearTimeout(this.retryTimer);
        resolve();
      };
      this.retryTimer = setTimeout(() => this.wakeRetry?.(), ms);
    });
  }

  /** Detects the master, follows redirects, and opens the stream (resolves on 200 headers). */
  private async openSubscription(): Promise<void> {
    let target = await this.options.detector.detect();
    let path = SCHEDULER_API_PATH;
    this.listeners.emit('masterDetected', target);
    for (let hop = 0; ; hop++) {
      const generation = ++this.generation;
      const body = subscribeCall(this.frameworkInfo!, this.suppressedRoles);
      try {
        const stream = await openStream(
          masterUrl(target, path),
          body,
          {
            onEvent: (record) => this.onRecord(generation, record),
            onClose: (error) => this.onStreamClosed(generation, error),
          },
          this.options.headers ?? {},
        );
        if (generation !== this.generation || this.currentState !== 'connecting') {
          stream.close();
          return;
        }
        this.stream = stream;
        const streamId = stream.headers['mesos-stream-id'];
        this.currentStreamId = Array.isArray(streamId) ? streamId[0] : streamId;
        this.leader = target;
        this.leaderPath = path;
        // The first event must come soon; if the master hangs we reconnect.
        this.armHeartbeatTimer(generation);
        return;
      } catch (error) {
        if (error instanceof HttpCallError && error.status === 307 && error.location && hop < this.options.maxRedirects) {
          const next = resolveLeaderLocation(error.location, target, SCHEDULER_API_PATH);
          this.log('info', `Redirected to the leading master at ${next.master.host}:${next.master.port}`);
          target = next.master;
          path = next.path;
          this.listeners.emit('masterDetected', target);
          continue;
        }
        throw error;
      }
    }
  }

  private onRecord(generation: number, record: unknown): void {
    if (generation !== this.generation || this.currentState === 'closed') return;
    // Any event proves the master alive. A busy framework gets thousands per
    // second, so the armed watchdog is pushed back rather than replaced.
    if (this.heartbeatTimer && this.heartbeatGeneration === generation) this.heartbeatTimer.refresh();
    else this.armHeartbeatTimer(generation);
    const parsed = parseSchedulerEvent(record);
    if (!parsed.ok) {
      this.log('warning', `Ignoring event: ${parsed.reason}`);
      return;
    }
    const event = parsed.event;
    this.listeners.emit('event', event);
    switch (event.type) {
      case 'SUBSCRIBED':
        return this.onSubscribed(generation, event.subscribed);
      case 'HEARTBEAT':
        this.listeners.emit('heartbeat');
        return;
      case 'OFFERS':
        this.listeners.emit('offers', event.offers.offers ?? []);
        return;
      case 'INVERSE_OFFERS':
        this.listeners.emit('inverseOffers', event.inverse_offers.inverse_offers ?? []);
        return;
      case 'RESCIND':
        this.listeners.emit('rescind', event.rescind.offer_id);
        return;
      case 'RESCIND_INVERSE_OFFER':
        this.listeners.emit('rescindInverseOffer', event.rescind_inverse_offer.inverse_offer_id);
        return;
      case 'UPDATE':
        return this.onUpdate(event.update.status);
      case 'UPDATE_OPERATION_STATUS':
        this.listeners.emit('operationStatus', event.update_operation_status.status);
        return;
      case 'MESSAGE':
        this.listeners.emit('message', {
          agentId: event.message.agent_id,
          executorId: event.message.executor_id,
          data: Buffer.from(event.message.data ?? '', 'base64'),
        });
        return;
      case 'FAILURE':
        this.listeners.emit('failure', {
          agentId: event.failure.agent_id,
          executorId: event.failure.executor_id,
          status: event.failure.status,
        });
        return;
      case 'ERROR':
        return this.onError(event.error.message ?? '');
    }
  }

  private onSubscribed(generation: number, subscribed: { framework_id: FrameworkID; heartbeat_interval_seconds?: number; master_info?: MasterInfo }): void {
    this.frameworkInfo = { ...this.frameworkInfo!, id: subscribed.framework_id };
    this.heartbeatIntervalSeconds =
      subscribed.heartbeat_interval_seconds && subscribed.heartbeat_interval_seconds > 0
        ? subscribed.heartbeat_interval_seconds
        : DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
    this.currentState = 'subscribed';
    this.failures = 0;
    this.armHeartbeatTimer(generation);
    const info: SubscribedInfo = {
      frameworkId: subscribed.framework_id,
      masterInfo: subscribed.master_info,
      heartbeatIntervalSeconds: this.heartbeatIntervalSeconds,
      master: this.leader!,
      resubscribed: this.subscribedOnce,
      streamId: this.currentStreamId ?? '',
    };
    this.subscribedOnce = true;
    const first = this.firstSubscription;
    this.firstSubscription = undefined;
    this.listeners.emit('subscribed', info);
    first?.resolve(info);
  }

  private onUpdate(status: TaskStatus): void {
    this.listeners.emit('update', status);
    if (!this.options.autoAcknowledge || !status.uuid || !status.agent_id) return;
    if (this.currentState !== 'subscribed') return;
    if (this.options.coalesceAcknowledgements) {
      this.ackBacklog.add(status.agent_id.value, status.task_id.value, status.uuid);
      return;
    }
    this.acknowledge(status.agent_id, status.task_id, status.uuid).catch((error: unknown) => this.ackFailed(status.task_id.value, error));
  }

  private ackFailed(taskId: string, error: unknown): void {
    this.log('warning', `Failed to acknowledge status update for task ${taskId}: ${(error as Error).message}`);
  }

  /** An ERROR is final (removed, failed over by another instance, invalid FrameworkInfo). */
  private onError(message: string): void {
    this.log('error', `Received an ERROR event: ${message}`);
    this.reject(new SubscriptionRejectedError(message));
  }

  /** Ends the client after a final rejection: emits `error`, rejects a pending subscribe, closes. */
  private reject(error: SubscriptionRejectedError): void {
    const first = this.firstSubscription;
    this.firstSubscription = undefined;
    this.listeners.emit('error', error.message);
    first?.reject(error);
    this.close();
  }

  private onStreamClosed(generation: number, error?: Error): void {
    if (generation !== this.generation || this.currentState === 'closed') return;
    if (this.tearingDown) return this.close();
    this.clearHeartbeatTimer();
    this.stream = undefined;
    this.currentStreamId = undefined;
    // Their stream is gone; the agents send those updates again to the next subscription.
    this.ackBacklog.clear();
    const reason = error ?? this.closeReason ?? new Error('Subscription stream ended');
    this.closeReason = undefined;
    const wasSubscribed = this.currentState === 'subscribed';
    this.currentState = 'connecting';
    this.log('warning', `Disconnected from master: ${reason.message}`);
    if (wasSubscribed) this.listeners.emit('disconnected', reason);
    else this.failures++;
    void this.connectLoop(true);
  }

  private armHeartbeatTimer(generation: number): void {
    this.clearHeartbeatTimer();
    this.heartbeatGeneration = generation;
    const timeoutMs = this.options.heartbeatMissLimit * this.heartbeatIntervalSeconds * 1000;
    this.heartbeatTimer = setTimeout(() => {
      if (generation !== this.generation || this.currentState === 'closed') return;
      this.log('warning', `No event from the master for ${timeoutMs / 1000} s; reconnecting`);
      // Closing the stream makes onStreamClosed run, which reconnects.
      const stream = this.stream;
      this.closeReason = new Error(`Missed ${this.options.heartbeatMissLimit} heartbeats`);
      if (stream) stream.close();
      else this.onStreamClosed(generation, new Error('Master silent'));
    }, timeoutMs);
  }

  private clearHeartbeatTimer(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}

/**
 * `call` with `framework_id` set to `id`, over any the caller gave. Built by
 * assignment, not as `{ ...call, framework_id }`: V8 builds a literal that adds
 * a key after a spread several times slower, and encodes the result slower too,
 * and every call and acknowledgement goes through here.
 */
function withFrameworkId(call: SchedulerCall, id: FrameworkID): SchedulerCall {
  const body = Object.assign({}, call);
  body.framework_id = id;
  return body;
}

/**
 * Connections to the leader's scheduler endpoint (`target`, a full URL) for
 * calls on stream `streamId`, with the path and headers of those calls worked
 * out once per leader and stream.
 */
interface LeaderPipeline {
  target: string;
  origin: string;
  path: string;
  streamId: string;
  headers: Record<string, string>;
  pipeline: HttpPipeline;
}

/**
 * `current` if it already serves `target` and `streamId`; else one that does,
 * keeping `current`'s connections when only the stream or path changed and
 * closing them (their calls fail) when the origin did, in favour of `make(origin)`.
 */
function aimPipeline(
  current: LeaderPipeline | undefined,
  target: string,
  streamId: string,
  extraHeaders: Record<string, string> | undefined,
  make: (origin: string) => HttpPipeline,
): LeaderPipeline {
  if (current?.target === target && current.streamId === streamId) return current;
  const url = new URL(target);
  let pipeline = current?.origin === url.origin ? current.pipeline : undefined;
  if (!pipeline) {
    current?.pipeline.close();
    pipeline = make(url.origin);
  }
  const headers = { ...(extraHeaders ?? {}), 'Mesos-Stream-Id': streamId };
  return { target, streamId, origin: url.origin, path: `${url.pathname}${url.search}`, headers, pipeline };
}

/** A one-shot call's answer: the CallResult of a 2xx, else HttpCallError (checkAcknowledged). */
function callResult(answer: PipelinedResponse): CallResult {
  checkAcknowledged(answer);
  return { status: answer.status, body: answer.body, headers: answer.headers };
}

/** Settles a call (an acknowledgement among them) by the master's answer: 2xx, or HttpCallError (a 307 carries the leader's `Location`). */
function checkAcknowledged(answer: PipelinedResponse): void {
  if (answer.status >= 300) throw new HttpCallError(answer.status, answer.body, answer.headers['location']);
}
