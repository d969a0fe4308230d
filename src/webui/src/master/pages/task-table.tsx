/** The task table used by the tasks, agent and framework pages. */
import { DataTable, type Column } from '../../components/data-table.js';
import { ShortId, StateBadge, formatScalar } from '../../components/common.js';
import { formatRelative } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import { scalar, sandboxPath, type TaskRow } from '../cluster-model.js';

/** Which columns to leave out where the page already says them. */
export interface TaskTableProps {
  rows: TaskRow[];
  now: number;
  label: string;
  hideFramework?: boolean;
  hideAgent?: boolean;
  empty?: string;
}

/** Tasks with state, framework, agent, resources, times and a sandbox link. */
export function TaskTable({ rows, now, label, hideFramework, hideAgent, empty }: TaskTableProps) {
  const columns: Array<Column<TaskRow>> = [
    {
      key: 'id',
      label: 'Task',
      render: (r) => (
        <a href={href('tasks', r.framework.id, r.task.id)} data-task-id={r.task.id}>
          {r.task.id}
        </a>
      ),
      sort: (r) => r.task.id,
    },
    { key: 'name', label: 'Name', render: (r) => r.task.name, sort: (r) => r.task.name ?? '' },
    { key: 'state', label: 'State', render: (r) => <StateBadge state={r.task.state} />, sort: (r) => r.task.state },
  ];
  if (!hideFramework) {
    columns.push({
      key: 'framework',
      label: 'Framework',
      render: (r) => <a href={href('frameworks', r.framework.id)}>{r.framework.name || <ShortId id={r.framework.id} />}</a>,
      sort: (r) => r.framework.name,
    });
  }
  if (!hideAgent) {
    columns.push({
      key: 'agent',
      label: 'Agent',
      render: (r) => <a href={href('agents', r.task.slave_id)}>{r.agent?.hostname ?? <ShortId id={r.task.slave_id} />}</a>,
      sort: (r) => r.agent?.hostname ?? r.task.slave_id,
    });
  }
  columns.push(
    { key: 'cpus', label: 'CPUs', align: 'right', render: (r) => formatScalar('cpus', scalar(r.task.resources, 'cpus')), sort: (r) => scalar(r.task.resources, 'cpus') },
    { key: 'mem', label: 'Mem', align: 'right', render: (r) => formatScalar('mem', scalar(r.task.resources, 'mem')), sort: (r) => scalar(r.task.resources, 'mem') },
    { key: 'started', label: 'Started', render: (r) => formatRelative(r.started, now), sort: (r) => r.started },
    { key: 'updated', label: 'Updated', render: (r) => formatRelative(r.updated, now), sort: (r) => r.updated },
    {
      key: 'sandbox',
      label: 'Sandbox',
      render: (r) => (
        <a href={href('browse', { path: sandboxPath(r.task), task: `${r.framework.id}/${r.task.id}` })} aria-label={`Sandbox of ${r.task.id}`}>
          Sandbox
        </a>
      ),
    },
  );
  return <DataTable label={label} columns={columns} rows={rows} rowKey={(r) => `${r.framework.id}/${r.task.id}`} empty={empty ?? 'No tasks.'} />;
}
