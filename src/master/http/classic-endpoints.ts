/**
 * The classic read endpoints beyond `/master/state` (reference §5.1):
 * state-summary, frameworks, slaves, tasks, roles, weights, maintenance, and the
 * Prometheus exposition of the metrics.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addResources, summarizeResources } from '../../mesos/resources.js';
import type { TaskState } from '../../mesos/types.js';
import type { Master } from '../master.js';
import type { MasterTask } from '../task.js';
import { listRoles } from '../roles.js';
import { agentJson, frameworkJson, taskJson } from './state-json.js';
import { json, text } from './reply.js';

const SUMMARY_STATES: TaskState[] = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED',
  'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE',
];

type Query = Record<string, string | undefined>;

/** Every task the master knows, active, unreachable and completed, of active and completed frameworks. */
function allTasks(master: Master): MasterTask[] {
  return [...master.frameworks.values(), ...master.completedFrameworks].flatMap((f) => [
    ...f.tasks.values(),
    ...f.unreachableTasks.values(),
    ...f.completedTasks,
  ]);
}

function countStates(tasks: Iterable<MasterTask>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(SUMMARY_STATES.map((s) => [s, 0]));
  for (const task of tasks) if (task.state in counts) counts[task.state]++;
  return counts;
}

/** Registers the classic endpoints under `/master/…` and their root aliases. */
export function registerClassicEndpoints(app: FastifyInstance, master: Master): void {
  const both = (path: string): string[] => [`/master${path}`, path];
  const get = (paths: string[], handler: (query: Query) => unknown): void => {
    for (const url of paths) app.get(url, (request: FastifyRequest, reply) => json(request, reply, handler(request.query as Query)));
  };

  get(both('/state-summary'), () => {
    const tasks = allTasks(master);
    return {
      hostname: master.options.hostname,
      ...(master.options.cluster ? { cluster: master.options.cluster } : {}),
      slaves: [...master.agents.values()]
        .filter((a) => a.state !== 'unreachable')
        .map((agent) => {
          const mine = tasks.filter((t) => t.agentId === agent.id);
          return { ...agentJson(master, agent), ...countStates(mine), framework_ids: [...new Set(mine.map((t) => t.frameworkId))] };
        }),
      frameworks: [...master.frameworks.values()].map((framework) => {
        const full = frameworkJson(master, framework);
        const mine = tasks.filter((t) => t.frameworkId === framework.id);
        return {
          id: full.id, name: full.name, used_resources: full.used_resources, offered_resources: full.offered_resources,
          capabilities: full.capabilities, hostname: full.hostname, webui_url: full.webui_url, active: full.active,
          connected: full.connected, recovered: full.recovered,
          ...countStates(mine),
          slave_ids: [...new Set(mine.map((t) => t.agentId))],
        };
      }),
    };
  });

  get(both('/frameworks'), (query) => {
    const match = (id: string): boolean => !query.framework_id || query.framework_id === id;
    return {
      frameworks: [...master.frameworks.values()].filter((f) => match(f.id)).map((f) => frameworkJson(master, f)),
      completed_frameworks: master.completedFrameworks.filter((f) => match(f.id)).map((f) => frameworkJson(master, f)),
      unregistered_frameworks: [],
    };
  });

  get([...both('/slaves'), ...both('/agents')], (query) => ({
    slaves: [...master.agents.values()]
      .filter((a) => a.state !== 'unreachable' && (!query.slave_id || query.slave_id === a.id))
      .map((agent) => ({
        ...agentJson(master, agent),
        unreserved_resources_full: agent.total,
        used_resources_full: master.usedOnAgent(agent),
        offered_resources_full: master.offeredOnAgent(agent),
        reserved_resources_full: {},
      })),
    recovered_slaves: [],
  }));

  for (const url of both('/tasks')) {
    app.get(url, (request, reply) => {
      const query = request.query as Query;
      const limit = query.limit === undefined ? 100 : Number(query.limit);
      const offset = query.offset === undefined ? 0 : Number(query.offset);
      if (!Number.isInteger(limit) || limit < 0) return text(reply, 400, `Failed to parse limit: '${query.limit}'`);
      if (!Number.isInteger(offset) || offset < 0) return text(reply, 400, `Failed to parse offset: '${query.offset}'`);
      const started = (t: MasterTask): number => t.statuses[0]?.timestamp ?? 0;
      const ascending = query.order === 'asc';
      const tasks = allTasks(master)
        .filter((t) => (!query.framework_id || t.frameworkId === query.framework_id) && (!query.task_id || t.id === query.task_id))
        .sort((a, b) => (ascending ? started(a) - started(b) : started(b) - started(a)))
        .slice(offset, offset + limit);
      return json(request, reply, { tasks: tasks.map(taskJson) });
    });
  }

  get(both('/roles'), () => ({
    roles: listRoles(master).map((role) => ({
      name: role.name,
      weight: role.weight,
      quota: { role: role.name, guarantee: {}, limit: {}, consumed: {} },
      resources: summarizeResources(addResources(role.allocated, role.offered)),
      allocated: summarizeResources(role.allocated),
      offered: summarizeResources(role.offered),
      reserved: summarizeResources(role.reserved),
      frameworks: role.frameworks,
    })),
  }));

  get(both('/weights'), () => Object.entries(master.weights).map(([role, weight]) => ({ role, weight })));
  get(both('/maintenance/schedule'), () => ({}));
  get(both('/maintenance/status'), () => ({ draining_machines: [], down_machines: [] }));
}

/**
 * Prometheus text exposition of a metrics snapshot: `master/cpus_total` →
 * `mesos_master_cpus_total`; every value a gauge (Mesos's counters and gauges
 * are not told apart in the snapshot).
 */
export function prometheusText(metrics: Record<string, number>): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b))) {
    const name = `mesos_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
    lines.push(`# TYPE ${name} gauge`, `${name} ${Number.isFinite(value) ? value : 0}`);
  }
  return `${lines.join('\n')}\n`;
}
