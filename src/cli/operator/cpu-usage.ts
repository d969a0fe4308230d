/**
 * `meseta top` arithmetic: per-executor cpu% from two `/monitor/statistics`
 * samples, as the Mesos web UI computes it (difference of
 * `cpus_user_time_secs + cpus_system_time_secs` over the difference of
 * `timestamp`), joined with task and framework names from `/master/state`.
 * 100% = one core busy for the whole interval. Pure.
 */
import type { MasterState, MonitorEntry } from './classic-json.js';
import { renderTable, type Column } from './table.js';
import { formatBytes, formatCpus, formatPercent } from './units.js';

/** One agent's `/monitor/statistics` answer, tagged with the agent. */
export interface AgentSample {
  agentId: string;
  hostname: string;
  entries: readonly MonitorEntry[];
}

/** One executor's line in `meseta top`. Bytes for memory; cpu_percent of one core. */
export interface TopRow {
  agent_id: string;
  agent_hostname: string;
  framework_id: string;
  framework_name: string;
  executor_id: string;
  /** Names of the executor's active tasks (for a command task: the task itself). */
  tasks: string[];
  /** undefined → null in JSON: only one sample, or the counters went backwards (a new container). */
  cpu_percent: number | null;
  cpus_limit: number | null;
  mem_rss_bytes: number | null;
  mem_limit_bytes: number | null;
  /** Of the later sample, float seconds. */
  timestamp: number;
}

/** Total cpu seconds (user + system) of a sample, or undefined if it reports neither. */
function cpuSeconds(entry: MonitorEntry): number | undefined {
  const s = entry.statistics;
  if (s.cpus_user_time_secs === undefined && s.cpus_system_time_secs === undefined) return undefined;
  return (s.cpus_user_time_secs ?? 0) + (s.cpus_system_time_secs ?? 0);
}

/**
 * cpu% between two samples of the same executor: 100 × Δcpu-seconds ÷
 * Δtimestamp. undefined when either lacks cpu times, time did not advance,
 * or the cpu time decreased (the executor was replaced between samples).
 */
export function cpuPercent(before: MonitorEntry | undefined, after: MonitorEntry): number | undefined {
  if (!before) return undefined;
  const a = cpuSeconds(before);
  const b = cpuSeconds(after);
  const dt = after.statistics.timestamp - before.statistics.timestamp;
  if (a === undefined || b === undefined || !(dt > 0) || b < a) return undefined;
  return (100 * (b - a)) / dt;
}

function key(agentId: string, e: MonitorEntry): string {
  return `${agentId}\u0000${e.framework_id}\u0000${e.executor_id}`;
}

/** `framework/executor` → active task names, and framework id → name, from the master's state. */
function namesFrom(state: MasterState): { tasks: Map<string, string[]>; frameworks: Map<string, string> } {
  const tasks = new Map<string, string[]>();
  const frameworks = new Map<string, string>();
  for (const f of [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])]) {
    frameworks.set(f.id, f.name ?? '');
    for (const t of f.tasks ?? []) {
      // Command tasks have no executor id of their own in classic JSON: their executor is named after the task.
      const k = `${t.framework_id || f.id}\u0000${t.executor_id || t.id}`;
      tasks.set(k, [...(tasks.get(k) ?? []), t.name ?? t.id]);
    }
  }
  return { tasks, frameworks };
}

/**
 * Rows for every executor in `after`, with cpu% against the same executor in
 * `before` (omit `before` for a single sample). Sorted by cpu% (highest
 * first, unknown last), then agent hostname, then executor id.
 */
export function topRows(before: readonly AgentSample[] | undefined, after: readonly AgentSample[], state: MasterState): TopRow[] {
  const previous = new Map<string, MonitorEntry>();
  for (const sample of before ?? []) for (const e of sample.entries) previous.set(key(sample.agentId, e), e);
  const names = namesFrom(state);
  const rows: TopRow[] = [];
  for (const sample of after) {
    for (const e of sample.entries) {
      const s = e.statistics;
      rows.push({
        agent_id: sample.agentId,
        agent_hostname: sample.hostname,
        framework_id: e.framework_id,
        framework_name: names.frameworks.get(e.framework_id) ?? '',
        executor_id: e.executor_id,
        tasks: names.tasks.get(`${e.framework_id}\u0000${e.executor_id}`) ?? [],
        cpu_percent: cpuPercent(previous.get(key(sample.agentId, e)), e) ?? null,
        cpus_limit: s.cpus_limit ?? null,
        mem_rss_bytes: s.mem_rss_bytes ?? null,
        mem_limit_bytes: s.mem_limit_bytes ?? null,
        timestamp: s.timestamp,
      });
    }
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort(
    (a, b) =>
      (b.cpu_percent ?? -1) - (a.cpu_percent ?? -1) || cmp(a.agent_hostname, b.agent_hostname) || cmp(a.executor_id, b.executor_id),
  );
}

const COLUMNS: Column[] = [
  { header: 'EXECUTOR' },
  { header: 'TASKS' },
  { header: 'FRAMEWORK' },
  { header: 'AGENT' },
  { header: 'CPU%', align: 'right' },
  { header: 'CPUS', align: 'right' },
  { header: 'MEM', align: 'right' },
  { header: 'MEM LIMIT', align: 'right' },
  { header: 'MEM%', align: 'right' },
];

/** The `meseta top` table. */
export function renderTopTable(rows: readonly TopRow[]): string {
  return renderTable(
    COLUMNS,
    rows.map((r) => [
      r.executor_id,
      r.tasks.join(',') || '-',
      r.framework_name || r.framework_id,
      r.agent_hostname || r.agent_id,
      formatPercent(r.cpu_percent ?? undefined),
      r.cpus_limit === null ? '-' : formatCpus(r.cpus_limit),
      r.mem_rss_bytes === null ? '-' : formatBytes(r.mem_rss_bytes),
      r.mem_limit_bytes === null ? '-' : formatBytes(r.mem_limit_bytes),
      r.mem_rss_bytes !== null && r.mem_limit_bytes ? formatPercent((100 * r.mem_rss_bytes) / r.mem_limit_bytes) : '-',
    ]),
  );
}
