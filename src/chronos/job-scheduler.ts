/**
 * The job scheduler: Chronos's `JobScheduler` + `MesosJobFramework` +
 * `TaskManager` behind one owner of the run-time state. Decisions about time
 * come from the pure planner (`schedule/planner.ts`) and the dependency
 * counters from `JobGraph`; this class does the I/O around them (timers,
 * offers, kills, the store).
 *
 *   loop: planTick(now) ──► due jobs ──► queue ──► offers ──► LAUNCH ──► advanceAtLaunch (stored)
 *   UPDATE FINISHED ──► counters, R0 → disabled, children via JobGraph ──► queue
 *   UPDATE FAILED/LOST ──► retry after --failure_retry (attempt+1) or record the error
 *                          (errorCount, errorsSinceLastSuccess, lastError; disable after N; softError → children)
 */
import type { AgentID, Filters, Offer, OfferID, TaskID, TaskInfo, TaskState, TaskStatus } from '../mesos/types.js';
import type { Clock } from '../mesos/clock.js';
import type { Logger } from '../logging/logger.js';
import { OfferMatcher } from '../scheduler/offer-matcher.js';
import type { ChronosJob } from './job.js';
import { formatTimestamp } from './job.js';
import { JobGraph } from './job-graph.js';
import type { JobRepository } from './job-repository.js';
import { withSuccess } from './job-parse.js';
import { offerSatisfies } from './constraints.js';
import { RunStats } from './run-stats.js';
import { TaskHistory } from './task-history.js';
import { advanceAtLaunch, isExhausted, planTick } from './schedule/planner.js';
import { TaskQueue, type QueuedTask } from './task-queue.js';
import { buildTaskInfo, jobResources } from './task-info.js';
import { makeTaskId, parseTaskId } from './task-id.js';

/** What the scheduler needs of a Mesos scheduler client (SchedulerClient fits). */
export interface ChronosDriver {
  launch(offerIds: OfferID[], tasks: TaskInfo[], filters?: Filters): Promise<void>;
  decline(offerIds: OfferID[], filters?: Filters): Promise<void>;
  kill(taskId: TaskID, agentId?: AgentID): Promise<void>;
  revive(): Promise<void>;
}

/** Timer functions (injectable for tests). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of a JobScheduler. */
export interface JobSchedulerOptions {
  repository: JobRepository;
  /** The driver while subscribed; undefined otherwise (offers cannot arrive then). */
  driver: () => ChronosDriver | undefined;
  clock: Clock;
  logger: Logger;
  /** `--failure_retry`: delay before a failed task's retry (ms). Chronos: 60000. */
  failureRetryMs: number;
  /** `--disable_after_failures`: disable a job after this many errors since its last success; 0 = never. */
  disableAfterFailures: number;
  /** Filters for declined (and partly used) offers; Chronos: `--decline_offer_duration`, else Mesos's 5 s. */
  declineFilters?: Filters;
  /** REVIVE when a task is queued, at most once per this many ms. */
  minReviveIntervalMs: number;
  timers?: Timers;
  /** The framework id while known (recorded in the run history for sandbox links). */
  frameworkId?: () => string | undefined;
}

interface RunningTask {
  agentId?: AgentID;
  state: TaskState;
}

const STARTED: ReadonlySet<TaskState> = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING']);
/** Failure path: Chronos handles FAILED and LOST; ERROR and DROPPED (never launched) are failures too here. */
const FAILED: ReadonlySet<TaskState> = new Set(['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED']);
/** How many terminal task ids are remembered to ignore repeated updates. */
const SEEN_TERMINAL_LIMIT = 4096;

/** The run-time core of Chronos. Not safe to share between processes (one leader). */
export class JobScheduler {
  readonly graph = new JobGraph();
  readonly queue = new TaskQueue();
  readonly stats = new RunStats();
  /** The last runs of each job (`taskStatHistory`), in memory. */
  readonly history = new TaskHistory();
  private readonly running = new Map<string, Map<string, RunningTask>>();
  private readonly retries = new Map<string, Set<unknown>>();
  private readonly seenTerminal = new Set<string>();
  private readonly timers: Timers;
  private loopTimer?: unknown;
  private tickPending = false;
  private reviveTimer?: unknown;
  private lastReviveMs = -Infinity;
  private stopped = false;

  constructor(private readonly options: JobSchedulerOptions) {
    this.timers = options.timers ?? REAL_TIMERS;
  }

  private get repo(): JobRepository {
    return this.options.repository;
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** Builds the graph from the stored jobs and runs the first planning pass. */
  start(): void {
    this.graph.setJobs(this.repo.all());
    this.tick();
  }

  /** Stops timers; running tasks are left to Mesos (they survive a failover). */
  stop(): void {
    this.stopped = true;
    if (this.loopTimer !== undefined) this.timers.clearTimeout(this.loopTimer);
    if (this.reviveTimer !== undefined) this.timers.clearTimeout(this.reviveTimer);
    for (const set of this.retries.values()) for (const t of set) this.timers.clearTimeout(t);
    this.retries.clear();
  }

  // ---- the main loop ------------------------------------------------------

  /** Asks for a planning pass soon (jobs changed, a task launched or ended). Coalesced. */
  notify(): void {
    if (this.tickPending || this.stopped) return;
    this.tickPending = true;
    this.arm(0);
  }

  private arm(ms: number): void {
    if (this.loopTimer !== undefined) this.timers.clearTimeout(this.loopTimer);
    this.loopTimer = this.timers.setTimeout(() => {
      this.loopTimer = undefined;
      this.tick();
    }, ms);
  }

  /** One pass: enqueue every due scheduled job (task due = now) and sleep until the next one. */
  tick(): void {
    this.tickPending = false;
    if (this.stopped) return;
    const now = this.now();
    const scheduled = this.repo.all().filter((j) => j.parents === undefined);
    const plan = planTick(
      scheduled.map((j) => ({ name: j.name, schedule: j.schedule ?? '', scheduleTimeZone: j.scheduleTimeZone ?? '', disabled: j.disabled })),
      now,
    );
    for (const name of plan.due) {
      const job = this.repo.get(name);
      // A non-concurrent job with a task still running would be dropped at the offer; it stays due instead.
      if (job && (job.concurrent || this.runningCount(name) === 0)) this.enqueue(job, now, 0);
    }
    this.arm(plan.sleepMs);
  }

  /** Queues a task of `job` (no-op when one is already waiting); `args` overrides the job's arguments. */
  enqueue(job: ChronosJob, dueMs: number, attempt: number, args?: string): void {
    const taskId = makeTaskId(job.name, dueMs, attempt, args ?? job.arguments.join(' '));
    if (this.queue.enqueue({ taskId, jobName: job.name, highPriority: job.highPriority })) {
      this.options.logger.info(`Enqueued task '${taskId}'`);
      this.revive();
    }
  }

  /** REVIVE (clears our decline filters) so a queued task meets offers soon; rate-limited. */
  private revive(): void {
    if (this.reviveTimer !== undefined || this.stopped) return;
    const wait = this.lastReviveMs + this.options.minReviveIntervalMs - this.now();
    const go = (): void => {
      this.reviveTimer = undefined;
      const driver = this.options.driver();
      if (!driver || this.queue.size === 0) return;
      this.lastReviveMs = this.now();
      driver.revive().catch((e: unknown) => this.options.logger.warn(`REVIVE failed: ${(e as Error).message}`));
    };
    if (wait <= 0) go();
    else this.reviveTimer = this.timers.setTimeout(go, wait);
  }

  // ---- offers -------------------------------------------------------------

  /**
   * Fills offers from the queue (high priority first): per task the first
   * offer whose resources and attributes fit; a non-concurrent job with a
   * running task is dropped (the loop queues it again when due); a task that
   * fits nowhere goes back and ends the round. Unused offers are declined.
   */
  async onOffers(offers: readonly Offer[]): Promise<void> {
    const driver = this.options.driver();
    if (!driver) return;
    const matchers = offers.map((o) => new OfferMatcher(o));
    const perOffer = new Map<number, Array<{ task: TaskInfo; job: ChronosJob; queued: QueuedTask }>>();
    const chosen = new Set<string>();
    for (;;) {
      const queued = this.queue.take();
      if (!queued) break;
      const job = this.repo.get(queued.jobName);
      if (!job || job.disabled) continue;
      if (!job.concurrent && this.runningCount(job.name) > 0) {
        this.options.logger.warn(`Job '${job.name}' is already running and does not allow concurrency; dropping task '${queued.taskId}'`);
        continue;
      }
      if (chosen.has(job.name)) continue;
      let placed = false;
      for (const [i, matcher] of matchers.entries()) {
        if (!offerSatisfies(matcher.offer, job.constraints)) continue;
        const taken = matcher.tryTake(jobResources(job));
        if (!taken) continue;
        const list = perOffer.get(i) ?? [];
        list.push({ task: buildTaskInfo(queued.taskId, job, matcher.offer, taken), job, queued });
        perOffer.set(i, list);
        chosen.add(job.name);
        placed = true;
        break;
      }
      if (!placed) {
        this.options.logger.warn(`Insufficient resources or constraints not met for task '${queued.taskId}', will append to queue`);
        this.queue.putBack(queued);
        break;
      }
    }
    const filters = this.options.declineFilters;
    const unused = offers.filter((_, i) => !perOffer.has(i)).map((o) => o.id);
    const calls: Array<Promise<void>> = [];
    if (unused.length > 0) {
      calls.push(driver.decline(unused, filters).catch((e: unknown) => this.options.logger.warn(`DECLINE failed: ${(e as Error).message}`)));
    }
    for (const [i, launches] of perOffer) {
      const offer = offers[i]!;
      for (const { task, job } of launches) {
        this.markRunning(job.name, task.task_id.value, { agentId: offer.agent_id, state: 'TASK_STAGING' });
        this.history.launched(
          {
            taskId: task.task_id.value,
            jobName: job.name,
            agentId: offer.agent_id.value,
            hostname: offer.hostname,
            frameworkId: this.options.frameworkId?.() ?? '',
            executorId: task.executor?.executor_id.value ?? task.task_id.value,
          },
          this.now(),
        );
        this.onLaunched(job);
      }
      calls.push(
        driver.launch([offer.id], launches.map((l) => l.task), filters).then(
          () => launches.forEach((l) => this.options.logger.info(`Task '${l.task.task_id.value}' launched`)),
          (e: unknown) => {
            this.options.logger.warn(`LAUNCH failed: ${(e as Error).message}; requeueing`);
            for (const l of launches) {
              this.unmarkRunning(l.job.name, l.task.task_id.value);
              this.history.discard(l.job.name, l.task.task_id.value);
              this.queue.enqueue(l.queued);
            }
          },
        ),
      );
    }
    await Promise.all(calls);
    if (perOffer.size > 0) this.notify();
  }

  /** At launch a scheduled job's stored schedule moves past now (`handleLaunchedTask`). */
  private onLaunched(job: ChronosJob): void {
    if (job.parents !== undefined || job.schedule === undefined) return;
    const current = this.repo.get(job.name) ?? job;
    const next = advanceAtLaunch(current.schedule ?? '', current.scheduleTimeZone ?? '', this.now());
    if (next !== undefined && next !== current.schedule) this.repo.put({ ...current, schedule: next });
  }

  // ---- status updates -----------------------------------------------------

  /** Handles a task status update; updates for ids not made by Chronos are ignored. */
  onUpdate(status: TaskStatus): void {
    const taskId = status.task_id.value;
    const id = parseTaskId(taskId);
    if (!id) {
      this.options.logger.warn(`Ignoring update for task '${taskId}': not a Chronos task id`);
      return;
    }
    if (STARTED.has(status.state)) {
      if (this.seenTerminal.has(taskId)) return;
      this.history.updated(id.jobName, taskId, status.state, this.now(), status.agent_id?.value);
      this.markRunning(id.jobName, taskId, { agentId: status.agent_id, state: status.state });
      const job = this.repo.get(id.jobName);
      if (job?.parents !== undefined) this.graph.resetInvocations(job.name);
      return;
    }
    if (status.state === 'TASK_KILLING') return;
    if (this.seenTerminal.has(taskId)) return;
    this.rememberTerminal(taskId);
    this.unmarkRunning(id.jobName, taskId);
    const now = this.now();
    this.history.updated(id.jobName, taskId, status.state, now, status.agent_id?.value);
    const job = this.repo.get(id.jobName);
    if (!job) {
      this.options.logger.warn(`Job '${id.jobName}' of task '${taskId}' no longer exists`);
    } else if (status.state === 'TASK_FINISHED') {
      this.options.logger.info(`Task with id '${taskId}' FINISHED`);
      this.onFinished(job, id.dueMs, now);
    } else if (FAILED.has(status.state)) {
      this.options.logger.info(`Task with id '${taskId}' ${status.state.slice(5)}${status.message ? `: ${status.message}` : ''}`);
      this.onFailed(job, id.attempt, now);
    } else {
      this.options.logger.info(`Task with id '${taskId}' ${status.state.slice(5)}`);
    }
    // A non-concurrent job waiting for this one may run now.
    this.notify();
  }

  private onFinished(job: ChronosJob, dueMs: number, now: number): void {
    this.stats.record(job.name, now - dueMs);
    let next = withSuccess(job, now);
    if (next.parents === undefined && isExhausted(next.schedule ?? '', next.scheduleTimeZone ?? '', now) && !next.disabled) {
      this.options.logger.info(`Job '${job.name}' has exhausted all of its recurrences and has been disabled`);
      next = { ...next, disabled: true };
    }
    this.repo.put(next);
    this.runChildren(job.name, now);
  }

  private onFailed(job: ChronosJob, attempt: number, now: number): void {
    const hasAttemptsLeft = attempt < job.retries;
    // Retries only while the job is not already failing (no error since its last success).
    const recentSuccess = job.lastError !== '' && job.lastSuccess !== '' && Date.parse(job.lastSuccess) >= Date.parse(job.lastError);
    if (hasAttemptsLeft && (job.lastError === '' || recentSuccess)) {
      const delay = this.options.failureRetryMs;
      const dueMs = now + delay;
      this.options.logger.warn(`Retrying job: ${job.name}, attempt: ${attempt + 1} in ${delay} ms`);
      const set = this.retries.get(job.name) ?? new Set<unknown>();
      const handle = this.timers.setTimeout(() => {
        set.delete(handle);
        const current = this.repo.get(job.name);
        if (current && !this.stopped) this.enqueue(current, dueMs, attempt + 1);
      }, delay);
      set.add(handle);
      this.retries.set(job.name, set);
      return;
    }
    const n = this.options.disableAfterFailures;
    const disable = n > 0 && job.errorsSinceLastSuccess + 1 >= n;
    this.repo.put({
      ...job,
      errorCount: job.errorCount + 1,
      errorsSinceLastSuccess: job.errorsSinceLastSuccess + 1,
      lastError: formatTimestamp(now),
      disabled: job.disabled || disable,
    });
    if (disable) this.options.logger.warn(`Job '${job.name}' failed beyond retries and is now disabled after ${job.errorsSinceLastSuccess + 1} failures`);
    else this.options.logger.warn(`Job '${job.name}' failed beyond retries`);
    if (job.softError) this.runChildren(job.name, now);
  }

  /** Queues the children the graph says are ready (enabled ones), due at `dueMs`. */
  private runChildren(parent: string, dueMs: number): void {
    for (const childName of this.graph.executableChildren(parent)) {
      const child = this.repo.get(childName);
      if (child && !child.disabled) this.enqueue(child, dueMs, 0);
    }
  }

  // ---- operations behind the REST API ------------------------------------

  /** Stores a new or replaced job and re-plans. Validation is the caller's. */
  putJob(job: ChronosJob): void {
    this.repo.put(job);
    this.graph.setJobs(this.repo.all());
    this.notify();
  }

  /**
   * Removes a job: kills its tasks, drops its queued task and retries, and
   * rewires children first — children of a dependent job inherit its parents;
   * children of a scheduled job become scheduled jobs with its schedule.
   * Returns false when there is no such job.
   */
  deleteJob(name: string): boolean {
    const job = this.repo.get(name);
    if (!job) return false;
    for (const childName of this.graph.children(name)) {
      const child = this.repo.get(childName);
      if (!child || child.parents === undefined) continue;
      if (job.parents !== undefined) {
        const parents = [...new Set([...child.parents.filter((p) => p !== name), ...job.parents])];
        this.repo.put({ ...child, parents });
      } else {
        const { parents: _dropped, ...rest } = child;
        this.repo.put({ ...rest, schedule: job.schedule ?? '', scheduleTimeZone: job.scheduleTimeZone ?? '' });
      }
    }
    this.killTasks(name);
    this.queue.remove(name);
    for (const t of this.retries.get(name) ?? []) this.timers.clearTimeout(t);
    this.retries.delete(name);
    this.repo.remove(name);
    this.stats.forget(name);
    this.history.forget(name);
    this.graph.setJobs(this.repo.all());
    this.notify();
    return true;
  }

  /** Manual run now (attempt 0); `args` (when non-blank) replace the job's arguments in the task id. */
  runNow(name: string, args?: string): boolean {
    const job = this.repo.get(name);
    if (!job) return false;
    this.enqueue(job, this.now(), 0, args !== undefined && args.trim() !== '' ? args : undefined);
    return true;
  }

  /** Counts a success without running (`PUT /job/success`): counters, then children as after a real run. */
  markSuccess(name: string): boolean {
    const job = this.repo.get(name);
    if (!job) return false;
    const now = this.now();
    this.repo.put(withSuccess(job, now));
    this.graph.resetInvocations(name);
    this.runChildren(name, now);
    return true;
  }

  /** Kills every running task of the job. */
  killTasks(name: string): void {
    const driver = this.options.driver();
    for (const [taskId, task] of this.running.get(name) ?? []) {
      this.options.logger.info(`Killing task '${taskId}'`);
      driver?.kill({ value: taskId }, task.agentId).catch((e: unknown) => this.options.logger.warn(`KILL of '${taskId}' failed: ${(e as Error).message}`));
    }
  }

  // ---- views --------------------------------------------------------------

  /** Running tasks of a job. */
  runningCount(name: string): number {
    return this.running.get(name)?.size ?? 0;
  }

  /** Running task ids of a job (for the UI and tests). */
  runningTasks(name: string): string[] {
    return [...(this.running.get(name)?.keys() ?? [])];
  }

  /** `idle`, `queued`, `running` or `<n> running` (`JobStats.getJobState`). */
  jobState(name: string): string {
    const n = this.runningCount(name);
    if (n > 1) return `${n} running`;
    if (n === 1) return 'running';
    return this.queue.has(name) ? 'queued' : 'idle';
  }

  private markRunning(job: string, taskId: string, task: RunningTask): void {
    const map = this.running.get(job) ?? new Map<string, RunningTask>();
    map.set(taskId, { agentId: task.agentId ?? map.get(taskId)?.agentId, state: task.state });
    this.running.set(job, map);
  }

  private unmarkRunning(job: string, taskId: string): void {
    const map = this.running.get(job);
    if (!map) return;
    map.delete(taskId);
    if (map.size === 0) this.running.delete(job);
  }

  private rememberTerminal(taskId: string): void {
    this.seenTerminal.add(taskId);
    if (this.seenTerminal.size > SEEN_TERMINAL_LIMIT) {
      const oldest = this.seenTerminal.values().next().value;
      if (oldest !== undefined) this.seenTerminal.delete(oldest);
    }
  }
}
