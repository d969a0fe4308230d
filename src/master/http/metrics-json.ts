/**
 * `/metrics/snapshot` for the master: a flat object of Mesos's key names
 * (reference §5.5). Gauges are read at request time from what the master
 * keeps: agents, offers, frameworks, and each agent's task gauges.
 */
import { fromFixed, toFixed } from '../../mesos/values.js';
import type { Resource, TaskState } from '../../mesos/types.js';
import { FAIR_KINDS, type Quantities } from '../allocator/quantities.js';
import type { Master } from '../master.js';
import { TaskGauges } from '../task-gauges.js';

const COUNTED: TaskState[] = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR'];

/** Returns the metrics snapshot, e.g. `{"master/cpus_total": 2, "master/elected": 1, …}`. */
export function masterMetricsJson(master: Master): Record<string, number> {
  // Walks agents, not tasks: each agent's task gauges are kept as its tasks change
  // (task-gauges.ts), and benches and dashboards poll this every second or faster.
  const total = new ScalarSums();
  const live = new TaskGauges();
  const used = new ScalarSums();
  const offered = new ScalarSums();
  let connected = 0;
  let disconnected = 0;
  let unreachableAgents = 0;
  for (const agent of master.agents.values()) {
    if (agent.state === 'connected') connected++;
    else if (agent.state === 'disconnected') disconnected++;
    else if (agent.state === 'unreachable') {
      unreachableAgents++;
      continue;
    }
    total.add(agent.total);
    live.addGauges(agent.tasks.gauges);
    for (const executor of agent.executors.values()) used.add(executor.info.resources ?? []);
  }
  used.addQuantities(live.used);
  for (const offer of master.offers.values()) offered.add(offer.resources);
  let unreachable = live.unreachable;
  for (const framework of master.frameworks.values()) unreachable += framework.unreachableTasks.size;
  const m: Record<string, number> = {};
  for (const name of FAIR_KINDS) {
    const t = total.get(name);
    const u = used.get(name);
    m[`master/${name}_total`] = t;
    m[`master/${name}_used`] = u;
    m[`master/${name}_percent`] = t > 0 ? u / t : 0;
    m[`master/${name}_offered`] = offered.get(name);
  }
  m['master/slaves_active'] = connected;
  m['master/slaves_connected'] = connected;
  m['master/slaves_disconnected'] = disconnected;
  m['master/slaves_inactive'] = master.agents.size - connected;
  m['master/slaves_unreachable'] = unreachableAgents + master.unreachableAgentIds.size;
  m['master/slave_unreachable_completed'] = master.metrics.agentsUnreachable;
  const frameworks = [...master.frameworks.values()];
  m['master/frameworks_active'] = frameworks.filter((f) => f.active).length;
  m['master/frameworks_inactive'] = frameworks.filter((f) => !f.active).length;
  m['master/frameworks_connected'] = frameworks.filter((f) => f.connected).length;
  m['master/frameworks_disconnected'] = frameworks.filter((f) => !f.connected).length;
  m['master/outstanding_offers'] = master.offers.size;
  m['master/tasks_staging'] = live.staging;
  m['master/tasks_starting'] = live.starting;
  m['master/tasks_running'] = live.running;
  m['master/tasks_killing'] = live.killing;
  m['master/tasks_unreachable'] = unreachable;
  for (const state of COUNTED) m[`master/tasks_${state.slice(5).toLowerCase()}`] = master.metrics.taskTransitions.get(state) ?? 0;
  m['master/elected'] = master.electedTime !== undefined ? 1 : 0;
  m['master/uptime_secs'] = master.nowSecs() - master.startTime;
  m['master/messages_status_update'] = master.metrics.validStatusUpdates;
  m['master/valid_status_updates'] = master.metrics.validStatusUpdates;
  m['master/invalid_status_updates'] = master.metrics.invalidStatusUpdates;
  m['master/messages_framework_to_executor'] = master.metrics.frameworkMessages;
  for (const [type, count] of master.metrics.schedulerCalls) m[`master/messages_${type.toLowerCase()}`] = count;
  // The allocator runs inline on the master's loop: no dispatch queue ever builds up.
  m['allocator/event_queue_dispatches'] = 0;
  m['allocator/mesos/allocation_runs'] = master.metrics.allocationRuns;
  m['master/offers_sent'] = master.metrics.offersSent;
  return m;
}

/** Sums of the scalar resources in FAIR_KINDS, in the fixed-point units of resources.ts (no rounding drift). */
class ScalarSums {
  // One field each, not a map by name: a keyed `+=` stored a new boxed number per task.
  private cpus = 0;
  private mem = 0;
  private disk = 0;
  private gpus = 0;
  add(resources: readonly Resource[]): void {
    for (const r of resources) {
      if (r.type !== 'SCALAR') continue;
      const fixed = Math.max(0, toFixed(r.scalar?.value ?? 0));
      switch (r.name) {
        case 'cpus':
          this.cpus += fixed;
          break;
        case 'mem':
          this.mem += fixed;
          break;
        case 'disk':
          this.disk += fixed;
          break;
        case 'gpus':
          this.gpus += fixed;
          break;
      }
    }
  }
  /** Adds a `[cpus, mem, disk, gpus]` vector (quantities.ts). */
  addQuantities(q: Quantities): void {
    this.cpus += toFixed(q[0]!);
    this.mem += toFixed(q[1]!);
    this.disk += toFixed(q[2]!);
    this.gpus += toFixed(q[3]!);
  }
  get(name: (typeof FAIR_KINDS)[number]): number {
    return fromFixed(this[name]);
  }
}
