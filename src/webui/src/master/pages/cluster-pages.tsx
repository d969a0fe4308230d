/** Roles, offers, maintenance and flags: the Mesos UI's remaining pages. */
import { useState } from 'preact/hooks';
import { Card, ErrorNote, Loading, PageTitle, ShortId, formatScalar } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { useJson } from '../../components/hooks.js';
import { formatTimestamp } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import { scalar } from '../cluster-model.js';
import type { ClusterSnapshot } from '../cluster-store.js';
import type { ClassicFramework, ClassicOffer, ClassicRole, MasterState, ResourceSummary } from '../state-types.js';

function summary(resources: ResourceSummary | undefined): string {
  const parts = (['cpus', 'mem', 'disk', 'gpus'] as const)
    .filter((n) => scalar(resources, n) > 0)
    .map((n) => `${formatScalar(n, scalar(resources, n))}${n === 'cpus' ? ' cpus' : n === 'gpus' ? ' gpus' : ` ${n}`}`);
  if (resources?.ports) parts.push(`ports ${resources.ports}`);
  return parts.join(', ') || '—';
}

/** Offers with their framework and agent. */
export function OfferTable({ offers, state }: { offers: Array<{ offer: ClassicOffer; framework: ClassicFramework }>; state: MasterState }) {
  const agents = new Map((state.slaves ?? []).map((a) => [a.id, a]));
  return (
    <DataTable
      label="Offers"
      rows={offers}
      rowKey={({ offer }) => offer.id}
      empty="No outstanding offers."
      columns={[
        { key: 'id', label: 'Offer', render: ({ offer }) => <ShortId id={offer.id} />, sort: ({ offer }) => offer.id },
        { key: 'framework', label: 'Framework', render: ({ framework }) => <a href={href('frameworks', framework.id)}>{framework.name}</a> },
        { key: 'agent', label: 'Agent', render: ({ offer }) => <a href={href('agents', offer.slave_id)}>{agents.get(offer.slave_id)?.hostname ?? offer.slave_id}</a> },
        { key: 'cpus', label: 'CPUs', align: 'right', render: ({ offer }) => formatScalar('cpus', scalar(offer.resources, 'cpus')), sort: ({ offer }) => scalar(offer.resources, 'cpus') },
        { key: 'mem', label: 'Mem', align: 'right', render: ({ offer }) => formatScalar('mem', scalar(offer.resources, 'mem')), sort: ({ offer }) => scalar(offer.resources, 'mem') },
        { key: 'disk', label: 'Disk', align: 'right', render: ({ offer }) => formatScalar('disk', scalar(offer.resources, 'disk')) },
        { key: 'ports', label: 'Ports', render: ({ offer }) => offer.resources.ports ?? '' },
      ]}
    />
  );
}

/** Every outstanding offer. */
export function OffersPage({ snapshot }: { snapshot: ClusterSnapshot }) {
  const state = snapshot.state;
  if (!state) return <Loading what="offers" />;
  const offers = (state.frameworks ?? []).flatMap((framework) => (framework.offers ?? []).map((offer) => ({ offer, framework })));
  return (
    <>
      <PageTitle title="Offers" />
      <Card title={`Outstanding offers (${offers.length})`} wide>
        <OfferTable offers={offers} state={state} />
      </Card>
    </>
  );
}

/** `/master/roles`: weights, quota, allocation. */
export function RolesPage() {
  const roles = useJson<{ roles: ClassicRole[] }>('/master/roles', 5000);
  return (
    <>
      <PageTitle title="Roles" />
      <Card wide>
        {roles.error && !roles.data ? (
          <ErrorNote>Cannot load /master/roles: {roles.error}</ErrorNote>
        ) : !roles.data ? (
          <Loading what="roles" />
        ) : (
          <DataTable
            label="Roles"
            rows={roles.data.roles}
            rowKey={(r) => r.name}
            empty="No roles in use."
            initialSort={{ key: 'name', descending: false }}
            columns={[
              { key: 'name', label: 'Role', render: (r) => r.name, sort: (r) => r.name },
              { key: 'weight', label: 'Weight', align: 'right', render: (r) => r.weight ?? 1, sort: (r) => r.weight ?? 1 },
              { key: 'frameworks', label: 'Frameworks', align: 'right', render: (r) => (r.frameworks ?? []).length, sort: (r) => (r.frameworks ?? []).length },
              { key: 'allocated', label: 'Allocated', render: (r) => summary(r.allocated) },
              { key: 'offered', label: 'Offered', render: (r) => summary(r.offered) },
              { key: 'reserved', label: 'Reserved', render: (r) => summary(r.reserved) },
              { key: 'guarantee', label: 'Quota guarantee', render: (r) => summary(r.quota?.guarantee) },
              { key: 'limit', label: 'Quota limit', render: (r) => summary(r.quota?.limit) },
            ]}
          />
        )}
      </Card>
    </>
  );
}

interface MachineId {
  hostname?: string;
  ip?: string;
}
interface MaintenanceWindow {
  machine_ids?: MachineId[];
  unavailability?: { start?: { nanoseconds?: number }; duration?: { nanoseconds?: number } };
}

function machineText(machines: MachineId[] | undefined): string {
  return (machines ?? []).map((m) => m.hostname ?? m.ip ?? '?').join(', ') || '—';
}

/** `/master/maintenance/schedule` and `/master/maintenance/status`. */
export function MaintenancePage() {
  const schedule = useJson<{ windows?: MaintenanceWindow[] }>('/master/maintenance/schedule', 10_000);
  const status = useJson<{ draining_machines?: Array<{ id?: MachineId }>; down_machines?: MachineId[] }>('/master/maintenance/status', 10_000);
  const windows = schedule.data?.windows ?? [];
  return (
    <>
      <PageTitle title="Maintenance" />
      <Card title="Schedule" wide>
        {schedule.error && !schedule.data ? (
          <ErrorNote>Cannot load the schedule: {schedule.error}</ErrorNote>
        ) : !schedule.data ? (
          <Loading what="the schedule" />
        ) : (
          <DataTable
            label="Maintenance windows"
            rows={windows.map((w, i) => ({ w, i }))}
            rowKey={({ i }) => String(i)}
            empty="No maintenance is scheduled."
            columns={[
              { key: 'machines', label: 'Machines', render: ({ w }) => machineText(w.machine_ids) },
              { key: 'start', label: 'Starts', render: ({ w }) => formatTimestamp((w.unavailability?.start?.nanoseconds ?? 0) / 1e9) },
              {
                key: 'duration',
                label: 'Duration',
                render: ({ w }) => (w.unavailability?.duration?.nanoseconds ? `${Math.round(w.unavailability.duration.nanoseconds / 6e10)} min` : 'indefinite'),
              },
            ]}
          />
        )}
      </Card>
      <Card title="Status" wide>
        {!status.data ? (
          status.error ? <ErrorNote>Cannot load the status: {status.error}</ErrorNote> : <Loading what="the status" />
        ) : (
          <p>
            Draining: {machineText((status.data.draining_machines ?? []).map((d) => d.id ?? {}))}. Down: {machineText(status.data.down_machines)}.
          </p>
        )}
      </Card>
    </>
  );
}

/** `/master/flags`, filterable. */
export function FlagsPage() {
  const flags = useJson<{ flags: Record<string, string> }>('/master/flags');
  const [text, setText] = useState('');
  const needle = text.trim().toLowerCase();
  const rows = Object.entries(flags.data?.flags ?? {})
    .filter(([k, v]) => !needle || k.toLowerCase().includes(needle) || String(v).toLowerCase().includes(needle))
    .map(([name, value]) => ({ name, value: String(value) }));
  return (
    <>
      <PageTitle title="Flags">
        <label class="search">
          <span>Filter</span>
          <input type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} placeholder="flag name or value" />
        </label>
      </PageTitle>
      <Card wide>
        {flags.error && !flags.data ? (
          <ErrorNote>Cannot load /master/flags: {flags.error}</ErrorNote>
        ) : !flags.data ? (
          <Loading what="flags" />
        ) : (
          <DataTable
            label="Master flags"
            rows={rows}
            rowKey={(r) => r.name}
            pageSize={500}
            initialSort={{ key: 'name', descending: false }}
            columns={[
              { key: 'name', label: 'Flag', render: (r) => <span class="mono">--{r.name}</span>, sort: (r) => r.name },
              { key: 'value', label: 'Value', render: (r) => <span class="mono">{r.value}</span> },
            ]}
          />
        )}
      </Card>
    </>
  );
}
