/**
 * Tasks: active and completed, searchable by id or name and filterable by
 * state, framework and agent. Filters live in the URL (`#/tasks?state=…`), so a
 * filtered view can be linked to.
 */
import { useState } from 'preact/hooks';
import { Card, Loading, PageTitle } from '../../components/common.js';
import { stateLabel } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import { TASK_STATES, filterTasks, taskRows, type TaskFilter } from '../cluster-model.js';
import { TaskTable } from './task-table.js';
import type { SnapshotProps } from './overview-page.js';

/** The tasks page. */
export function TasksPage({ snapshot, query, now }: SnapshotProps & { query: Record<string, string> }) {
  const [filter, setFilter] = useState<TaskFilter>({
    text: query.q ?? '',
    state: query.state ?? '',
    frameworkId: query.framework ?? '',
    agentId: query.agent ?? '',
  });
  const state = snapshot.state;
  if (!state) return snapshot.loading ? <Loading what="tasks" /> : <PageTitle title="Tasks" />;

  const update = (change: Partial<TaskFilter>): void => {
    const next = { ...filter, ...change };
    setFilter(next);
    // The URL follows the filters without a history entry per keystroke.
    history.replaceState(null, '', href('tasks', { q: next.text, state: next.state, framework: next.frameworkId, agent: next.agentId }));
  };
  const rows = taskRows(state);
  const matching = filterTasks(rows, filter);
  const active = matching.filter((r) => r.active);
  const completed = matching.filter((r) => !r.active);
  const frameworks = [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])];
  const value = (e: Event): string => (e.target as HTMLInputElement | HTMLSelectElement).value;
  return (
    <>
      <PageTitle title="Tasks" />
      <form class="filters" role="search" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Search</span>
          <input type="search" name="q" value={filter.text} placeholder="task id or name" onInput={(e) => update({ text: value(e) })} />
        </label>
        <label>
          <span>State</span>
          <select name="state" value={filter.state} onChange={(e) => update({ state: value(e) })}>
            <option value="">any</option>
            <option value="active">active</option>
            <option value="completed">completed</option>
            {TASK_STATES.map((s) => (
              <option key={s} value={s}>
                {stateLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Framework</span>
          <select name="framework" value={filter.frameworkId} onChange={(e) => update({ frameworkId: value(e) })}>
            <option value="">any</option>
            {frameworks.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name} ({f.id.slice(-8)})
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Agent</span>
          <select name="agent" value={filter.agentId} onChange={(e) => update({ agentId: value(e) })}>
            <option value="">any</option>
            {(state.slaves ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.hostname} ({a.id.slice(-6)})
              </option>
            ))}
          </select>
        </label>
        <p class="muted" aria-live="polite">
          {matching.length} of {rows.length} tasks
        </p>
      </form>
      <Card title={`Active tasks (${active.length})`} wide>
        <TaskTable rows={active} now={now} label="Active tasks" empty="No active tasks match." />
      </Card>
      <Card title={`Completed tasks (${completed.length})`} wide>
        <TaskTable rows={completed} now={now} label="Completed tasks" empty="No completed tasks match." />
      </Card>
    </>
  );
}
