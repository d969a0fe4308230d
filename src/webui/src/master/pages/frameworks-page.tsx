/** Frameworks: active and completed, and one framework with its offers, executors and tasks. */
import { Card, ErrorNote, Fields, Loading, PageTitle, ShortId, Badge, formatScalar } from '../../components/common.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatRelative, formatTimestamp, formatDuration } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import { frameworkRoles, scalar, taskRows } from '../cluster-model.js';
import type { ClassicFramework } from '../state-types.js';
import { TaskTable } from './task-table.js';
import { OfferTable } from './cluster-pages.js';
import type { SnapshotProps } from './overview-page.js';

function frameworkColumns(now: number, completed: boolean): Array<Column<ClassicFramework>> {
  return [
    { key: 'name', label: 'Name', render: (f) => <a href={href('frameworks', f.id)}>{f.name || f.id}</a>, sort: (f) => f.name },
    { key: 'id', label: 'Id', render: (f) => <ShortId id={f.id} />, sort: (f) => f.id },
    { key: 'user', label: 'User', render: (f) => f.user ?? '', sort: (f) => f.user ?? '' },
    { key: 'roles', label: 'Roles', render: (f) => frameworkRoles(f).join(', ') },
    {
      key: 'state',
      label: 'State',
      render: (f) => (completed ? <Badge tone="done">completed</Badge> : f.active ? <Badge tone="ok">active</Badge> : <Badge tone="pending">inactive</Badge>),
    },
    { key: 'tasks', label: 'Active tasks', align: 'right', render: (f) => (f.tasks ?? []).length, sort: (f) => (f.tasks ?? []).length },
    ...(['cpus', 'mem', 'disk'] as const).map((name) => ({
      key: name,
      label: name === 'cpus' ? 'CPUs' : name[0].toUpperCase() + name.slice(1),
      align: 'right' as const,
      render: (f: ClassicFramework) => formatScalar(name, scalar(f.used_resources, name)),
      sort: (f: ClassicFramework) => scalar(f.used_resources, name),
    })),
    { key: 'offers', label: 'Offers', align: 'right', render: (f) => (f.offers ?? []).length },
    completed
      ? { key: 'unregistered', label: 'Ended', render: (f) => formatRelative(f.unregistered_time, now), sort: (f) => f.unregistered_time ?? 0 }
      : { key: 'registered', label: 'Registered', render: (f) => formatRelative(f.registered_time, now), sort: (f) => f.registered_time ?? 0 },
  ];
}

/** Active and completed frameworks. */
export function FrameworksPage({ snapshot, now }: SnapshotProps) {
  const state = snapshot.state;
  if (!state) return snapshot.loading ? <Loading what="frameworks" /> : <PageTitle title="Frameworks" />;
  return (
    <>
      <PageTitle title="Frameworks" />
      <Card title={`Active (${(state.frameworks ?? []).length})`} wide>
        <DataTable label="Active frameworks" rows={state.frameworks ?? []} rowKey={(f) => f.id} columns={frameworkColumns(now, false)} empty="No frameworks registered." />
      </Card>
      <Card title={`Completed (${(state.completed_frameworks ?? []).length})`} wide>
        <DataTable label="Completed frameworks" rows={state.completed_frameworks ?? []} rowKey={(f) => f.id} columns={frameworkColumns(now, true)} empty="No completed frameworks." />
      </Card>
    </>
  );
}

/** One framework. */
export function FrameworkPage({ snapshot, frameworkId, now }: SnapshotProps & { frameworkId: string }) {
  const state = snapshot.state;
  if (!state) return <Loading what="the framework" />;
  const active = (state.frameworks ?? []).find((f) => f.id === frameworkId);
  const framework = active ?? (state.completed_frameworks ?? []).find((f) => f.id === frameworkId);
  if (!framework) return <ErrorNote>No framework {frameworkId} is known to this master.</ErrorNote>;
  const rows = taskRows(state).filter((r) => r.framework.id === frameworkId);
  return (
    <>
      <PageTitle title={`Framework ${framework.name}`} />
      <div class="grid">
        <Card title="Framework">
          <Fields
            rows={[
              ['Id', <span class="mono">{framework.id}</span>],
              ['State', active ? (framework.active ? 'active' : 'inactive (disconnected, within failover timeout)') : 'completed'],
              ['User', framework.user],
              ['Roles', frameworkRoles(framework).join(', ')],
              ['Principal', framework.principal],
              ['Hostname', framework.hostname],
              ['Web UI', framework.webui_url ? <a href={framework.webui_url}>{framework.webui_url}</a> : undefined],
              ['Capabilities', (framework.capabilities ?? []).join(', ') || undefined],
              ['Failover timeout', framework.failover_timeout ? formatDuration(framework.failover_timeout) : undefined],
              ['Registered', `${formatTimestamp(framework.registered_time)} (${formatRelative(framework.registered_time, now)})`],
              ['Ended', framework.unregistered_time ? formatRelative(framework.unregistered_time, now) : undefined],
            ]}
          />
        </Card>
        <Card title="Resources">
          <Fields
            rows={(['cpus', 'mem', 'disk', 'gpus'] as const).map((name) => [
              name,
              `${formatScalar(name, scalar(framework.used_resources, name))} used, ${formatScalar(name, scalar(framework.offered_resources, name))} offered`,
            ])}
          />
        </Card>
      </div>
      <Card title={`Offers (${(framework.offers ?? []).length})`} wide>
        <OfferTable offers={(framework.offers ?? []).map((offer) => ({ offer, framework }))} state={state} />
      </Card>
      <Card title="Tasks" wide>
        <TaskTable rows={rows} now={now} label={`Tasks of ${framework.name}`} hideFramework empty="This framework has no tasks." />
      </Card>
    </>
  );
}
