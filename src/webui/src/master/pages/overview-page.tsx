/**
 * Overview: who leads, for how long, what the cluster holds and uses, how many
 * agents, frameworks and tasks in which state, and an hour of utilisation and
 * task counts drawn from the page's own polling.
 */
import { BarLegend, Card, Fields, Loading, PageTitle, ResourceBar, formatScalar } from '../../components/common.js';
import { Chart } from '../../components/chart.js';
import { formatDuration, formatPercent, formatRelative, formatTimestamp, stateLabel } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import { agentCounts, resourceRows, taskStateCounts } from '../cluster-model.js';
import type { ClusterSnapshot } from '../cluster-store.js';

/** Props shared by the pages that read the polled cluster. */
export interface SnapshotProps {
  snapshot: ClusterSnapshot;
  /** Epoch seconds, for relative times. */
  now: number;
}

/** The overview page. */
export function OverviewPage({ snapshot, now }: SnapshotProps) {
  const { state, metrics, history } = snapshot;
  if (!state) return snapshot.loading ? <Loading what="the cluster's state" /> : <PageTitle title="Overview" />;
  const rows = resourceRows(metrics, state);
  const agents = agentCounts(metrics, state);
  const tasks = taskStateCounts(metrics).filter((t) => t.count > 0 || ['TASK_RUNNING', 'TASK_STAGING', 'TASK_FINISHED', 'TASK_FAILED'].includes(t.state));
  const uptime = metrics?.['master/uptime_secs'] ?? (state.start_time ? now - state.start_time : undefined);
  const leader = state.leader_info;
  const h = history;
  return (
    <>
      <PageTitle title="Overview" />
      <div class="grid">
        <Card title="Cluster">
          <Fields
            rows={[
              ['Cluster', state.cluster ?? '(unnamed)'],
              ['Leader', leader ? `${leader.hostname}:${leader.port}` : state.leader],
              ['Master id', <span class="mono">{state.id}</span>],
              ['Version', state.version],
              ['Built', state.build_date],
              ['Started', state.start_time ? `${formatTimestamp(state.start_time)} (${formatRelative(state.start_time, now)})` : undefined],
              ['Elected', state.elected_time ? formatRelative(state.elected_time, now) : undefined],
              ['Uptime', uptime !== undefined ? formatDuration(uptime) : undefined],
            ]}
          />
        </Card>
        <Card title="Agents">
          <dl class="counts" data-testid="agent-counts">
            <div>
              <dt>Active</dt>
              <dd data-testid="agents-active">{agents.active}</dd>
            </div>
            <div>
              <dt>Inactive</dt>
              <dd data-testid="agents-inactive">{agents.inactive}</dd>
            </div>
            <div>
              <dt>Unreachable</dt>
              <dd data-testid="agents-unreachable">{agents.unreachable}</dd>
            </div>
          </dl>
          <p>
            <a href="#/agents">All agents →</a>
          </p>
        </Card>
        <Card title="Frameworks">
          <dl class="counts">
            <div>
              <dt>Active</dt>
              <dd data-testid="frameworks-active">{metrics?.['master/frameworks_active'] ?? (state.frameworks ?? []).filter((f) => f.active).length}</dd>
            </div>
            <div>
              <dt>Inactive</dt>
              <dd>{metrics?.['master/frameworks_inactive'] ?? (state.frameworks ?? []).filter((f) => !f.active).length}</dd>
            </div>
            <div>
              <dt>Completed</dt>
              <dd>{(state.completed_frameworks ?? []).length}</dd>
            </div>
          </dl>
          <p>
            <a href="#/frameworks">All frameworks →</a> · <a href="#/offers">{metrics?.['master/outstanding_offers'] ?? 0} outstanding offers</a>
          </p>
        </Card>
        <Card title="Tasks">
          <dl class="counts" data-testid="task-counts">
            {tasks.map((t) => (
              <div key={t.state}>
                <dt>
                  <a href={href('tasks', { state: t.state })}>{stateLabel(t.state)}</a>
                </dt>
                <dd data-testid={`tasks-${t.state}`}>{t.count}</dd>
              </div>
            ))}
          </dl>
        </Card>
      </div>
      <Card title="Resources" wide>
        <div class="table-wrap">
          <table aria-label="Cluster resources" data-testid="resources">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col" class="num">Total</th>
                <th scope="col" class="num">Used</th>
                <th scope="col" class="num">Offered</th>
                <th scope="col" class="num">Idle</th>
                <th scope="col">Utilisation</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-resource={r.name}>
                  <th scope="row">{r.name}</th>
                  <td class="num" data-field="total" data-value={r.total}>{formatScalar(r.name, r.total)}</td>
                  <td class="num" data-field="used" data-value={r.used}>{formatScalar(r.name, r.used)}</td>
                  <td class="num" data-field="offered" data-value={r.offered}>{formatScalar(r.name, r.offered)}</td>
                  <td class="num" data-field="idle" data-value={r.idle}>{formatScalar(r.name, r.idle)}</td>
                  <td>
                    <ResourceBar name={r.name} used={r.used} offered={r.offered} total={r.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <BarLegend />
      </Card>
      <div class="grid charts">
        <Chart
          title="Utilisation, last hour"
          yRange={[0, 1]}
          yFormat={formatPercent}
          lines={[
            { label: 'cpus', color: '#2563eb' },
            { label: 'mem', color: '#16a34a' },
            { label: 'disk', color: '#d97706' },
          ]}
          data={[h.t, h.values.cpus, h.values.mem, h.values.disk]}
        />
        <Chart
          title="Tasks, last hour"
          integer
          yFormat={(v) => String(Math.round(v))}
          lines={[
            { label: 'running', color: '#16a34a' },
            { label: 'staging', color: '#d97706' },
            { label: 'starting', color: '#9333ea' },
            { label: 'finished (total)', color: '#64748b' },
            { label: 'failed (total)', color: '#dc2626' },
          ]}
          data={[h.t, h.values.running, h.values.staging, h.values.starting, h.values.finished, h.values.failed]}
        />
      </div>
    </>
  );
}
