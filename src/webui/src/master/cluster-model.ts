/**
 * Views over one `/master/state` document and one `/metrics/snapshot`, as the
 * pages show them: resource totals (total / used / offered / idle), task rows
 * with their framework and agent, filters. Pure: no fetch, no clock.
 */
import type { ClassicAgent, ClassicFramework, ClassicTask, MasterState, MetricsSnapshot, ResourceSummary } from './state-types.js';

/** The scalar resources the overview shows, in the order it shows them. */
export const SCALARS = ['cpus', 'mem', 'disk', 'gpus'] as const;
/** One of `SCALARS`. */
export type ScalarName = (typeof SCALARS)[number];

/** One row of the overview's resource table (cpus, or MB for mem/disk). */
export interface ResourceRow {
  name: ScalarName;
  total: number;
  used: number;
  offered: number;
  /** total − used − offered, never below 0 (Mesos's UI calls it "idle"). */
  idle: number;
}

/** A scalar from a summary, 0 when absent. */
export function scalar(summary: ResourceSummary | undefined, name: string): number {
  const value = summary?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Resource rows from `/metrics/snapshot` (`master/<r>_total`, `_used`,
 * `_offered`), the same figures Mesos's own UI shows; falls back to summing
 * `/master/state` agents when a metric is missing.
 */
export function resourceRows(metrics: MetricsSnapshot | undefined, state: MasterState | undefined): ResourceRow[] {
  return SCALARS.map((name) => {
    const fromState = (field: 'resources' | 'used_resources' | 'offered_resources'): number =>
      (state?.slaves ?? []).reduce((sum, agent) => sum + scalar(agent[field], name), 0);
    const total = metrics?.[`master/${name}_total`] ?? fromState('resources');
    const used = metrics?.[`master/${name}_used`] ?? fromState('used_resources');
    const offered = metrics?.[`master/${name}_offered`] ?? fromState('offered_resources');
    return { name, total, used, offered, idle: Math.max(0, total - used - offered) };
  });
}

/** Agent counts as the overview shows them. */
export interface AgentCounts {
  active: number;
  inactive: number;
  unreachable: number;
}

/** Agent counts from the metrics (`master/slaves_active|inactive|unreachable`), else from state. */
export function agentCounts(metrics: MetricsSnapshot | undefined, state: MasterState | undefined): AgentCounts {
  return {
    active: metrics?.['master/slaves_active'] ?? state?.activated_slaves ?? 0,
    inactive: metrics?.['master/slaves_inactive'] ?? state?.deactivated_slaves ?? 0,
    unreachable: metrics?.['master/slaves_unreachable'] ?? state?.unreachable_slaves ?? 0,
  };
}

/** Task states in the order Mesos lists them, with their metric names. */
export const TASK_STATES = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE',
  'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE',
] as const;

/** Terminal states: the task holds no resources any more. */
export const TERMINAL_STATES = new Set([
  'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN',
]);

/** `master/tasks_<state>` for every state in `TASK_STATES` (0 when absent). */
export function taskStateCounts(metrics: MetricsSnapshot | undefined): Array<{ state: string; count: number }> {
  return TASK_STATES.map((state) => ({ state, count: metrics?.[`master/tasks_${state.slice(5).toLowerCase()}`] ?? 0 }));
}

/** A task with where it lives, for the task tables. `active` is false for completed tasks. */
export interface TaskRow {
  task: ClassicTask;
  framework: ClassicFramework;
  agent?: ClassicAgent;
  active: boolean;
  /** When the task was first seen (its first status), epoch seconds; 0 if unknown. */
  started: number;
  /** Its latest status time, epoch seconds; 0 if unknown. */
  updated: number;
}

/**
 * Every task in the state, active (including unreachable) then completed, of
 * active and completed frameworks; each with its framework and agent. Newest
 * first within each group.
 */
export function taskRows(state: MasterState | undefined): TaskRow[] {
  if (!state) return [];
  const agents = new Map((state.slaves ?? []).map((a) => [a.id, a]));
  const active: TaskRow[] = [];
  const completed: TaskRow[] = [];
  const row = (task: ClassicTask, framework: ClassicFramework, isActive: boolean): TaskRow => ({
    task,
    framework,
    agent: agents.get(task.slave_id),
    active: isActive,
    started: task.statuses?.[0]?.timestamp ?? 0,
    updated: task.statuses?.[task.statuses.length - 1]?.timestamp ?? 0,
  });
  for (const framework of [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])]) {
    for (const task of framework.tasks ?? []) active.push(row(task, framework, !TERMINAL_STATES.has(task.state)));
    for (const task of framework.unreachable_tasks ?? []) active.push(row(task, framework, true));
    for (const task of framework.completed_tasks ?? []) completed.push(row(task, framework, false));
  }
  // A terminal task not yet moved to completed_tasks belongs with the completed ones.
  const byNewest = (a: TaskRow, b: TaskRow): number => b.started - a.started || a.task.id.localeCompare(b.task.id);
  return [...active.filter((r) => r.active).sort(byNewest), ...[...active.filter((r) => !r.active), ...completed].sort(byNewest)];
}

/** What the tasks page filters on; empty strings mean "any". */
export interface TaskFilter {
  /** Case-insensitive substring of the task id or name. */
  text: string;
  /** A `TASK_*` state, or 'active' / 'completed'. */
  state: string;
  frameworkId: string;
  agentId: string;
}

/** The rows that pass `filter`, order kept. */
export function filterTasks(rows: TaskRow[], filter: TaskFilter): TaskRow[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter((r) => {
    if (text && !r.task.id.toLowerCase().includes(text) && !(r.task.name ?? '').toLowerCase().includes(text)) return false;
    if (filter.state === 'active' && !r.active) return false;
    if (filter.state === 'completed' && r.active) return false;
    if (filter.state.startsWith('TASK_') && r.task.state !== filter.state) return false;
    if (filter.frameworkId && r.framework.id !== filter.frameworkId) return false;
    if (filter.agentId && r.task.slave_id !== filter.agentId) return false;
    return true;
  });
}

/** Finds one task by framework and task id (task ids are unique within a framework only). */
export function findTask(state: MasterState | undefined, frameworkId: string, taskId: string): TaskRow | undefined {
  return taskRows(state).find((r) => r.framework.id === frameworkId && r.task.id === taskId);
}

/**
 * The sandbox of a task as a virtual path the master's `/files/*` resolves:
 * `/frameworks/<fw>/executors/<ex>/runs/latest` (Mesos `getExecutorVirtualPath`).
 * A command task's executor id is its task id, which classic JSON reports as ''.
 */
export function sandboxPath(task: Pick<ClassicTask, 'framework_id' | 'executor_id' | 'id'>): string {
  const executor = task.executor_id || task.id;
  return `/frameworks/${task.framework_id}/executors/${executor}/runs/latest`;
}

/** The roles a framework asked for (`roles` of MULTI_ROLE frameworks, else `role`). */
export function frameworkRoles(framework: ClassicFramework): string[] {
  return framework.roles ?? (framework.role !== undefined ? [framework.role] : ['*']);
}

/** Active tasks of one agent across every framework. */
export function agentTasks(state: MasterState | undefined, agentId: string): TaskRow[] {
  return taskRows(state).filter((r) => r.task.slave_id === agentId);
}

/**
 * Poll period for a cluster of `agents` agents, in ms: 2 s, plus a second per
 * hundred agents, at most 30 s. The state of a big cluster is megabytes; the
 * Mesos UI likewise slows its polling as the cluster grows.
 */
export function pollIntervalMs(agents: number): number {
  return Math.min(30_000, 2000 + Math.floor(agents / 100) * 1000);
}
