/**
 * One application: status, configuration, tasks (with host:port links, health
 * and stdout/stderr links into the master's sandbox view), scale, restart,
 * suspend, edit, destroy, versions with a diff and roll back, its deployments,
 * and why instances wait (from `/v2/queue`).
 */
import { useState } from 'preact/hooks';
import { Badge, Card, Empty, ErrorNote, Fields, Loading, PageTitle } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { useJson } from '../../components/hooks.js';
import { formatCpus, formatMegabytes, formatRelative, stateLabel } from '../../lib/format.js';
import { sendJson } from '../../lib/http.js';
import { lineDiff } from '../../lib/line-diff.js';
import { href } from '../../lib/route.js';
import { appStatus, healthShares, parentGroup } from '../app-status.js';
import { editableApp } from '../app-form.js';
import type { MarathonSnapshot, MarathonStore } from '../marathon-store.js';
import type { MarathonApp, MarathonInfo, MarathonTask } from '../marathon-types.js';
import { DeploymentCard } from './deployments-page.js';
import { HealthBar, StatusBadge } from './marathon-widgets.js';

/** The master's UI root for sandbox links, when Marathon was given a host:port (not zk://). */
export function masterUiRoot(info: MarathonInfo | undefined): string | undefined {
  const master = info?.marathon_config?.master;
  if (!master || master.startsWith('zk://')) return undefined;
  const address = master.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return `${location.protocol}//${address}/`;
}

function sandboxLink(root: string, frameworkId: string, task: MarathonTask, file: string): string {
  // Marathon's command tasks run under the command executor, whose id is the task id.
  const path = `/frameworks/${frameworkId}/executors/${task.id}/runs/latest/${file}`;
  return `${root}${href('view', { path })}`;
}

function epoch(iso: string | undefined): number | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t / 1000 : undefined;
}

/** Versions: list, diff against the current definition, roll back. */
function Versions({ app, onChange }: { app: MarathonApp; onChange: () => void }) {
  const versions = useJson<{ versions: string[] }>(`/v2/apps${app.id}/versions`);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const version = useJson<MarathonApp>(selected ? `/v2/apps${app.id}/versions/${encodeURIComponent(selected)}` : undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const rollBack = async (to: string): Promise<void> => {
    const answer = await sendJson(`/v2/apps${app.id}`, 'PUT', { version: to });
    setMessage(answer.status < 300 ? `Rolling back to ${to}.` : `Roll back failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    onChange();
  };
  if (!versions.data) return versions.error ? <ErrorNote>{versions.error}</ErrorNote> : <Loading what="versions" />;
  const strip = (a: MarathonApp): string => JSON.stringify({ ...editableApp(a), version: undefined }, null, 2);
  return (
    <>
      <ul class="versions">
        {versions.data.versions.map((v) => (
          <li key={v}>
            <span class="mono">{v}</span>
            {v === app.version ? ' (current) ' : ' '}
            <button type="button" class="link" onClick={() => setSelected(v)} aria-pressed={selected === v}>
              diff with current
            </button>
            {v !== app.version && (
              <>
                {' · '}
                <button type="button" class="link" onClick={() => void rollBack(v)}>
                  roll back to this
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {message && <p role="status">{message}</p>}
      {selected && version.data && (
        <pre class="diff" aria-label={`Changes from ${selected} to the current version`}>
          {lineDiff(strip(version.data), strip(app)).map((line, i) => (
            <div key={i} class={line.kind}>
              {line.kind === 'add' ? '+ ' : line.kind === 'del' ? '- ' : '  '}
              {line.text}
            </div>
          ))}
        </pre>
      )}
    </>
  );
}

/** The application page. */
export function AppPage({ store, snapshot, appId, now }: { store: MarathonStore; snapshot: MarathonSnapshot; appId: string; now: number }) {
  const loaded = useJson<{ app: MarathonApp }>(appId ? `/v2/apps${appId}` : undefined, 2000);
  const [scaleTo, setScaleTo] = useState<string | undefined>(undefined);
  const [confirmDestroy, setConfirmDestroy] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const app = loaded.data?.app;
  if (loaded.error && !app) {
    return /404/.test(loaded.error) ? (
      <p>
        Application {appId} does not exist (any more). <a href="#/apps">All applications</a>
      </p>
    ) : (
      <ErrorNote>Cannot load {appId}: {loaded.error}</ErrorNote>
    );
  }
  if (!app) return <Loading what="the application" />;

  const act = async (label: string, method: string, url: string, body?: unknown): Promise<void> => {
    const answer = await sendJson(url, method, body);
    const detail = typeof answer.body === 'object' && answer.body !== null ? (answer.body as { message?: string }).message : undefined;
    setMessage(answer.status < 300 ? `${label}: deployment started.` : `${label} failed: ${answer.status}${detail ? ` ${detail}` : ''}`);
    store.refresh();
    loaded.reload();
  };
  const queue = snapshot.queue?.find((q) => q.app.id === app.id);
  const deployments = (snapshot.deployments ?? []).filter((d) => d.affectedApps.includes(app.id));
  const status = appStatus(app, queue, snapshot.deployments ?? []);
  const root = masterUiRoot(snapshot.info);
  const frameworkId = snapshot.info?.frameworkId ?? undefined;
  const docker = app.container?.docker?.image;
  const tasks = app.tasks ?? [];
  return (
    <>
      <PageTitle title={app.id}>
        <StatusBadge status={status} />
        <a href={href('apps', { group: parentGroup(app.id) === '/' ? undefined : parentGroup(app.id) })}>↑ group</a>
      </PageTitle>
      <div class="toolbar" role="toolbar" aria-label="Application actions">
        <form
          class="row-inputs"
          onSubmit={(e) => {
            e.preventDefault();
            const n = Number(scaleTo ?? app.instances);
            if (Number.isInteger(n) && n >= 0) void act(`Scale to ${n}`, 'PUT', `/v2/apps${app.id}`, { instances: n });
          }}
        >
          <label class="field">
            <span>Instances</span>
            <input name="instances" type="number" min={0} value={scaleTo ?? String(app.instances ?? 0)} onInput={(e) => setScaleTo((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">Scale</button>
        </form>
        <button type="button" onClick={() => void act('Restart', 'POST', `/v2/apps${app.id}/restart`)}>
          Restart
        </button>
        <button type="button" onClick={() => void act('Suspend', 'PUT', `/v2/apps${app.id}`, { instances: 0 })} disabled={(app.instances ?? 0) === 0}>
          Suspend
        </button>
        <a class="button" href={href('edit', { id: app.id })}>
          Edit configuration
        </a>
        {confirmDestroy ? (
          <>
            <button
              type="button"
              class="danger"
              onClick={async () => {
                await act('Destroy', 'DELETE', `/v2/apps${app.id}`);
                location.hash = href('apps', { group: parentGroup(app.id) === '/' ? undefined : parentGroup(app.id) });
              }}
            >
              Really destroy {app.id}
            </button>
            <button type="button" onClick={() => setConfirmDestroy(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmDestroy(true)}>
            Destroy
          </button>
        )}
      </div>
      {message && (
        <p role="status" class="muted">
          {message}
        </p>
      )}
      <div class="grid">
        <Card title="Status">
          <Fields
            rows={[
              ['Instances', <span data-testid="instances">{`${app.tasksRunning ?? 0} running of ${app.instances ?? 0}`}</span>],
              ['Health', <HealthBar shares={healthShares(app)} wanted={app.instances ?? 0} />],
              ['Staged', String(app.tasksStaged ?? 0)],
              ['Healthy / unhealthy', `${app.tasksHealthy ?? 0} / ${app.tasksUnhealthy ?? 0}`],
              ['Version', app.version],
              ['Config changed', app.versionInfo?.lastConfigChangeAt ? formatRelative(epoch(app.versionInfo.lastConfigChangeAt), now) : undefined],
              [
                'Last failure',
                app.lastTaskFailure
                  ? `${stateLabel(app.lastTaskFailure.state ?? '')} ${formatRelative(epoch(app.lastTaskFailure.timestamp), now)}: ${app.lastTaskFailure.message ?? ''}`
                  : undefined,
              ],
            ]}
          />
        </Card>
        <Card title="Configuration">
          <Fields
            rows={[
              ['Command', app.cmd ? <code>{app.cmd}</code> : undefined],
              ['Image', docker ? `${docker} (${app.container?.type ?? 'DOCKER'})` : undefined],
              ['CPUs', formatCpus(app.cpus ?? 0)],
              ['Memory', formatMegabytes(app.mem ?? 0)],
              ['Disk', formatMegabytes(app.disk ?? 0)],
              ['Network', app.networks?.map((n) => n.mode).join(', ')],
              ['Constraints', app.constraints?.map((c) => c.join(':')).join(', ') || undefined],
              ['Labels', Object.entries(app.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || undefined],
              ['Environment', Object.keys(app.env ?? {}).join(', ') || undefined],
              ['Health checks', app.healthChecks?.map((h) => `${h.protocol ?? ''} ${h.path ?? ''}`).join(', ') || undefined],
            ]}
          />
        </Card>
      </div>
      {queue && (
        <Card title={`Waiting: ${queue.count} instance${queue.count === 1 ? '' : 's'} not yet launched`} wide>
          <p>
            {queue.delay && !queue.delay.overdue && (queue.delay.timeLeftSeconds ?? 0) > 0
              ? `Launches are delayed for ${queue.delay.timeLeftSeconds} s more after failures (backoff).`
              : 'No offer has fitted yet.'}{' '}
            Waiting since {formatRelative(epoch(queue.since), now)}; {queue.processedOffersSummary?.processedOffersCount ?? 0} offers processed,{' '}
            {queue.processedOffersSummary?.unusedOffersCount ?? 0} unused.
          </p>
          <DataTable
            label="Why offers were declined"
            rows={(queue.processedOffersSummary?.rejectSummaryLastOffers ?? []).filter((r) => r.declined > 0)}
            rowKey={(r) => r.reason}
            empty="No offers have been declined."
            columns={[
              { key: 'reason', label: 'Reason', render: (r) => r.reason },
              { key: 'declined', label: 'Declined', align: 'right', render: (r) => `${r.declined} of ${r.processed}` },
            ]}
          />
        </Card>
      )}
      {deployments.map((d) => (
        <DeploymentCard key={d.id} deployment={d} store={store} />
      ))}
      <Card title={`Tasks (${tasks.length})`} wide>
        <DataTable
          label="Tasks"
          rows={tasks}
          rowKey={(t) => t.id}
          empty="No tasks."
          columns={[
            { key: 'id', label: 'Task', render: (t) => <span class="mono" data-task-id={t.id}>{t.id}</span>, sort: (t) => t.id },
            { key: 'state', label: 'State', render: (t) => <Badge tone={t.state === 'TASK_RUNNING' ? 'ok' : 'pending'}>{stateLabel(t.state ?? '')}</Badge> },
            {
              key: 'endpoints',
              label: 'Host:ports',
              render: (t) =>
                (t.ports ?? []).length === 0
                  ? (t.host ?? '')
                  : (t.ports ?? []).map((p, i) => (
                      <span key={p}>
                        {i > 0 && ', '}
                        <a href={`http://${t.host}:${p}/`} target="_blank" rel="noreferrer">
                          {t.host}:{p}
                        </a>
                      </span>
                    )),
            },
            {
              key: 'health',
              label: 'Health',
              render: (t) => {
                const results = t.healthCheckResults ?? [];
                if (results.length === 0) return '—';
                return results.every((r) => r.alive) ? <Badge tone="ok">healthy</Badge> : <Badge tone="bad">unhealthy</Badge>;
              },
            },
            { key: 'started', label: 'Started', render: (t) => formatRelative(epoch(t.startedAt ?? t.stagedAt), now), sort: (t) => t.startedAt ?? '' },
            { key: 'version', label: 'Version', render: (t) => <span class="mono">{t.version ?? ''}</span> },
            {
              key: 'logs',
              label: 'Logs',
              render: (t) =>
                root && frameworkId ? (
                  <>
                    <a href={sandboxLink(root, frameworkId, t, 'stdout')}>stdout</a> · <a href={sandboxLink(root, frameworkId, t, 'stderr')}>stderr</a>
                  </>
                ) : (
                  <span class="muted">in the Mesos UI</span>
                ),
            },
          ]}
        />
      </Card>
      <Card title="Versions" wide>
        <Versions app={app} onChange={() => loaded.reload()} />
      </Card>
      {tasks.length === 0 && (app.instances ?? 0) > 0 && !queue && <Empty>Instances are being scheduled…</Empty>}
    </>
  );
}
