/** Agents: the list, and one agent with its resources over time, tasks and executors. */
import { useEffect, useState } from 'preact/hooks';
import { BarLegend, Card, Empty, ErrorNote, Fields, Loading, PageTitle, ResourceBar, ShortId, Badge, formatScalar } from '../../components/common.js';
import { Chart } from '../../components/chart.js';
import { DataTable } from '../../components/data-table.js';
import { formatCpus, formatMegabytes, formatRelative, formatTimestamp } from '../../lib/format.js';
import { jsonp } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import { SCALARS, agentTasks, scalar } from '../cluster-model.js';
import type { ClusterSnapshot, ClusterStore } from '../cluster-store.js';
import type { ClassicAgent } from '../state-types.js';
import { TaskTable } from './task-table.js';
import type { SnapshotProps } from './overview-page.js';

function attributesText(agent: ClassicAgent): string {
  return Object.entries(agent.attributes ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .join('; ');
}

/** The agents list, searchable by hostname, id or attribute. */
export function AgentsPage({ snapshot, query, now }: SnapshotProps & { query: Record<string, string> }) {
  const [text, setText] = useState(query.q ?? '');
  const agents = snapshot.state?.slaves;
  if (!agents) return snapshot.loading ? <Loading what="agents" /> : <PageTitle title="Agents" />;
  const needle = text.trim().toLowerCase();
  const rows = agents.filter((a) => !needle || `${a.hostname} ${a.id} ${attributesText(a)}`.toLowerCase().includes(needle));
  return (
    <>
      <PageTitle title="Agents">
        <label class="search">
          <span>Search</span>
          <input type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} placeholder="hostname, id, attribute" />
        </label>
      </PageTitle>
      <DataTable
        label="Agents"
        rows={rows}
        rowKey={(a) => a.id}
        empty="No agents registered."
        initialSort={{ key: 'hostname', descending: false }}
        columns={[
          { key: 'hostname', label: 'Host', render: (a) => <a href={href('agents', a.id)}>{a.hostname}</a>, sort: (a) => a.hostname },
          { key: 'id', label: 'Id', render: (a) => <ShortId id={a.id} />, sort: (a) => a.id },
          { key: 'state', label: 'State', render: (a) => (a.active ? <Badge tone="ok">active</Badge> : <Badge tone="bad">inactive</Badge>), sort: (a) => String(a.active) },
          ...(['cpus', 'mem', 'disk'] as const).map((name) => ({
            key: name,
            label: name === 'cpus' ? 'CPUs used / total' : `${name[0].toUpperCase()}${name.slice(1)} used / total`,
            render: (a: ClassicAgent) => `${formatScalar(name, scalar(a.used_resources, name))} / ${formatScalar(name, scalar(a.resources, name))}`,
            sort: (a: ClassicAgent) => scalar(a.used_resources, name),
            align: 'right' as const,
          })),
          { key: 'attributes', label: 'Attributes', render: (a) => attributesText(a) || '—' },
          { key: 'registered', label: 'Registered', render: (a) => formatRelative(a.registered_time, now), sort: (a) => a.registered_time ?? 0 },
        ]}
      />
    </>
  );
}

/** An agent's `/monitor/statistics` entry (the fields the table shows). */
interface MonitorEntry {
  executor_id: string;
  framework_id: string;
  statistics?: { cpus_user_time_secs?: number; cpus_system_time_secs?: number; mem_rss_bytes?: number; cpus_limit?: number; mem_limit_bytes?: number };
}

/** The agent's address from its pid (`slave(1)@10.0.0.3:5051`), as the Mesos UI derives it. */
function agentAddress(agent: ClassicAgent): string {
  const at = agent.pid.indexOf('@');
  return at >= 0 ? agent.pid.slice(at + 1) : `${agent.hostname}:${agent.port ?? 5051}`;
}

/** One agent. */
export function AgentPage({ store, snapshot, agentId, now }: { store: ClusterStore; snapshot: ClusterSnapshot; agentId: string; now: number }) {
  useEffect(() => store.watchAgent(agentId), [store, agentId]);
  const agent = snapshot.state?.slaves?.find((a) => a.id === agentId);
  const [monitor, setMonitor] = useState<{ entries?: MonitorEntry[]; error?: string }>({});
  const address = agent ? agentAddress(agent) : undefined;
  useEffect(() => {
    if (!address) return;
    let cancelled = false;
    // The agent is another origin without CORS: its statistics come as JSONP, as in Mesos's UI.
    jsonp<MonitorEntry[]>(`${location.protocol}//${address}/monitor/statistics`, 4000)
      .then((entries) => !cancelled && setMonitor({ entries }))
      .catch((e: Error) => !cancelled && setMonitor({ error: e.message }));
    return () => {
      cancelled = true;
    };
  }, [address, Math.floor((snapshot.updatedAt ?? 0) / 10)]);
  if (!snapshot.state) return <Loading what="the agent" />;
  if (!agent) return <ErrorNote>No agent {agentId} is registered with this master (it may be unreachable or removed).</ErrorNote>;
  const tasks = agentTasks(snapshot.state, agentId);
  const executors = [...(snapshot.state.frameworks ?? [])].flatMap((f) => (f.executors ?? []).filter((e) => e.slave_id === agentId).map((e) => ({ e, f })));
  const history = snapshot.agentHistory.get(agentId);
  return (
    <>
      <PageTitle title={`Agent ${agent.hostname}`} />
      <div class="grid">
        <Card title="Agent">
          <Fields
            rows={[
              ['Id', <span class="mono">{agent.id}</span>],
              ['Address', agentAddress(agent)],
              ['State', agent.active ? 'active' : 'inactive'],
              ['Version', agent.version],
              ['Registered', `${formatTimestamp(agent.registered_time)} (${formatRelative(agent.registered_time, now)})`],
              ['Re-registered', agent.reregistered_time ? formatRelative(agent.reregistered_time, now) : undefined],
              ['Attributes', attributesText(agent) || '—'],
              ['Ports', agent.resources.ports],
            ]}
          />
        </Card>
        <Card title="Resources">
          {SCALARS.filter((n) => n !== 'gpus' || scalar(agent.resources, 'gpus') > 0).map((name) => (
            <div key={name} class="resource-line">
              <span class="resource-name">{name}</span>
              <ResourceBar name={name} used={scalar(agent.used_resources, name)} offered={scalar(agent.offered_resources, name)} total={scalar(agent.resources, name)} />
            </div>
          ))}
          <BarLegend />
        </Card>
      </div>
      {history && (
        <div class="grid charts">
          <Chart
            title="CPUs used, last hour"
            yFormat={formatCpus}
            lines={[
              { label: 'used', color: '#2563eb' },
              { label: 'total', color: '#94a3b8' },
            ]}
            data={[history.t, history.values.cpus_used, history.values.cpus_total]}
          />
          <Chart
            title="Memory used, last hour"
            yFormat={formatMegabytes}
            lines={[
              { label: 'used', color: '#16a34a' },
              { label: 'total', color: '#94a3b8' },
            ]}
            data={[history.t, history.values.mem_used, history.values.mem_total]}
          />
        </div>
      )}
      <Card title="Tasks" wide>
        <TaskTable rows={tasks} now={now} label={`Tasks on ${agent.hostname}`} hideAgent empty="No tasks on this agent." />
      </Card>
      <Card title="Executors" wide>
        {executors.length === 0 ? (
          <Empty>No custom executors (command tasks run under the built-in command executor).</Empty>
        ) : (
          <DataTable
            label="Executors"
            rows={executors}
            rowKey={({ e, f }) => `${f.id}/${e.executor_id}`}
            columns={[
              { key: 'id', label: 'Executor', render: ({ e }) => e.executor_id, sort: ({ e }) => e.executor_id },
              { key: 'name', label: 'Name', render: ({ e }) => e.name ?? '' },
              { key: 'framework', label: 'Framework', render: ({ f }) => <a href={href('frameworks', f.id)}>{f.name}</a> },
              { key: 'cpus', label: 'CPUs', align: 'right', render: ({ e }) => formatScalar('cpus', scalar(e.resources, 'cpus')) },
              { key: 'mem', label: 'Mem', align: 'right', render: ({ e }) => formatScalar('mem', scalar(e.resources, 'mem')) },
              {
                key: 'sandbox',
                label: 'Sandbox',
                render: ({ e, f }) => <a href={href('browse', { path: `/frameworks/${f.id}/executors/${e.executor_id}/runs/latest` })}>Sandbox</a>,
              },
            ]}
          />
        )}
      </Card>
      <Card title="Containers (from the agent's /monitor/statistics)" wide>
        {monitor.error ? (
          <p class="muted">The agent at {address} did not answer ({monitor.error}); the browser must reach agents directly for this table.</p>
        ) : !monitor.entries ? (
          <Loading what="statistics" />
        ) : (
          <DataTable
            label="Container statistics"
            rows={monitor.entries}
            rowKey={(m) => `${m.framework_id}/${m.executor_id}`}
            empty="No running containers."
            columns={[
              { key: 'executor', label: 'Executor', render: (m) => m.executor_id, sort: (m) => m.executor_id },
              { key: 'cpu', label: 'CPU time', align: 'right', render: (m) => `${((m.statistics?.cpus_user_time_secs ?? 0) + (m.statistics?.cpus_system_time_secs ?? 0)).toFixed(2)} s` },
              { key: 'cpus_limit', label: 'CPU limit', align: 'right', render: (m) => formatCpus(m.statistics?.cpus_limit ?? NaN) },
              { key: 'rss', label: 'Memory (RSS)', align: 'right', render: (m) => formatMegabytes((m.statistics?.mem_rss_bytes ?? NaN) / 1048576), sort: (m) => m.statistics?.mem_rss_bytes ?? 0 },
              { key: 'mem_limit', label: 'Memory limit', align: 'right', render: (m) => formatMegabytes((m.statistics?.mem_limit_bytes ?? NaN) / 1048576) },
            ]}
          />
        )}
      </Card>
    </>
  );
}
