/**
 * `meseta frameworks`: one row per framework of `/master/state`, as JSON
 * (`--json`) or a table. Pure.
 */
import { isTerminalState } from '../../mesos/task-states.js';
import type { TaskState } from '../../mesos/types.js';
import type { ClassicFramework, MasterState } from './classic-json.js';
import { renderTable, type Column } from './table.js';
import { formatCpus, formatMb } from './units.js';

/** One framework; `cpus_used` in cores, `mem_used` in MB. */
export interface FrameworkRow {
  id: string;
  name: string;
  active: boolean;
  connected: boolean;
  /** False for `completed_frameworks` entries. */
  registered: boolean;
  /** `roles` of a MULTI_ROLE framework, else `[role]`. */
  roles: string[];
  /** Non-terminal tasks. */
  tasks: number;
  cpus_used: number;
  mem_used: number;
}

function row(f: ClassicFramework, registered: boolean): FrameworkRow {
  const tasks = (f.tasks ?? []).filter((t) => t.state === undefined || !isTerminalState(t.state as TaskState)).length;
  return {
    id: f.id,
    name: f.name ?? '',
    active: registered && (f.active ?? false),
    connected: registered && (f.connected ?? false),
    registered,
    roles: f.roles ?? (f.role !== undefined ? [f.role] : []),
    tasks,
    cpus_used: f.used_resources?.cpus ?? 0,
    mem_used: f.used_resources?.mem ?? 0,
  };
}

/** Registered frameworks (and completed ones with `includeCompleted`), sorted by name then id. */
export function frameworkRows(state: MasterState, includeCompleted: boolean): FrameworkRow[] {
  const rows = (state.frameworks ?? []).map((f) => row(f, true));
  if (includeCompleted) rows.push(...(state.completed_frameworks ?? []).map((f) => row(f, false)));
  return rows.sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.name < b.name ? -1 : 1));
}

/** `active`, `inactive` (registered, not connected or deactivated) or `completed`. */
export function frameworkStatus(r: FrameworkRow): string {
  if (!r.registered) return 'completed';
  if (r.active && r.connected) return 'active';
  return r.connected ? 'inactive' : 'disconnected';
}

const COLUMNS: Column[] = [
  { header: 'ID' },
  { header: 'NAME' },
  { header: 'STATUS' },
  { header: 'ROLES' },
  { header: 'TASKS', align: 'right' },
  { header: 'CPUS', align: 'right' },
  { header: 'MEM', align: 'right' },
];

/** The frameworks table. */
export function renderFrameworksTable(rows: readonly FrameworkRow[]): string {
  return renderTable(
    COLUMNS,
    rows.map((r) => [
      r.id,
      r.name,
      frameworkStatus(r),
      r.roles.join(',') || '-',
      String(r.tasks),
      formatCpus(r.cpus_used),
      formatMb(r.mem_used),
    ]),
  );
}
