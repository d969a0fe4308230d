/**
 * `/metrics/snapshot` for the master: a flat object of Mesos's key names
 * (reference §5.5). Gauges are computed from state at read time.
 */
import { isTerminalState } from '../../mesos/task-states.js';
import { fromFixed, toFixed } from '../../mesos/values.js';
import type { Resource, TaskState } from '../../mesos/types.js';
import type { Master } from '../master.js';

const SUMMED = ['cpus', 'mem', 'disk', 'gpus'] as const;
const COUNTED: TaskState[] = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR'];

/** Returns the metrics snapshot, e.g. `{"master/cpus_total": 2, "master/elected": 1, …}`. */
export function masterMetricsJson(master: Master): Record<string, number> {
  // Plain scalar sums, not resource arithmetic: benches and dashboards poll this
  // every 100 ms, and merging resource lists per agent made each read cost
  // O(agents × tasks) normalisations (a fifth of a registering master's time at 2,500 agents).
  const total = new ScalarSums();
  const used = new ScalarSums();
  const offered = new ScalarSums();
  // Live tasks counted in locals, not a map by state: this loop visits every task.
  let staging = 0;
  let starting = 0;
  let running = 0;
  let killing = 0;
  let unreachable = 0;
  for (const agent of master.agents.values()) {
    if (agent.state === 'unreachable') continue;
    total.add(agent.total);
    for (const task of agent.tasks.values()) {
      switch (task.state) {
        case 'TASK_STAGING':
          staging++;
          break;
        case 'TASK_STARTING':
          starting++;
          break;
        case 'TASK_RUNNING':
          running++;
          break;
        case 'TASK_KILLING':
          killing++;
          break;
        case 'TASK_UNREACHABLE':
          unreachable++;
          break;
        default:
          if (isTerminalState(task.state)) continue;
      }
      used.add(task.resources);
    }
    for (const executor of agent.executors.values()) used.add(executor.info.resources ?? []);
  }
  for (const offer of master.offers.values()) offered.add(offer.resources);
  for (const framework of master.frameworks.values()) unreachable += framework.unreachableTasks.size;
  const m: Record<string, number> = {};
  for (const name of SUMMED) {
    const t = total.get(name);
    const u = used.get(name);
    m[`master/${name}_total`] = t;
    m[`master/${name}_used`] = u;
    m[`master/${name}_percent`] = t > 0 ? u / t : 0;
    m[`master/${name}_offered`] = offered.get(name);
  }
  const agents = [...master.agents.values()];
  m['master/slaves_active'] = agents.filter((a) => a.state === 'connected').length;
  m['master/slaves_connected'] = agents.filter((a) => a.state === 'connected').length;
  m['master/slaves_disconnected'] = agents.filter((a) => a.state === 'disconnected').length;
  m['master/slaves_inactive'] = agents.filter((a) => a.state !== 'connected').length;
  m['master/slaves_unreachable'] = agents.filter((a) => a.state === 'unreachable').length + master.unreachableAgentIds.size;
  m['master/slave_unreachable_completed'] = master.metrics.agentsUnreachable;
  const frameworks = [...master.frameworks.values()];
  m['master/frameworks_active'] = frameworks.filter((f) => f.active).length;
  m['master/frameworks_inactive'] = frameworks.filter((f) => !f.active).length;
  m['master/frameworks_connected'] = frameworks.filter((f) => f.connected).length;
  m['master/frameworks_disconnected'] = frameworks.filter((f) => !f.connected).length;
  m['master/outstanding_offers'] = master.offers.size;
  m['master/tasks_staging'] = staging;
  m['master/tasks_starting'] = starting;
  m['master/tasks_running'] = running;
  m['master/tasks_killing'] = killing;
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

/** Sums of the scalar resources in SUMMED, in the fixed-point units of resources.ts (no rounding drift). */
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
  get(name: (typeof SUMMED)[number]): number {
    return fromFixed(this[name]);
  }
}
