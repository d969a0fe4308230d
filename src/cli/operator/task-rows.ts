/**
 * Tasks as the master knows them: every task of `/master/state` (active,
 * unreachable and completed, in registered and completed frameworks),
 * flattened with its framework and agent, then filtered for `meseta tasks`
 * and looked up by `meseta logs`. Pure.
 */
import { isTerminalState } from '../../mesos/task-states.js';
import type { TaskState } from '../../mesos/types.js';
import type { ClassicAgent, ClassicTask, MasterState } from './classic-json.js';
import { agentEndpoint } from './cluster-client.js';
import { endpointText } from './http-json.js';
import { renderTable, type Column } from './table.js';
import { formatAge, formatCpus, formatMb } from './units.js';

/** One task, flattened. cpus in cores, mem in MB, times in float seconds. */
export interface TaskRow {
  id: string;
  name: string;
  framework_id: string;
  framework_name: string;
  agent_id: string;
  /** The agent's hostname, '' when the agent is not registered any more. */
  agent_hostname: string;
  /** The agent's `ip:port`, '' when unknown. */
  agent_endpoint: string;
  state: string;
  cpus: number;
  mem: number;
  /** When it started running (first TASK_RUNNING status, else first status); null if never. */
  started: number | null;
  /** Where the master lists it: `tasks`, `unreachable_tasks` or `completed_tasks`. */
  list: 'tasks' | 'unreachable_tasks' | 'completed_tasks';
}

/** Filters of `meseta tasks`. */
export interface TaskFilter {
  /** Include terminal and unreachable tasks. */
  all: boolean;
  /** Canonical states (`TASK_RUNNING`); empty = any. A non-empty list searches every task, as if `all`. */
  states: readonly string[];
  /** Framework id or name. */
  framework?: string;
  /** Agent id, hostname or `ip:port`. */
  agent?: string;
}

function startedAt(task: ClassicTask): number | null {
  const statuses = task.statuses ?? [];
  const running = statuses.find((s) => s.state === 'TASK_RUNNING');
  return running?.timestamp ?? statuses[0]?.timestamp ?? null;
}

function isTerminal(state: string): boolean {
  return isTerminalState(state as TaskState);
}

/** Every task the master reports, in no particular order. */
export function allTasks(state: MasterState): TaskRow[] {
  const agents = new Map<string, ClassicAgent>((state.slaves ?? []).map((a) => [a.id, a]));
  const rows: TaskRow[] = [];
  for (const framework of [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])]) {
    const lists = [
      ['tasks', framework.tasks],
      ['unreachable_tasks', framework.unreachable_tasks],
      ['completed_tasks', framework.completed_tasks],
    ] as const;
    for (const [list, tasks] of lists) {
      for (const task of tasks ?? []) {
        const agent = agents.get(task.slave_id);
        const endpoint = agent ? agentEndpoint(agent) : undefined;
        rows.push({
          id: task.id,
          name: task.name ?? '',
          framework_id: task.framework_id || framework.id,
          framework_name: framework.name ?? '',
          agent_id: task.slave_id,
          agent_hostname: agent?.hostname ?? '',
          agent_endpoint: endpoint ? endpointText(endpoint) : '',
          state: task.state ?? 'TASK_STAGING',
          cpus: task.resources?.cpus ?? 0,
          mem: task.resources?.mem ?? 0,
          started: startedAt(task),
          list,
        });
      }
    }
  }
  return rows;
}

/** Active = listed under `tasks` and not terminal (a just-finished task may linger there). */
export function isActiveTask(row: TaskRow): boolean {
  return row.list === 'tasks' && !isTerminal(row.state);
}

/** The tasks `filter` selects, sorted by name, then id, then framework id. */
export function filterTasks(rows: readonly TaskRow[], filter: TaskFilter): TaskRow[] {
  const searchAll = filter.all || filter.states.length > 0;
  return rows
    .filter((r) => searchAll || isActiveTask(r))
    .filter((r) => filter.states.length === 0 || filter.states.includes(r.state))
    .filter((r) => filter.framework === undefined || r.framework_id === filter.framework || r.framework_name === filter.framework)
    .filter(
      (r) =>
        filter.agent === undefined ||
        r.agent_id === filter.agent ||
        r.agent_hostname === filter.agent ||
        (r.agent_endpoint !== '' && r.agent_endpoint === filter.agent),
    )
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id) || cmp(a.framework_id, b.framework_id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const COLUMNS: Column[] = [
  { header: 'ID' },
  { header: 'NAME' },
  { header: 'FRAMEWORK' },
  { header: 'AGENT' },
  { header: 'STATE' },
  { header: 'CPUS', align: 'right' },
  { header: 'MEM', align: 'right' },
  { header: 'STARTED', align: 'right' },
];

/** The tasks table; STARTED is an age (`12s`, `3m`) seen at `nowMs`; state without `TASK_`. */
export function renderTasksTable(rows: readonly TaskRow[], nowMs: number): string {
  return renderTable(
    COLUMNS,
    rows.map((r) => [
      r.id,
      r.name,
      r.framework_name || r.framework_id,
      r.agent_hostname || r.agent_id,
      r.state.replace(/^TASK_/, ''),
      formatCpus(r.cpus),
      formatMb(r.mem),
      r.started === null ? '-' : `${formatAge(r.started, nowMs)} ago`,
    ]),
  );
}
