/** Applications: groups as folders, each app's status, instances, health and resources; search. */
import { useState } from 'preact/hooks';
import { Loading, PageTitle } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { formatCpus, formatMegabytes } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import { appStatus, groupView, healthShares, parentGroup, searchApps, type GroupEntry } from '../app-status.js';
import type { MarathonSnapshot } from '../marathon-store.js';
import type { MarathonApp } from '../marathon-types.js';
import { HealthBar, StatusBadge } from './marathon-widgets.js';

type Row = { kind: 'group'; group: GroupEntry } | { kind: 'app'; app: MarathonApp };

/** The apps list in `group`. */
export function AppsPage({ snapshot, group }: { snapshot: MarathonSnapshot; group: string }) {
  const [text, setText] = useState('');
  if (!snapshot.apps) return snapshot.loading ? <Loading what="applications" /> : <PageTitle title="Applications" />;
  const queue = new Map((snapshot.queue ?? []).map((q) => [q.app.id, q]));
  const deployments = snapshot.deployments ?? [];
  const view = text.trim() ? { groups: [], apps: searchApps(snapshot.apps, text) } : groupView(snapshot.apps, group);
  const rows: Row[] = [...view.groups.map((g) => ({ kind: 'group' as const, group: g })), ...view.apps.map((a) => ({ kind: 'app' as const, app: a }))];
  const segments = group.split('/').filter((s) => s !== '');
  return (
    <>
      <PageTitle title="Applications">
        <a class="button primary" href={href('create', { group: group === '/' ? undefined : group })}>
          Create application
        </a>
        <label class="search">
          <span>Search</span>
          <input type="search" value={text} placeholder="app id or command" onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
      </PageTitle>
      <nav aria-label="Group" class="crumbs">
        <a href="#/apps">All</a>
        {segments.map((name, i) => {
          const path = `/${segments.slice(0, i + 1).join('/')}`;
          return (
            <span key={path}>
              {' / '}
              {i === segments.length - 1 ? <strong>{name}</strong> : <a href={href('apps', { group: path })}>{name}</a>}
            </span>
          );
        })}
        {group !== '/' && (
          <>
            {' · '}
            <a href={href('apps', { group: parentGroup(group) === '/' ? undefined : parentGroup(group) })}>up</a>
          </>
        )}
      </nav>
      <DataTable
        label="Applications"
        rows={rows}
        rowKey={(r) => (r.kind === 'group' ? `g:${r.group.id}` : r.app.id)}
        empty={text ? 'No application matches.' : 'No applications here yet. Create one.'}
        columns={[
          {
            key: 'name',
            label: 'Name',
            render: (r) =>
              r.kind === 'group' ? (
                <a href={href('apps', { group: r.group.id })} class="folder">
                  <span aria-hidden="true">📁 </span>
                  {r.group.name}/
                </a>
              ) : (
                <a href={href('app', { id: r.app.id })} data-app-id={r.app.id}>
                  {text ? r.app.id : r.app.id.slice(r.app.id.lastIndexOf('/') + 1)}
                </a>
              ),
            sort: (r) => (r.kind === 'group' ? `0${r.group.id}` : `1${r.app.id}`),
          },
          {
            key: 'status',
            label: 'Status',
            render: (r) => (r.kind === 'group' ? `${r.group.apps} app${r.group.apps === 1 ? '' : 's'}` : <StatusBadge status={appStatus(r.app, queue.get(r.app.id), deployments)} />),
          },
          {
            key: 'instances',
            label: 'Running / wanted',
            align: 'right',
            render: (r) => (r.kind === 'group' ? `${r.group.running} / ${r.group.instances}` : <span data-field="instances">{`${r.app.tasksRunning ?? 0} / ${r.app.instances ?? 0}`}</span>),
          },
          { key: 'health', label: 'Health', render: (r) => (r.kind === 'group' ? '' : <HealthBar shares={healthShares(r.app)} wanted={r.app.instances ?? 0} />) },
          { key: 'cpus', label: 'CPUs', align: 'right', render: (r) => formatCpus(r.kind === 'group' ? r.group.cpus : (r.app.cpus ?? 0) * (r.app.instances ?? 0)) },
          { key: 'mem', label: 'Memory', align: 'right', render: (r) => formatMegabytes(r.kind === 'group' ? r.group.mem : (r.app.mem ?? 0) * (r.app.instances ?? 0)) },
        ]}
      />
    </>
  );
}
