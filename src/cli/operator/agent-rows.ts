/**
 * `meseta agents`: one row per agent of `/master/state` `slaves[]`, as JSON
 * (`--json`) or a table. Pure.
 */
import type { MasterState } from './classic-json.js';
import { agentEndpoint } from './cluster-client.js';
import { endpointText } from './http-json.js';
import { renderTable, type Column } from './table.js';
import { formatCpus, formatMb, usedOfTotal } from './units.js';

/** One agent. cpus in cores, mem/disk in MB (Mesos units). */
export interface AgentRow {
  id: string;
  hostname: string;
  /** `ip:port` from the agent's pid, or '' when unknown. */
  endpoint: string;
  active: boolean;
  cpus_used: number;
  cpus_total: number;
  mem_used: number;
  mem_total: number;
  disk_used: number;
  disk_total: number;
  attributes: Record<string, string | number>;
}

/** Rows for every registered agent, sorted by hostname then id. */
export function agentRows(state: MasterState): AgentRow[] {
  return (state.slaves ?? [])
    .map((a) => {
      const endpoint = agentEndpoint(a);
      return {
        id: a.id,
        hostname: a.hostname ?? '',
        endpoint: endpoint ? endpointText(endpoint) : '',
        active: a.active ?? true,
        cpus_used: a.used_resources?.cpus ?? 0,
        cpus_total: a.resources?.cpus ?? 0,
        mem_used: a.used_resources?.mem ?? 0,
        mem_total: a.resources?.mem ?? 0,
        disk_used: a.used_resources?.disk ?? 0,
        disk_total: a.resources?.disk ?? 0,
        attributes: a.attributes ?? {},
      };
    })
    .sort((x, y) => (x.hostname === y.hostname ? cmp(x.id, y.id) : cmp(x.hostname, y.hostname)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `rack=r1,zone=a` (keys sorted), `-` when none. */
export function formatAttributes(attributes: Record<string, string | number>): string {
  const keys = Object.keys(attributes).sort();
  return keys.length === 0 ? '-' : keys.map((k) => `${k}=${String(attributes[k])}`).join(',');
}

const COLUMNS: Column[] = [
  { header: 'ID' },
  { header: 'HOSTNAME' },
  { header: 'ENDPOINT' },
  { header: 'ACTIVE' },
  { header: 'CPUS', align: 'right' },
  { header: 'MEM', align: 'right' },
  { header: 'DISK', align: 'right' },
  { header: 'ATTRIBUTES' },
];

/** The agents table (used/total per resource). */
export function renderAgentsTable(rows: readonly AgentRow[]): string {
  return renderTable(
    COLUMNS,
    rows.map((r) => [
      r.id,
      r.hostname,
      r.endpoint || '-',
      r.active ? 'yes' : 'no',
      usedOfTotal(r.cpus_used, r.cpus_total, formatCpus),
      usedOfTotal(r.mem_used, r.mem_total, formatMb),
      usedOfTotal(r.disk_used, r.disk_total, formatMb),
      formatAttributes(r.attributes),
    ]),
  );
}
