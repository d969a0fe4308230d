/**
 * One simulated agent: the agent's side of the master channel
 * (src/mesos/agent-protocol.ts) without containers or processes. It registers
 * on a channel of the fleet's link (or on its own RecordIO stream), answers PING with PONG, runs each RUN_TASK as a
 * timed walk through TASK_STARTING → TASK_RUNNING → TASK_FINISHED
 * (task-lifecycle.ts), turns KILL_TASK into TASK_KILLED, keeps every status
 * update until its ACKNOWLEDGE (update-backlog.ts), and reregisters with its
 * tasks when its stream breaks.
 *
 * Scale is the point (tens of thousands per process): an agent owns no timer
 * and no closure beyond its one stream's handlers; deadlines go into the
 * fleet's shared wheel, calls through the fleet's keep-alive pool.
 */
import type { AgentCall, AgentEvent, AgentTask } from '../mesos/agent-protocol.js';
import { agentTask } from '../mesos/agent-task.js';
import { packAgentTasks } from '../mesos/agent-task-sets.js';
import type { Attribute, ExecutorInfo, FrameworkID, FrameworkInfo, Resource, TaskID, TaskInfo, TaskState, TaskStatus } from '../mesos/types.js';
import { isTerminalState } from '../mesos/task-states.js';
import { newTaskStatusUuid } from '../mesos/status-uuid.js';
import type { OpenStream, StreamHandlers } from '../transport/stream-client.js';
import type { TimerWheel } from './timer-wheel.js';
import { LIFECYCLE_STEPS, lifecycleStep, taskDurationMs, type LifecycleTiming } from './task-lifecycle.js';
import {
  acknowledge,
  dueResend,
  enqueue,
  holdOnDisconnect,
  latestState,
  resendOnConnect,
  type Backlog,
  type RetryPolicy,
} from './update-backlog.js';

/** PING silence tolerated, in ping intervals (Mesos `DEFAULT_MAX_AGENT_PING_TIMEOUTS`). */
export const MAX_PING_TIMEOUTS = 5;
/** Cap of the reconnection backoff in ms (Mesos `REGISTER_RETRY_INTERVAL_MAX`). */
export const REGISTER_RETRY_MAX_MS = 60_000;

/** Log sink of the simulator; one line per message. */
export interface SimulatorLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Counters of a fleet, for `stats()` and the benches. All cumulative except the gauges noted. */
export interface SimulatorCounters {
  /** REGISTERED received. */
  registrations: number;
  /** REREGISTERED received. */
  reregistrations: number;
  /** Streams lost after registration (master gone, ping silence). */
  disconnects: number;
  /** Gauge: agents with a live, registered stream. */
  registered: number;
  /** RUN_TASK events (each task of a RUN_TASK_GROUP counts). */
  tasksLaunched: number;
  /** Gauge: tasks not yet terminal. */
  tasksActive: number;
  tasksFinished: number;
  tasksKilled: number;
  /** STATUS_UPDATE calls sent, retries included. */
  statusUpdatesSent: number;
  statusUpdateRetries: number;
  /** STATUS_UPDATE calls the master refused or that failed on the wire. */
  statusUpdateFailures: number;
  acknowledgements: number;
  pongs: number;
}

/** A fleet's counters, all zero. */
export function zeroCounters(): SimulatorCounters {
  return {
    registrations: 0, reregistrations: 0, disconnects: 0, registered: 0,
    tasksLaunched: 0, tasksActive: 0, tasksFinished: 0, tasksKilled: 0,
    statusUpdatesSent: 0, statusUpdateRetries: 0, statusUpdateFailures: 0, acknowledgements: 0, pongs: 0,
  };
}

/** What the fleet shares with each of its agents. */
export interface FleetContext {
  /** `http://host:port` of the master (changes when a zk:// fleet follows a new leader). */
  readonly masterUrl: string;
  readonly wheel: TimerWheel<Timed>;
  readonly policy: RetryPolicy;
  readonly timing: LifecycleTiming;
  /** Run time of a task without a duration label, ms. */
  readonly defaultDurationMs: number;
  /** Initial reconnection backoff bound, ms (Mesos `--registration_backoff_factor`). */
  readonly backoffFactorMs: number;
  readonly counters: SimulatorCounters;
  readonly logger: SimulatorLogger;
  now(): number;
  random(): number;
  /** POSTs a call with `Mesos-Stream-Id`; resolves false on any failure (never rejects). */
  post(call: AgentCall, streamId: string): Promise<boolean>;
  /** Opens a registration stream (the transport's `openStream`). */
  open(call: AgentCall, handlers: StreamHandlers): Promise<OpenStream>;
  /** Puts the agent in the paced registration queue. */
  requestConnect(agent: SimulatedAgent): void;
}

/** An entry of the shared wheel: an agent (reconnect due) or a task (step or retry due). */
export type Timed = SimulatedAgent | SimulatedTask;

/** Connection state of a simulated agent. */
export type SimulatedAgentState = 'idle' | 'queued' | 'connecting' | 'registered' | 'backoff' | 'stopped';

/** A task running on a simulated agent, with its own status update backlog. */
export class SimulatedTask implements Backlog {
  readonly kind = 'task';
  pending: TaskStatus[] = [];
  retryAt: number | undefined = undefined;
  backoffMs: number;
  /** Next lifecycle step to produce; LIFECYCLE_STEPS once terminal. */
  step = 0;
  /** When step `step` is due (ms). */
  nextAt = 0;
  /** Latest state produced (TASK_STAGING before the first). */
  state: TaskState = 'TASK_STAGING';

  constructor(
    readonly agent: SimulatedAgent,
    readonly frameworkId: string,
    readonly info: TaskInfo,
    readonly executorId: string,
    readonly launchedAt: number,
    readonly durationMs: number,
    policy: RetryPolicy,
  ) {
    this.backoffMs = policy.minMs;
  }

  get key(): string {
    return taskKey(this.frameworkId, this.info.task_id.value);
  }
}

/** One simulated agent. */
export class SimulatedAgent {
  readonly kind = 'agent';
  state: SimulatedAgentState = 'idle';
  agentId: string | undefined;
  private stream: OpenStream | undefined;
  private streamId: string | undefined;
  /** Bumped per connection attempt so a replaced stream's callbacks are ignored. */
  private attempt = 0;
  private lastPingAt = 0;
  private pingTimeoutMs = 0;
  private backoffMs: number;
  private reconnectAt = 0;
  /** Tasks by `<framework>/<task>`, until their terminal update is acknowledged. */
  private tasks: Map<string, SimulatedTask> | undefined;
  private frameworks: Map<string, FrameworkInfo & { id: FrameworkID }> | undefined;
  private executors: Map<string, ExecutorInfo> | undefined;

  constructor(
    private readonly fleet: FleetContext,
    readonly index: number,
    readonly hostname: string,
    private readonly resources: Resource[],
    private readonly attributes: Attribute[],
  ) {
    this.backoffMs = fleet.backoffFactorMs;
  }

  /** libprocess-style pid; no server listens behind it. */
  get pid(): string {
    return `slave(${this.index})@127.0.0.1:5051`;
  }

  /** Tasks held (running, or terminal and not yet acknowledged). */
  get taskCount(): number {
    return this.tasks?.size ?? 0;
  }

  /** Opens the registration stream (called by the fleet's pacer). */
  connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    const attempt = ++this.attempt;
    const handlers: StreamHandlers = {
      onEvent: (event) => {
        if (attempt === this.attempt) this.onEvent(event as AgentEvent);
      },
      onClose: (error) => {
        if (attempt === this.attempt) this.onClose(error?.message ?? 'stream ended');
      },
    };
    this.fleet.open(this.registerCall(), handlers).then(
      (opened) => {
        if (attempt !== this.attempt || this.state === 'stopped') {
          opened.close();
          return;
        }
        this.stream = opened;
        const header = opened.headers['mesos-stream-id'];
        this.streamId = Array.isArray(header) ? header[0] : header;
      },
      (error: Error) => {
        if (attempt === this.attempt) this.retryLater(error.message);
      },
    );
  }

  /** Closes the stream for good; the master sees the agent disconnect. */
  stop(): void {
    this.state = 'stopped';
    this.attempt++;
    const stream = this.stream;
    this.stream = undefined;
    stream?.close();
  }

  /**
   * A new leading master was detected: drops the stream (or the attempt) to
   * the old one and registers again after a random delay in [0, backoff
   * factor], the backoff starting afresh — Mesos's `Slave::detected`.
   */
  masterChanged(now: number): void {
    if (this.state === 'stopped' || this.state === 'idle' || this.state === 'queued') return;
    this.attempt++;
    const stream = this.stream;
    this.stream = undefined;
    this.streamId = undefined;
    if (this.state === 'registered') {
      this.fleet.counters.registered--;
      this.fleet.counters.disconnects++;
      for (const task of this.tasks?.values() ?? []) holdOnDisconnect(task);
    }
    stream?.close();
    this.backoffMs = this.fleet.backoffFactorMs;
    this.retryLater('a new leading master was detected', now);
  }

  /** Drops the stream if the master has been silent for too long (called by the fleet's sweep). */
  checkPings(now: number): void {
    if (this.state !== 'registered' || now - this.lastPingAt <= this.pingTimeoutMs) return;
    this.fleet.logger.warn(`Agent ${this.hostname}: no pings from master within ${this.pingTimeoutMs / 1000} secs; reconnecting`);
    this.stream?.close();
  }

  /** Wheel callback: reconnection due. */
  onTimer(now: number): void {
    if (this.state === 'backoff' && now >= this.reconnectAt) this.fleet.requestConnect(this);
  }

  /** Wheel callback for one of this agent's tasks: lifecycle step and/or retry due. */
  onTaskTimer(task: SimulatedTask, now: number): void {
    if (this.tasks?.get(task.key) !== task) return;
    this.advanceTask(task, now);
    if (this.state !== 'registered') return;
    const resend = dueResend(task, now, this.fleet.policy);
    if (resend) {
      this.fleet.counters.statusUpdateRetries++;
      this.forward(task, resend);
    }
  }

  private registerCall(): AgentCall {
    const agentInfo = { hostname: this.hostname, port: 5051, resources: this.resources, attributes: this.attributes };
    const version = '1.11.0';
    if (this.agentId === undefined) return { type: 'REGISTER', register: { agent_info: agentInfo, version, pid: this.pid } };
    const tasks: AgentTask[] = [];
    for (const task of this.tasks?.values() ?? []) {
      // RUN_TASK tasks run under their own id (a command executor's); task groups under their executor's.
      const command = task.executorId === task.info.task_id.value && task.info.command !== undefined;
      tasks.push(agentTask(task.info, { value: task.frameworkId }, command ? undefined : { value: task.executorId }, task.state, task.pending.at(-1)));
    }
    const live = new Set(tasks.map((t) => t.framework_id.value));
    const executors: ExecutorInfo[] = [];
    for (const [key, executor] of this.executors ?? []) {
      if (live.has(key.slice(0, key.indexOf('/')))) executors.push(executor);
    }
    return {
      type: 'REREGISTER',
      reregister: {
        agent_info: { ...agentInfo, id: { value: this.agentId } },
        version,
        pid: this.pid,
        frameworks: [...(this.frameworks?.values() ?? [])].filter((f) => live.has(f.id.value)),
        executors,
        tasks: [],
        task_sets: packAgentTasks(tasks),
      },
    };
  }

  private onEvent(event: AgentEvent): void {
    const now = this.fleet.now();
    switch (event.type) {
      case 'REGISTERED':
      case 'REREGISTERED': {
        const body = event.type === 'REGISTERED' ? event.registered : event.reregistered;
        if (this.agentId === undefined) this.fleet.logger.info(`Agent ${this.hostname} registered with id ${body.agent_id.value}`);
        this.agentId = body.agent_id.value;
        this.state = 'registered';
        this.backoffMs = this.fleet.backoffFactorMs;
        this.lastPingAt = now;
        this.pingTimeoutMs = Math.max(1, body.ping_interval_seconds) * 1000 * MAX_PING_TIMEOUTS;
        const c = this.fleet.counters;
        c.registered++;
        if (event.type === 'REGISTERED') c.registrations++;
        else c.reregistrations++;
        for (const task of this.tasks?.values() ?? []) {
          const head = resendOnConnect(task, now, this.fleet.policy);
          if (head) this.forward(task, head);
        }
        return;
      }
      case 'PING':
        this.lastPingAt = now;
        if (this.agentId !== undefined && this.streamId !== undefined) {
          this.fleet.counters.pongs++;
          void this.fleet.post({ type: 'PONG', agent_id: { value: this.agentId } }, this.streamId);
        }
        return;
      case 'RUN_TASK':
        this.rememberFramework(event.run_task.framework);
        this.launch(event.run_task.framework.id.value, event.run_task.task, event.run_task.task.task_id.value, now);
        return;
      case 'RUN_TASK_GROUP': {
        const { framework, executor, task_group } = event.run_task_group;
        this.rememberFramework(framework);
        (this.executors ??= new Map()).set(taskKey(framework.id.value, executor.executor_id.value), { ...executor, framework_id: framework.id });
        for (const task of task_group.tasks) this.launch(framework.id.value, task, executor.executor_id.value, now);
        return;
      }
      case 'KILL_TASK':
        this.kill(event.kill_task.framework_id.value, event.kill_task.task_id, now);
        return;
      case 'ACKNOWLEDGE': {
        const { framework_id, task_id, uuid } = event.acknowledge;
        this.acknowledge(framework_id.value, task_id.value, uuid, now);
        return;
      }
      case 'SHUTDOWN_FRAMEWORK':
        this.shutdownFramework(event.shutdown_framework.framework_id.value);
        return;
      case 'SHUTDOWN_EXECUTOR': {
        const { framework_id, executor_id } = event.shutdown_executor;
        for (const task of [...(this.tasks?.values() ?? [])]) {
          if (task.frameworkId === framework_id.value && task.executorId === executor_id.value) this.kill(task.frameworkId, task.info.task_id, now);
        }
        return;
      }
      case 'UPDATE_FRAMEWORK':
        this.rememberFramework(event.update_framework.framework);
        return;
      case 'SHUTDOWN':
        this.fleet.logger.warn(`Agent ${this.hostname} asked to shut down by the master: ${event.shutdown.message}`);
        this.stop();
        return;
      case 'ERROR':
        this.fleet.logger.warn(`Agent ${this.hostname}: master reported an error: ${event.error.message}`);
        return;
      default:
        return;
    }
  }

  private onClose(reason: string): void {
    const wasRegistered = this.state === 'registered';
    this.stream = undefined;
    this.streamId = undefined;
    if (this.state === 'stopped') return;
    if (wasRegistered) {
      this.fleet.counters.registered--;
      this.fleet.counters.disconnects++;
      for (const task of this.tasks?.values() ?? []) holdOnDisconnect(task);
    }
    this.retryLater(reason);
  }

  /** Waits a random time in [0, backoff] (doubling to 1 min), then queues a new registration. */
  private retryLater(reason: string, now = this.fleet.now()): void {
    if (this.state === 'stopped') return;
    this.state = 'backoff';
    const delay = Math.floor(this.fleet.random() * this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, REGISTER_RETRY_MAX_MS);
    this.reconnectAt = now + delay;
    this.fleet.logger.warn(`Agent ${this.hostname}: connection to master failed (${reason}); retrying in ${delay / 1000} secs`);
    this.fleet.wheel.schedule(this.reconnectAt, this);
  }

  private rememberFramework(framework: FrameworkInfo & { id: FrameworkID }): void {
    (this.frameworks ??= new Map()).set(framework.id.value, framework);
  }

  private launch(frameworkId: string, info: TaskInfo, executorId: string, now: number): void {
    const tasks = (this.tasks ??= new Map());
    const key = taskKey(frameworkId, info.task_id.value);
    if (tasks.has(key)) {
      this.fleet.logger.warn(`Agent ${this.hostname}: ignoring duplicate task ${info.task_id.value} of framework ${frameworkId}`);
      return;
    }
    const task = new SimulatedTask(this, frameworkId, info, executorId, now, taskDurationMs(info, this.fleet.defaultDurationMs), this.fleet.policy);
    tasks.set(key, task);
    this.fleet.counters.tasksLaunched++;
    this.fleet.counters.tasksActive++;
    task.nextAt = lifecycleStep(0, now, task.durationMs, this.fleet.timing)!.at;
    this.advanceTask(task, now);
  }

  /** Produces every lifecycle step due by `now`, then schedules the next one. */
  private advanceTask(task: SimulatedTask, now: number): void {
    while (task.step < LIFECYCLE_STEPS && task.nextAt <= now) {
      const step = lifecycleStep(task.step, task.launchedAt, task.durationMs, this.fleet.timing)!;
      task.step++;
      this.emit(task, step.state, now, step.message);
      if (task.step < LIFECYCLE_STEPS) task.nextAt = lifecycleStep(task.step, task.launchedAt, task.durationMs, this.fleet.timing)!.at;
    }
    if (task.step < LIFECYCLE_STEPS) this.fleet.wheel.schedule(task.nextAt, task);
  }

  private kill(frameworkId: string, taskId: TaskID, now: number): void {
    const task = this.tasks?.get(taskKey(frameworkId, taskId.value));
    if (task) {
      if (isTerminalState(task.state)) return;
      task.step = LIFECYCLE_STEPS;
      this.emit(task, 'TASK_KILLED', now, 'Command terminated with signal Terminated');
      return;
    }
    // Mesos's agent answers a kill for a task it does not have with TASK_LOST
    // (TASK_DROPPED for PARTITION_AWARE frameworks), reliably like any update.
    const framework = this.frameworks?.get(frameworkId);
    if (!framework) return;
    const aware = framework.capabilities?.some((c) => c.type === 'PARTITION_AWARE') ?? false;
    const ghost = new SimulatedTask(this, frameworkId, { name: taskId.value, task_id: taskId, agent_id: { value: this.agentId ?? '' } }, taskId.value, now, 0, this.fleet.policy);
    ghost.step = LIFECYCLE_STEPS;
    (this.tasks ??= new Map()).set(ghost.key, ghost);
    this.fleet.counters.tasksActive++;
    this.emit(ghost, aware ? 'TASK_DROPPED' : 'TASK_LOST', now, 'Cannot find executor', 'SOURCE_AGENT');
  }

  private acknowledge(frameworkId: string, taskId: string, uuid: string, now: number): void {
    const task = this.tasks?.get(taskKey(frameworkId, taskId));
    if (!task) return;
    const outcome = acknowledge(task, uuid, now, this.state === 'registered', this.fleet.policy);
    if (!outcome.matched) return;
    this.fleet.counters.acknowledgements++;
    if (outcome.terminal) {
      this.tasks!.delete(task.key);
      return;
    }
    if (outcome.send) this.forward(task, outcome.send);
  }

  /** Mesos drops a terminating framework's updates: its tasks are forgotten at once. */
  private shutdownFramework(frameworkId: string): void {
    for (const task of [...(this.tasks?.values() ?? [])]) {
      if (task.frameworkId !== frameworkId) continue;
      if (!isTerminalState(task.state)) {
        this.fleet.counters.tasksActive--;
        this.fleet.counters.tasksKilled++;
      }
      this.tasks!.delete(task.key);
    }
    this.frameworks?.delete(frameworkId);
    for (const key of [...(this.executors?.keys() ?? [])]) if (key.startsWith(`${frameworkId}/`)) this.executors!.delete(key);
  }

  private emit(task: SimulatedTask, state: TaskState, now: number, message?: string, source: TaskStatus['source'] = 'SOURCE_EXECUTOR'): void {
    task.state = state;
    if (isTerminalState(state)) {
      const c = this.fleet.counters;
      c.tasksActive--;
      if (state === 'TASK_FINISHED') c.tasksFinished++;
      else if (state === 'TASK_KILLED') c.tasksKilled++;
    }
    const status: TaskStatus = {
      task_id: task.info.task_id,
      state,
      source,
      agent_id: { value: this.agentId ?? '' },
      executor_id: { value: task.executorId },
      timestamp: now / 1000,
      uuid: newTaskStatusUuid(),
    };
    if (message !== undefined) status.message = message;
    const send = enqueue(task, status, now, this.state === 'registered');
    if (send) this.forward(task, send);
  }

  private forward(task: SimulatedTask, status: TaskStatus): void {
    if (this.agentId === undefined || this.streamId === undefined) return;
    if (task.retryAt !== undefined) this.fleet.wheel.schedule(task.retryAt, task);
    const latest = latestState(task);
    const counters = this.fleet.counters;
    counters.statusUpdatesSent++;
    void this.fleet
      .post(
        {
          type: 'STATUS_UPDATE',
          agent_id: { value: this.agentId },
          status_update: { framework_id: { value: task.frameworkId }, status, ...(latest ? { latest_state: latest } : {}) },
        },
        this.streamId,
      )
      .then((ok) => {
        if (!ok) counters.statusUpdateFailures++;
      });
  }
}

/** Key of a task or executor in an agent's maps. */
function taskKey(frameworkId: string, id: string): string {
  return `${frameworkId}/${id}`;
}
