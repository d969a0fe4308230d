/**
 * One task: where it runs, its resources and its status history. The classic
 * state carries each status's state and time; reasons and messages come from
 * the v1 operator API's GET_TASKS (public, read-only), when the master answers it.
 */
import { useEffect, useState } from 'preact/hooks';
import { Card, ErrorNote, Fields, Loading, PageTitle, StateBadge, formatScalar } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { formatRelative, formatTimestamp } from '../../lib/format.js';
import { sendJson } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import { findTask, sandboxPath, scalar } from '../cluster-model.js';
import type { ClassicStatus } from '../state-types.js';
import type { SnapshotProps } from './overview-page.js';

/** A v1 TaskStatus, the fields this page shows. */
interface V1Status {
  state: string;
  timestamp?: number;
  reason?: string;
  message?: string;
  source?: string;
  healthy?: boolean;
}

interface V1Task {
  task_id: { value: string };
  framework_id: { value: string };
  statuses?: V1Status[];
}

/** Statuses with reasons from GET_TASKS, or undefined when the master cannot say. */
async function v1Statuses(frameworkId: string, taskId: string): Promise<ClassicStatus[] | undefined> {
  const answer = await sendJson('/api/v1', 'POST', { type: 'GET_TASKS' });
  if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) return undefined;
  const lists = (answer.body as { get_tasks?: Record<string, V1Task[] | undefined> }).get_tasks ?? {};
  const all = [...(lists.tasks ?? []), ...(lists.completed_tasks ?? []), ...(lists.unreachable_tasks ?? []), ...(lists.orphan_tasks ?? [])];
  const task = all.find((t) => t.task_id.value === taskId && t.framework_id.value === frameworkId);
  return task?.statuses?.map((s) => ({ state: s.state, timestamp: s.timestamp ?? 0, reason: s.reason, message: s.message, source: s.source, healthy: s.healthy }));
}

/** The task page. */
export function TaskPage({ snapshot, frameworkId, taskId, now }: SnapshotProps & { frameworkId: string; taskId: string }) {
  const row = findTask(snapshot.state, frameworkId, taskId);
  const [detailed, setDetailed] = useState<ClassicStatus[] | undefined>(undefined);
  const statusCount = row?.task.statuses?.length ?? 0;
  useEffect(() => {
    let cancelled = false;
    v1Statuses(frameworkId, taskId)
      .then((statuses) => !cancelled && setDetailed(statuses))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [frameworkId, taskId, statusCount]);
  if (!snapshot.state) return <Loading what="the task" />;
  if (!row) return <ErrorNote>No task {taskId} of framework {frameworkId} is known to this master (completed tasks are kept only up to its limit).</ErrorNote>;
  const { task, framework, agent } = row;
  const statuses = (detailed && detailed.length >= statusCount ? detailed : task.statuses ?? []).map((s, i) => ({ ...s, i }));
  return (
    <>
      <PageTitle title={`Task ${task.id}`}>
        <StateBadge state={task.state} />
      </PageTitle>
      <div class="grid">
        <Card title="Task">
          <Fields
            rows={[
              ['Id', <span class="mono">{task.id}</span>],
              ['Name', task.name],
              ['State', task.state],
              ['Framework', <a href={href('frameworks', framework.id)}>{framework.name}</a>],
              ['Agent', <a href={href('agents', task.slave_id)}>{agent?.hostname ?? task.slave_id}</a>],
              ['Executor', task.executor_id || '(command executor)'],
              ['Role', task.role],
              ['User', task.user],
              ['Container', task.container?.docker?.image ? `Docker ${task.container.docker.image}` : task.container?.type],
              ['Labels', task.labels?.map((l) => `${l.key}=${l.value ?? ''}`).join(', ')],
              ['Started', row.started ? `${formatTimestamp(row.started)} (${formatRelative(row.started, now)})` : undefined],
            ]}
          />
          <p class="actions">
            <a class="button" href={href('browse', { path: sandboxPath(task), task: `${framework.id}/${task.id}` })}>
              Sandbox
            </a>
            <a class="button" href={href('view', { path: `${sandboxPath(task)}/stdout` })}>
              stdout
            </a>
            <a class="button" href={href('view', { path: `${sandboxPath(task)}/stderr` })}>
              stderr
            </a>
          </p>
        </Card>
        <Card title="Resources">
          <Fields
            rows={(['cpus', 'mem', 'disk', 'gpus'] as const)
              .filter((n) => scalar(task.resources, n) > 0)
              .map((n) => [n, formatScalar(n, scalar(task.resources, n))] as [string, string])
              .concat(task.resources.ports ? [['ports', String(task.resources.ports)]] : [])}
          />
        </Card>
      </div>
      <Card title="Status history" wide>
        <DataTable
          label="Status history"
          rows={statuses}
          rowKey={(s) => String(s.i)}
          empty="No status updates yet."
          columns={[
            { key: 'state', label: 'State', render: (s) => <StateBadge state={s.state} /> },
            { key: 'time', label: 'Time', render: (s) => <time dateTime={new Date(s.timestamp * 1000).toISOString()}>{formatTimestamp(s.timestamp)}</time> },
            { key: 'ago', label: 'When', render: (s) => formatRelative(s.timestamp, now) },
            { key: 'reason', label: 'Reason', render: (s) => s.reason ?? '' },
            { key: 'source', label: 'Source', render: (s) => s.source ?? '' },
            { key: 'message', label: 'Message', render: (s) => s.message ?? '' },
            { key: 'healthy', label: 'Health', render: (s) => (s.healthy === undefined ? '' : s.healthy ? 'healthy' : 'unhealthy') },
          ]}
        />
      </Card>
    </>
  );
}
