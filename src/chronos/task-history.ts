/**
 * The last runs of each job, for `taskStatHistory` in `GET /job/stat/{name}`
 * (Chronos: `TaskStat` rows in Cassandra, limited by `--job_history_limit`).
 * Kept in memory by the leader, like the histograms: a new leader starts
 * empty. Pure: times come in as arguments.
 *
 *   launch ──► Running (start = launch time) ──► Success (TASK_FINISHED)
 *                                            └─► Fail (FAILED, LOST, ERROR, DROPPED, KILLED)
 *
 * Besides Chronos's fields each entry carries what a UI needs to find the
 * run's sandbox on the master: agent, framework and executor ids, the
 * agent's hostname, the Mesos task state and epoch-ms times.
 */
import type { TaskState } from '../mesos/types.js';

/** Chronos's `ChronosTaskStatus` (Idle is never recorded). */
export type RunStatus = 'Running' | 'Success' | 'Fail';

/** One run of a job. Times in epoch ms. */
export interface TaskRun {
  taskId: string;
  jobName: string;
  /** Agent id (`slaveId` in Chronos's JSON). */
  agentId: string;
  /** The agent's hostname, from the offer. */
  hostname: string;
  /** Framework id at launch; '' when not yet known. */
  frameworkId: string;
  /** The command executor's id is the task id; a custom executor's is the job name. */
  executorId: string;
  /** Last Mesos state seen. */
  state: TaskState;
  status: RunStatus;
  startMs: number;
  endMs?: number;
}

/** What a launch tells us. */
export type LaunchFacts = Pick<TaskRun, 'taskId' | 'jobName' | 'agentId' | 'hostname' | 'frameworkId' | 'executorId'>;

/** Runs kept per job (Chronos's `--job_history_limit` default is 5; the UI wants more). */
export const DEFAULT_RUNS_PER_JOB = 20;

const SUCCESS: ReadonlySet<TaskState> = new Set(['TASK_FINISHED']);
const FAIL: ReadonlySet<TaskState> = new Set(['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_KILLED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

/** Bounded run history per job, oldest first. */
export class TaskHistory {
  private readonly runs = new Map<string, TaskRun[]>();

  /** `limit`: runs kept per job (≥ 1). */
  constructor(private readonly limit: number = DEFAULT_RUNS_PER_JOB) {}

  /** Records a launch at `nowMs` as Running. A task id seen before is left as it is. */
  launched(facts: LaunchFacts, nowMs: number): void {
    const list = this.runs.get(facts.jobName) ?? [];
    if (list.some((r) => r.taskId === facts.taskId)) return;
    list.push({ ...facts, state: 'TASK_STAGING', status: 'Running', startMs: nowMs });
    while (list.length > this.limit) list.shift();
    this.runs.set(facts.jobName, list);
  }

  /**
   * Applies a status update: a terminal state ends the run (Success or Fail)
   * at `nowMs`; others only note the state. Updates for runs not recorded
   * (launched by an earlier leader) or already ended are ignored.
   */
  updated(jobName: string, taskId: string, state: TaskState, nowMs: number, agentId?: string): void {
    const run = this.runs.get(jobName)?.find((r) => r.taskId === taskId);
    if (!run || run.endMs !== undefined) return;
    run.state = state;
    if (agentId && run.agentId === '') run.agentId = agentId;
    if (SUCCESS.has(state) || FAIL.has(state)) {
      run.status = SUCCESS.has(state) ? 'Success' : 'Fail';
      run.endMs = nowMs;
    }
  }

  /** Drops one run (its LAUNCH was refused, so it never ran). */
  discard(jobName: string, taskId: string): void {
    const list = this.runs.get(jobName);
    if (!list) return;
    const at = list.findIndex((r) => r.taskId === taskId);
    if (at >= 0) list.splice(at, 1);
  }

  /** Drops a deleted job's runs. */
  forget(jobName: string): void {
    this.runs.delete(jobName);
  }

  /** A copy of the job's runs, oldest first. */
  of(jobName: string): TaskRun[] {
    return (this.runs.get(jobName) ?? []).map((r) => ({ ...r }));
  }
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Joda's `MM/dd/yy HH:mm:ss` in UTC (Chronos prints in the JVM's zone; ours is UTC), or `N/A`. */
export function chronosTime(ms: number | undefined): string {
  if (ms === undefined) return 'N/A';
  const d = new Date(ms);
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** A duration as Chronos's PeriodFormatter prints it: `1d2h3m4s`, zero fields left out except seconds (`0s`). */
export function chronosDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds}s`;
}

/**
 * One `taskStatHistory` item: Chronos's fields (`taskId`, `jobName`,
 * `slaveId`, `startTime`, `endTime`, `duration` once ended, `status`) then
 * Meseta's additions (`hostname`, `frameworkId`, `executorId`, `taskState`,
 * `startedAt`/`endedAt` as ISO 8601 UTC).
 */
export function taskStatJson(run: TaskRun): Record<string, unknown> {
  return {
    taskId: run.taskId,
    jobName: run.jobName,
    slaveId: run.agentId,
    startTime: chronosTime(run.startMs),
    endTime: chronosTime(run.endMs),
    ...(run.endMs !== undefined ? { duration: chronosDuration(run.endMs - run.startMs) } : {}),
    status: run.status,
    hostname: run.hostname,
    frameworkId: run.frameworkId,
    executorId: run.executorId,
    taskState: run.state,
    startedAt: new Date(run.startMs).toISOString(),
    ...(run.endMs !== undefined ? { endedAt: new Date(run.endMs).toISOString() } : {}),
  };
}
