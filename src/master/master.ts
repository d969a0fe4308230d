/**
 * The master: owns frameworks, agents, offers and tasks, runs the allocator and
 * routes status updates. Scheduler calls are handled in `scheduler-calls.ts`,
 * the agent channel in `agent-channel.ts`; this file keeps the shared state and
 * the transitions several of them need (offers, task ends, framework removal).
 *
 * One owner per state: only this object (and the two handler modules it hands
 * itself to) mutates frameworks, agents and tasks.
 */
import type { AgentLink } from './agent-link.js';
import { randomUUID } from 'node:crypto';
import type { Allocator } from './allocator/allocator.js';
import { FrameworkRecord } from './framework.js';
import type { AgentRecord } from './agent-record.js';
import { IdGenerator } from './ids.js';
import type { MasterTask } from './task.js';
import { MasterMetrics } from './metrics.js';
import { ObserverSet } from './observers.js';
import { SharedResources } from './shared-resources.js';
import { AgentShapes } from './agent-shapes.js';
import type { Registry } from './registry/registry.js';
import type { Clock } from '../mesos/clock.js';
import { isTerminalState, stateForFramework } from '../mesos/task-states.js';
import { normalizeResources, stripAllocationInfo, withAllocationRole } from '../mesos/resources.js';
import { PingRounds, pingSlices } from './ping-rounds.js';
import type {
  ExecutorID,
  MasterInfo,
  Offer,
  Resource,
  TaskState,
  TaskStatus,
  TaskStatusReason,
} from '../mesos/types.js';

/** Mesos's default `--agent_reregister_timeout`, ms. */
const DEFAULT_AGENT_REREGISTER_TIMEOUT_MS = 10 * 60_000;

/** Minimal logger the master needs (glog-style in production). */
export interface MasterLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Master configuration; durations in milliseconds. Mirrors the Mesos master flags of the same names. */
export interface MasterOptions {
  ip: string;
  port: number;
  hostname: string;
  version: string;
  cluster?: string;
  clock: Clock;
  logger: MasterLogger;
  registry: Registry;
  allocator: Allocator;
  /** `--allocation_interval` (default 1 s): the periodic pass; event-driven passes happen in between. */
  allocationIntervalMs: number;
  /** `--offer_timeout`: rescind offers held longer than this; undefined = never. */
  offerTimeoutMs?: number;
  /** `--agent_ping_timeout` (15 s) × `--max_agent_ping_timeouts` (5) of silence → unreachable. */
  agentPingTimeoutMs: number;
  /**
   * `--agent_reregister_timeout` in ms (Mesos default 10 min): after a failover,
   * agents recovered from the registry that have not reregistered by then are
   * marked unreachable.
   */
  agentReregisterTimeoutMs?: number;
  maxAgentPingTimeouts: number;
  /** `--max_completed_frameworks` (50), `--max_completed_tasks_per_framework` (1000). */
  maxCompletedFrameworks: number;
  maxCompletedTasksPerFramework: number;
  /** `--roles` whitelist; undefined = any role. */
  roles?: string[];
  /** `--weights` by role (default 1); also given to the allocator. */
  weights?: Record<string, number>;
  /** Flags as strings, for `/master/flags` and `/master/state`. */
  flags: Record<string, string>;
  /** Heartbeat period for scheduler streams (Mesos: 15 s). */
  heartbeatIntervalMs?: number;
}

/** Default `Filters.refuse_seconds` and its cap (reference §1.7.2). */
const DEFAULT_REFUSE_SECONDS = 5;
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;

export class Master {
  readonly id = randomUUID();
  readonly ids = new IdGenerator(this.id);
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly agents = new Map<string, AgentRecord>();
  /** Open links (many agents' channels on one stream), by link id. */
  readonly agentLinks = new Map<string, AgentLink>();
  /** Offer id → offer, across frameworks. */
  readonly offers = new Map<string, Offer>();
  readonly metrics = new MasterMetrics();
  /** Resource lists shared between task records (most tasks ask for the same). */
  readonly sharedResources = new SharedResources();
  /** Agents' totals, one frozen list per shape (see AgentShapes). */
  readonly agentShapes = new AgentShapes();
  /** Operator-API subscribers and other watchers of state changes. */
  readonly observers = new ObserverSet();
  /**
   * Agents the registry says are unreachable but that never reregistered with
   * this master (so it has no record of them): marked by an earlier master, or
   * by `--agent_reregister_timeout`. Reconciling their tasks answers TASK_UNREACHABLE.
   */
  readonly unreachableAgentIds = new Set<string>();
  private reregisterTimer: NodeJS.Timeout | undefined;
  /** Agents an operator marked gone (MARK_AGENT_GONE): told to shut down if they return. */
  readonly goneAgents = new Set<string>();
  readonly startTime: number;
  electedTime?: number;
  readonly heartbeatIntervalMs: number;
  private allocationPending = false;
  /**
   * Agents whose resources changed since the last pass (added, reregistered,
   * resources given back); `undefined` while a full pass is due instead.
   */
  private allocationAgents: Set<string> | undefined = new Set();
  /** Settles when the registry recovery of `elect()` is done; undefined when not electing. */
  private recovery?: Promise<void>;
  private allocationTimer?: NodeJS.Timeout;
  private filterTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private readonly offerTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  /** Role weights (`--weights`, UPDATE_WEIGHTS). */
  weights: Record<string, number>;
  /** glog verbosity (GET/SET_LOGGING_LEVEL); reverts when `verbosityTimer` fires. */
  verbosity = 0;
  verbosityTimer?: NodeJS.Timeout;
  /** Frameworks the allocator has been told about (added and not yet removed). */
  private readonly inAllocator = new Set<string>();

  constructor(readonly options: MasterOptions) {
    this.startTime = options.clock.now() / 1000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 15_000;
    this.weights = { ...(options.weights ?? {}) };
  }

  get clock(): Clock {
    return this.options.clock;
  }
  get logger(): MasterLogger {
    return this.options.logger;
  }
  get allocator(): Allocator {
    return this.options.allocator;
  }
  get registry(): Registry {
    return this.options.registry;
  }
  /** Seconds since the epoch, as Mesos's timestamps. */
  nowSecs(): number {
    return this.clock.now() / 1000;
  }

  /** `master@ip:port`. */
  get pid(): string {
    return `master@${this.options.ip}:${this.options.port}`;
  }

  /** MasterInfo as sent in SUBSCRIBED (ip packed as Mesos does). */
  get info(): MasterInfo {
    const o = this.options;
    return {
      id: this.id,
      ip: packIPv4(o.ip),
      port: o.port,
      pid: this.pid,
      hostname: o.hostname,
      version: o.version,
      address: { hostname: o.hostname, ip: o.ip, port: o.port },
      capabilities: [{ type: 'AGENT_UPDATE' }],
    };
  }

  /** Logs that this master is up. Standalone masters then `elect()` themselves; HA masters wait for ZooKeeper. */
  start(): void {
    const o = this.options;
    o.logger.info(`Master ${this.id} (${o.hostname}) started on ${o.ip}:${o.port}`);
  }

  /** True once this master leads (standalone: at once; HA: when ZooKeeper elects it). */
  get isLeader(): boolean {
    return this.electedTime !== undefined;
  }

  /**
   * The leader as the detector reports it, for the redirects of a non-leading
   * master (`undefined` while none is known: 503). Unused while leading.
   */
  leaderInfo?: { id: string; pid: string; hostname: string; port: number };

  /** Records the detected leader and logs it, as every Mesos master does. */
  followLeader(leader: { id: string; pid: string; hostname: string; port: number } | undefined): void {
    this.leaderInfo = leader;
    if (leader) this.logger.info(`The newly elected leader is ${leader.pid} with id ${leader.id}`);
    else this.logger.warn('No master is currently leading');
  }

  /**
   * True between ZooKeeper electing this master and its registry recovery
   * finishing: requests are held (see `whenRecovered`) rather than redirected
   * to the previous leader, which is usually the master that just died.
   */
  get recovering(): boolean {
    return this.recovery !== undefined && !this.isLeader;
  }

  /** Resolves once the recovery in progress is done (at once when none is). Never rejects. */
  whenRecovered(): Promise<void> {
    return this.recovery ?? Promise.resolve();
  }

  /**
   * This master now leads: recovers the registry and starts offering resources.
   * It names itself leader at once (Mesos's `Master::detected` sets `leader`
   * before `recover()`), so calls arriving during recovery wait for it instead
   * of being sent to the old leader. Throws what the registry's `recover` throws.
   */
  async elect(): Promise<void> {
    if (this.isLeader || this.recovery) return this.recovery;
    const o = this.options;
    this.leaderInfo = { id: this.id, pid: this.pid, hostname: o.hostname, port: o.port };
    o.logger.info(`The newly elected leader is ${this.pid} with id ${this.id}`);
    let settle!: () => void;
    this.recovery = new Promise<void>((resolve) => {
      settle = resolve;
    });
    try {
      const recovered = await this.registry.recover((resources) => this.agentShapes.share(resources));
      for (const id of recovered.goneAgents) this.goneAgents.add(id);
      for (const a of recovered.agents) if (a.unreachableTime !== undefined) this.unreachableAgentIds.add(a.info.id.value);
      if (this.registry.isRecovering()) {
        const timeoutMs = o.agentReregisterTimeoutMs ?? DEFAULT_AGENT_REREGISTER_TIMEOUT_MS;
        this.reregisterTimer = setTimeout(() => this.recoveredAgentsTimedOut(timeoutMs), timeoutMs);
        this.reregisterTimer.unref();
      }
      if (recovered.weights) {
        // Weights set through the API outlive the `--weights` flag, as in Mesos.
        Object.assign(this.weights, recovered.weights);
        this.allocator.updateWeights({ ...this.weights });
      }
      if (recovered.agents.length > 0 || recovered.frameworks.length > 0) {
        o.logger.info(
          `Recovered ${recovered.agents.length} agents and ${recovered.frameworks.length} frameworks from the registry`,
        );
      }
      o.logger.info('Elected as the leading master!');
      this.electedTime = this.nowSecs();
      this.allocationTimer = setInterval(() => this.allocate(), o.allocationIntervalMs);
      const rounds = new PingRounds<AgentRecord>(pingSlices(o.agentPingTimeoutMs));
      this.pingTimer = setInterval(() => {
        for (const agent of rounds.next(() => this.agents.values())) this.pingAgent(agent);
      }, o.agentPingTimeoutMs / rounds.slices);
    } catch (error) {
      // Not leading after all: held requests then get 503 (the process aborts anyway).
      this.recovery = undefined;
      this.leaderInfo = undefined;
      throw error;
    } finally {
      settle();
    }
  }

  /** Stops timers and closes every stream. Frameworks and agents are left as they are in the registry. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.allocationTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.filterTimer);
    clearTimeout(this.verbosityTimer);
    clearTimeout(this.reregisterTimer);
    for (const timer of this.offerTimers.values()) clearTimeout(timer);
    for (const framework of this.frameworks.values()) {
      clearTimeout(framework.failoverTimer);
      clearInterval(framework.heartbeatTimer);
      framework.stream?.close();
    }
    for (const agent of this.agents.values()) agent.stream?.close();
    for (const link of [...this.agentLinks.values()]) link.stream.close();
    // Admissions still gathering in the registry's window are written before the store closes.
    await this.registry.drain();
  }

  /** True if `addFramework` was called for this id and `removeFramework` not since. */
  allocatorKnows(frameworkId: string): boolean {
    return this.inAllocator.has(frameworkId);
  }
  markAllocatorKnows(frameworkId: string): void {
    this.inAllocator.add(frameworkId);
  }

  // ---- allocation and offers ---------------------------------------------

  /**
   * Asks for an allocation pass soon: over `agentIds` only when given (an
   * agent added or reregistered, resources given back on it — Mesos's
   * `allocate(slaveId)`), else over every agent. Requests are coalesced into
   * one pass per turn of the event loop, so a burst of thousands of
   * reregistrations costs one pass over those agents, not one full pass each.
   * The periodic pass (`--allocation_interval`) still covers every agent.
   */
  scheduleAllocation(agentIds?: Iterable<string>): void {
    if (this.stopped) return;
    if (agentIds === undefined) this.allocationAgents = undefined;
    else if (this.allocationAgents) for (const id of agentIds) this.allocationAgents.add(id);
    if (this.allocationPending) return;
    this.allocationPending = true;
    setImmediate(() => {
      this.allocationPending = false;
      const agents = this.allocationAgents;
      this.allocationAgents = new Set();
      if (agents === undefined) this.allocate();
      else if (agents.size > 0) this.allocate([...agents]);
    });
  }

  /** One allocation pass (over `agentIds` only, when given): turns allocator decisions into OFFERS events. */
  allocate(agentIds?: string[]): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const allocations = this.allocator.allocate(now, agentIds);
    this.metrics.allocationRuns++;
    const byFramework = new Map<FrameworkRecord, Offer[]>();
    for (const allocation of allocations) {
      const framework = this.frameworks.get(allocation.frameworkId);
      const agent = this.agents.get(allocation.agentId);
      if (!framework || !framework.active || !agent || !agent.active) {
        // Raced with a removal: hand the resources straight back.
        this.allocator.recoverResources(allocation.frameworkId, allocation.agentId, allocation.role, allocation.resources, 0, now);
        continue;
      }
      const offer = this.createOffer(framework, agent, allocation.role, allocation.resources);
      const list = byFramework.get(framework) ?? [];
      list.push(offer);
      byFramework.set(framework, list);
    }
    for (const [framework, offers] of byFramework) {
      const multiRole = framework.info.capabilities?.some((c) => c.type === 'MULTI_ROLE') ?? false;
      const wire = multiRole ? offers : offers.map(stripOfferAllocationInfo);
      framework.send({ type: 'OFFERS', offers: { offers: wire } });
      this.metrics.offersSent += offers.length;
    }
    this.armFilterTimer();
  }

  private createOffer(framework: FrameworkRecord, agent: AgentRecord, role: string, resources: readonly Resource[]): Offer {
    // Offers wait seconds for an ACCEPT, so whatever one holds dies in the old
    // generation: parts that are the same for every offer of this framework,
    // agent or role are shared (read-only) rather than copied per offer.
    const executors = framework.executors.get(agent.id);
    const offer: Offer = {
      id: { value: this.ids.nextOfferId() },
      framework_id: framework.info.id,
      agent_id: agent.info.id,
      hostname: agent.info.hostname,
      url: agent.offerUrl(),
      resources: withAllocationRole(resources, role),
      attributes: agent.info.attributes ?? [],
      executor_ids: executors && executors.size > 0 ? [...executors.keys()].map((value) => ({ value })) : NO_EXECUTOR_IDS,
      allocation_info: this.allocationInfo(role),
    };
    this.offers.set(offer.id.value, offer);
    framework.offers.set(offer.id.value, offer);
    (agent.offers ??= new Map()).set(offer.id.value, offer);
    const timeout = this.options.offerTimeoutMs;
    if (timeout !== undefined && timeout > 0) {
      this.offerTimers.set(
        offer.id.value,
        setTimeout(() => this.rescindOffer(offer.id.value, 0), timeout),
      );
    }
    return offer;
  }

  private readonly allocationInfos = new Map<string, { role: string }>();

  /** One `allocation_info` object per role, shared by that role's offers (read-only). */
  private allocationInfo(role: string): { role: string } {
    let info = this.allocationInfos.get(role);
    if (!info) this.allocationInfos.set(role, (info = { role }));
    return info;
  }

  /**
   * Removes an outstanding offer without giving its resources back (the caller
   * decides what to recover). Returns it, or undefined if unknown.
   */
  takeOffer(offerId: string): Offer | undefined {
    const offer = this.offers.get(offerId);
    if (!offer) return undefined;
    this.offers.delete(offerId);
    this.frameworks.get(offer.framework_id.value)?.offers.delete(offerId);
    const agent = this.agents.get(offer.agent_id.value);
    agent?.offers?.delete(offerId);
    if (agent?.offers?.size === 0) agent.offers = undefined;
    clearTimeout(this.offerTimers.get(offerId));
    this.offerTimers.delete(offerId);
    return offer;
  }

  /** Withdraws an offer: RESCIND to the framework (if `notify`), resources back to the allocator. */
  rescindOffer(offerId: string, refuseSeconds: number, notify = true): void {
    const offer = this.takeOffer(offerId);
    if (!offer) return;
    if (notify) this.frameworks.get(offer.framework_id.value)?.send({ type: 'RESCIND', rescind: { offer_id: offer.id } });
    this.recoverOfferResources(offer, offer.resources, refuseSeconds);
  }

  /** Gives part of an offer back to the allocator with a decline filter. */
  recoverOfferResources(offer: Offer, resources: Resource[], refuseSeconds: number): void {
    const role = offer.allocation_info?.role ?? '*';
    this.allocator.recoverResources(
      offer.framework_id.value,
      offer.agent_id.value,
      role,
      resources,
      refuseSeconds,
      this.clock.now(),
    );
    this.scheduleAllocation([offer.agent_id.value]);
  }

  /** Normalises `Filters.refuse_seconds` as Mesos: default 5, negative → default, capped at a year. */
  refuseSeconds(filters: { refuse_seconds?: number } | undefined): number {
    const value = filters?.refuse_seconds;
    if (value === undefined || !Number.isFinite(value) || value < 0) return DEFAULT_REFUSE_SECONDS;
    return Math.min(value, MAX_REFUSE_SECONDS);
  }

  /** Wakes the allocator when the earliest decline filter expires, so re-offers are not late. */
  private armFilterTimer(): void {
    clearTimeout(this.filterTimer);
    const expiry = this.allocator.nextFilterExpiry();
    if (expiry === undefined) return;
    const delay = Math.max(0, expiry - this.clock.now()) + 1;
    this.filterTimer = setTimeout(() => this.scheduleAllocation(), delay);
  }

  // ---- tasks and status updates ------------------------------------------

  /**
   * Records `status` for `task` (from the agent, or generated here) and frees the
   * task's resources the first time it turns terminal.
   */
  recordStatus(task: MasterTask, status: TaskStatus): void {
    const wasTerminal = isTerminalState(task.state);
    task.record(status);
    if (!wasTerminal) this.metrics.countTransition(status.state);
    this.observers.taskUpdated(task, status);
    if (!wasTerminal && isTerminalState(status.state)) this.releaseTaskResources(task);
  }

  /** Gives a terminal task's resources back to the allocator. */
  private releaseTaskResources(task: MasterTask): void {
    this.allocator.recoverResources(task.frameworkId, task.agentId, task.role, task.resources, 0, this.clock.now());
    this.scheduleAllocation([task.agentId]);
  }

  /**
   * A master-generated transition (lost, unreachable, killed on removal, invalid
   * launch): builds the status without uuid (never acknowledged), records it,
   * tells the framework, and files the task away.
   */
  transitionTask(task: MasterTask, state: TaskState, reason: TaskStatusReason, message: string, notify = true): void {
    const framework = this.frameworks.get(task.frameworkId);
    const status: TaskStatus = {
      task_id: task.info.task_id,
      state,
      reason,
      message,
      source: 'SOURCE_MASTER',
      agent_id: { value: task.agentId },
      timestamp: this.nowSecs(),
    };
    if (task.executorId) status.executor_id = { value: task.executorId };
    if (state === 'TASK_UNREACHABLE') status.unreachable_time = { nanoseconds: Math.round(this.clock.now() * 1e6) };
    this.recordStatus(task, status);
    task.statusUpdateState = state;
    task.statusUpdateUuid = undefined;
    if (framework && notify) {
      framework.send({
        type: 'UPDATE',
        update: { status: { ...status, state: stateForFramework(state, framework.partitionAware) } },
      });
    }
    if (state === 'TASK_UNREACHABLE') {
      this.agents.get(task.agentId)?.tasks.delete(task.frameworkId, task.id);
      framework?.tasks.delete(task.id);
      framework?.unreachableTasks.set(task.id, task);
    } else {
      this.fileCompletedTask(task);
    }
  }

  /** Moves a task from the active maps to its framework's completed list. */
  fileCompletedTask(task: MasterTask): void {
    task.acknowledgedTerminal = true;
    this.agents.get(task.agentId)?.tasks.delete(task.frameworkId, task.id);
    const framework = this.frameworks.get(task.frameworkId) ?? this.completedFrameworks.find((f) => f.id === task.frameworkId);
    if (!framework) return;
    framework.tasks.delete(task.id);
    framework.unreachableTasks.delete(task.id);
    framework.addCompleted(task, this.options.maxCompletedTasksPerFramework);
  }

  // ---- frameworks ----------------------------------------------------------

  /** Subscription stream broke: deactivate, drop offers, start the failover timer. */
  disconnectFramework(framework: FrameworkRecord): void {
    if (!framework.connected) return;
    this.logger.info(`Disconnecting framework ${framework.id} (${framework.info.name})`);
    framework.connected = false;
    framework.active = false;
    framework.stream = undefined;
    framework.unregisteredTime = this.nowSecs();
    clearInterval(framework.heartbeatTimer);
    this.allocator.deactivateFramework(framework.id);
    for (const offerId of [...framework.offers.keys()]) this.rescindOffer(offerId, 0, false);
    const timeout = framework.failoverTimeoutMs;
    this.logger.info(`Giving framework ${framework.id} (${framework.info.name}) ${timeout / 1000}secs to failover`);
    this.observers.frameworkUpdated(framework);
    framework.failoverTimer = setTimeout(() => {
      this.logger.info(`Framework failover timeout, removing framework ${framework.id} (${framework.info.name})`);
      void this.removeFramework(framework);
    }, timeout);
  }

  /**
   * Removes a framework for good (TEARDOWN, failover timeout, operator): its tasks
   * are killed on the agents and recorded TASK_KILLED (REASON_FRAMEWORK_REMOVED),
   * offers recovered, and it moves to the completed frameworks.
   */
  async removeFramework(framework: FrameworkRecord): Promise<void> {
    if (!this.frameworks.has(framework.id)) return;
    this.logger.info(`Removing framework ${framework.id} (${framework.info.name})`);
    clearTimeout(framework.failoverTimer);
    clearInterval(framework.heartbeatTimer);
    for (const offerId of [...framework.offers.keys()]) this.rescindOffer(offerId, 0, false);
    const agentIds = new Set<string>();
    for (const task of [...framework.tasks.values(), ...framework.unreachableTasks.values()]) {
      agentIds.add(task.agentId);
      if (!isTerminalState(task.state)) {
        this.transitionTask(task, 'TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', 'Framework removed', false);
      } else {
        this.fileCompletedTask(task);
      }
    }
    for (const [agentId, executors] of framework.executors) {
      agentIds.add(agentId);
      const agent = this.agents.get(agentId);
      for (const executorId of executors.keys()) this.releaseExecutor(agent, framework.id, executorId);
    }
    for (const agentId of agentIds) {
      this.agents.get(agentId)?.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: framework.id } } });
    }
    framework.connected = false;
    framework.active = false;
    framework.unregisteredTime = this.nowSecs();
    framework.stream?.close();
    framework.stream = undefined;
    this.frameworks.delete(framework.id);
    this.observers.frameworkRemoved(framework);
    this.allocator.removeFramework(framework.id);
    this.inAllocator.delete(framework.id);
    this.completedFrameworks.push(framework);
    if (this.completedFrameworks.length > this.options.maxCompletedFrameworks) this.completedFrameworks.shift();
    await this.registry.removeFramework(framework.id).catch((error: Error) => {
      this.logger.error(`Failed to remove framework ${framework.id} from the registry: ${error.message}`);
    });
    this.scheduleAllocation();
  }

  /** Forgets a custom executor and gives its resources back. */
  releaseExecutor(agent: AgentRecord | undefined, frameworkId: string, executorId: string): void {
    this.frameworks.get(frameworkId)?.executors.get(agent?.id ?? '')?.delete(executorId);
    if (!agent) return;
    const key = taskKey(frameworkId, executorId);
    const executor = agent.executors.get(key);
    if (!executor) return;
    agent.executors.delete(key);
    const resources = executor.info.resources ?? [];
    if (resources.length > 0) {
      this.allocator.recoverResources(frameworkId, agent.id, executor.role, withAllocationRole(resources, executor.role), 0, this.clock.now());
      this.scheduleAllocation([agent.id]);
    }
  }

  // ---- agents ----------------------------------------------------------------

  /**
   * Pings one agent (once per `--agent_ping_timeout`, see ping-rounds.ts);
   * counts its silence; marks it unreachable when silent too long.
   */
  private pingAgent(agent: AgentRecord): void {
    // Removed, or replaced by a reregistration, since its round began.
    if (this.agents.get(agent.id) !== agent || agent.state === 'unreachable') return;
    if (agent.stream && !agent.pongPending) {
      agent.missedPings = 0;
    } else {
      agent.missedPings++;
    }
    if (agent.missedPings >= this.options.maxAgentPingTimeouts) {
      this.markAgentUnreachable(agent);
      return;
    }
    if (agent.stream) {
      agent.pongPending = true;
      agent.send({ type: 'PING' });
    }
  }

  /**
   * `--agent_reregister_timeout` passed since the failover: recovered agents
   * still away are marked unreachable in the registry (Mesos
   * `Master::recoveredSlavesTimeout`). Their tasks are unknown to this master,
   * so frameworks learn of them by reconciling (TASK_UNREACHABLE).
   */
  private recoveredAgentsTimedOut(timeoutMs: number): void {
    for (const id of this.registry.recoveringAgents()) {
      this.logger.warn(`Agent ${id} did not reregister within ${timeoutMs / 1000}secs after the master failover; marking it unreachable`);
      this.unreachableAgentIds.add(id);
      this.metrics.agentsUnreachable++;
      void this.registry.markAgentUnreachable(id, this.clock.now()).catch((error: Error) => {
        this.logger.error(`Failed to mark agent ${id} unreachable in the registry: ${error.message}`);
      });
    }
  }

  /**
   * The agent stayed silent past the ping allowance: its tasks become
   * TASK_UNREACHABLE (PARTITION_AWARE frameworks) or TASK_LOST, reason
   * REASON_AGENT_REMOVED; frameworks get FAILURE for it.
   */
  markAgentUnreachable(agent: AgentRecord): void {
    this.logger.warn(
      `Marking agent ${agent.id} at ${agent.pid} (${agent.info.hostname}) unreachable: missed ${agent.missedPings} pings`,
    );
    this.evictAgent(agent, 'TASK_UNREACHABLE', 'REASON_AGENT_REMOVED', `Agent ${agent.info.hostname} is unreachable`);
    agent.state = 'unreachable';
    this.metrics.agentsUnreachable++;
    void this.registry.markAgentUnreachable(agent.id, this.clock.now()).catch((error: Error) => {
      this.logger.error(`Failed to mark agent ${agent.id} unreachable in the registry: ${error.message}`);
    });
  }

  /**
   * MARK_AGENT_GONE: the operator says the agent will not come back. Its tasks
   * (live or unreachable) become TASK_GONE_BY_OPERATOR (PARTITION_AWARE) or
   * TASK_LOST, reason REASON_AGENT_REMOVED_BY_OPERATOR; if it returns it is told
   * to shut down. Idempotent. As in Mesos, the registry records it first and
   * nothing changes unless that write commits.
   * @throws the registry's error when the write fails (e.g. no ZooKeeper quorum).
   */
  async markAgentGone(agent: AgentRecord): Promise<void> {
    if (this.goneAgents.has(agent.id)) return;
    await this.registry.markAgentGone(agent.id, this.clock.now());
    if (this.goneAgents.has(agent.id)) return;
    this.logger.warn(`Marking agent ${agent.id} at ${agent.pid} (${agent.info.hostname}) gone, as the operator asked`);
    this.goneAgents.add(agent.id);
    const message = `Agent ${agent.info.hostname} was marked gone by the operator`;
    agent.send({ type: 'SHUTDOWN', shutdown: { message } });
    this.evictAgent(agent, 'TASK_GONE_BY_OPERATOR', 'REASON_AGENT_REMOVED_BY_OPERATOR', message);
    for (const framework of this.frameworks.values()) {
      for (const task of [...framework.unreachableTasks.values()]) {
        if (task.agentId !== agent.id) continue;
        this.transitionTask(task, framework.partitionAware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST', 'REASON_AGENT_REMOVED_BY_OPERATOR', message);
      }
    }
    this.agents.delete(agent.id);
  }

  /**
   * UPDATE_WEIGHTS: merges `weights` (role → positive weight) into the current
   * ones once the registry has them, then reallocates. Mirrors Mesos, whose
   * registry keeps weights across failovers.
   * @throws the registry's error when the write fails; the weights are unchanged then.
   */
  async updateWeights(weights: Record<string, number>): Promise<void> {
    const next = { ...this.weights, ...weights };
    await this.registry.updateWeights(next);
    Object.assign(this.weights, weights);
    this.allocator.updateWeights({ ...this.weights });
    this.scheduleAllocation();
  }

  /**
   * Takes an agent out of service: closes its channel, withdraws its offers,
   * moves its live tasks to `awareState` (PARTITION_AWARE frameworks) or
   * TASK_LOST, and sends every framework FAILURE for it.
   */
  private evictAgent(agent: AgentRecord, awareState: TaskState, reason: TaskStatusReason, message: string): void {
    agent.stream?.close();
    agent.stream = undefined;
    if (agent.state !== 'unreachable') {
      this.allocator.removeAgent(agent.id);
      this.observers.agentRemoved(agent.id);
    }
    for (const offer of [...(agent.offers?.values() ?? [])]) {
      this.takeOffer(offer.id.value);
      this.frameworks.get(offer.framework_id.value)?.send({ type: 'RESCIND', rescind: { offer_id: offer.id } });
    }
    for (const task of [...agent.tasks.values()]) {
      if (isTerminalState(task.state)) continue;
      const framework = this.frameworks.get(task.frameworkId);
      task.acknowledgedTerminal = true;
      this.transitionTask(task, framework?.partitionAware ? awareState : 'TASK_LOST', reason, message);
    }
    for (const framework of this.frameworks.values()) {
      framework.executors.delete(agent.id);
      framework.send({ type: 'FAILURE', failure: { agent_id: { value: agent.id } } });
    }
    agent.executors.clear();
  }

  /** Resources in use on an agent: its live tasks and custom executors. */
  usedOnAgent(agent: AgentRecord): Resource[] {
    return normalizeResources(this.usedListsOnAgent(agent).flat());
  }

  /** The resource lists `usedOnAgent` sums: each live task's and each executor's (with its allocation role). */
  usedListsOnAgent(agent: AgentRecord): Resource[][] {
    const lists: Resource[][] = [];
    for (const task of agent.tasks.values()) {
      if (!isTerminalState(task.state)) lists.push(task.resources);
    }
    for (const executor of agent.executors.values()) {
      lists.push(withAllocationRole(executor.info.resources ?? [], executor.role));
    }
    return lists;
  }

  /** Resources currently offered from an agent. */
  offeredOnAgent(agent: AgentRecord): Resource[] {
    const lists = this.offeredListsOnAgent(agent);
    // An offer's resources are already normalized (the allocator's, tagged with a role).
    return lists.length === 1 ? lists[0]! : normalizeResources(lists.flat());
  }

  /** The resource lists of the agent's outstanding offers (its own index: not a scan of every offer). */
  offeredListsOnAgent(agent: AgentRecord): Resource[][] {
    return agent.offers === undefined ? [] : [...agent.offers.values()].map((offer) => offer.resources);
  }
}

/** Key of a task (or executor) in per-agent maps: `<frameworkId>/<id>`. */
export function taskKey(frameworkId: string, id: string): string {
  return `${frameworkId}/${id}`;
}

/** Packs an IPv4 dotted quad as MasterInfo.ip: a | b<<8 | c<<16 | d<<24, unsigned. */
export function packIPv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return ((parts[0] | (parts[1] << 8) | (parts[2] << 16) | (parts[3] << 24)) >>> 0);
}

/** `Offer.executor_ids` of offers to frameworks with no executor on the agent: one shared empty list, never mutated. */
const NO_EXECUTOR_IDS = Object.freeze([]) as unknown as ExecutorID[];

/** Offers to non-MULTI_ROLE frameworks carry no allocation_info (Mesos strips it). */
function stripOfferAllocationInfo(offer: Offer): Offer {
  const { allocation_info: _ignored, ...rest } = offer;
  return { ...rest, resources: stripAllocationInfo(offer.resources) };
}
