/**
 * Classic JSON of `/master/state` (reference §5.2–5.3): plain-string ids, resource
 * summaries, attributes as objects, labels as bare arrays, capabilities as strings,
 * times as float seconds. Only the leading master serves it.
 */
import { summarizeAttributes } from '../../mesos/attributes.js';
import { summarizeResourceLists, summarizeResources } from '../../mesos/resources.js';
import type { AgentRecord } from '../agent-record.js';
import type { FrameworkRecord } from '../framework.js';
import type { Master } from '../master.js';
import type { MasterTask } from '../task.js';

type Json = Record<string, unknown>;

/** Build facts reported by `/version` and `/master/state`. */
export const BUILD = {
  build_date: '2026-11-21 00:00:00',
  build_time: 1795219200,
  build_user: 'meseta',
};

/** One task in classic JSON. */
export function taskJson(task: MasterTask): Json {
  const json: Json = {
    id: task.id,
    name: task.info.name,
    framework_id: task.frameworkId,
    executor_id: task.executorId,
    slave_id: task.agentId,
    state: task.state,
    resources: summarizeResources(task.resources),
    role: task.role,
    statuses: task.statuses.map((s) => ({
      state: s.state,
      timestamp: s.timestamp,
      ...(s.healthy !== undefined ? { healthy: s.healthy } : {}),
      ...(s.labels?.labels ? { labels: s.labels.labels } : {}),
      ...(s.container_status ? { container_status: s.container_status } : {}),
    })),
  };
  if (task.user) json.user = task.user;
  if (task.info.labels?.labels) json.labels = task.info.labels.labels;
  if (task.info.discovery) json.discovery = task.info.discovery;
  if (task.info.container) json.container = task.info.container;
  if (task.info.health_check) json.health_check = task.info.health_check;
  return json;
}

/** One agent (`slaves[]`). */
export function agentJson(master: Master, agent: AgentRecord): Json {
  return {
    id: agent.id,
    pid: agent.pid,
    hostname: agent.info.hostname,
    port: agent.info.port ?? 5051,
    registered_time: agent.registeredTime,
    ...(agent.reregisteredTime !== undefined ? { reregistered_time: agent.reregisteredTime } : {}),
    resources: agent.totalSummary,
    used_resources: summarizeResourceLists(master.usedListsOnAgent(agent)),
    offered_resources: summarizeResourceLists(master.offeredListsOnAgent(agent)),
    reserved_resources: {},
    unreserved_resources: agent.totalSummary,
    attributes: summarizeAttributes(agent.info.attributes ?? []),
    active: agent.active,
    deactivated: !agent.active,
    version: agent.version,
    capabilities: (agent.info.capabilities ?? []).map((c) => c.type),
  };
}

/** One framework (`frameworks[]` / `completed_frameworks[]`). */
export function frameworkJson(master: Master, framework: FrameworkRecord): Json {
  const used = framework.usedResources();
  const offered = framework.offeredResources();
  const multiRole = framework.info.capabilities?.some((c) => c.type === 'MULTI_ROLE');
  const json: Json = {
    id: framework.id,
    name: framework.info.name,
    user: framework.info.user,
    hostname: framework.info.hostname ?? '',
    webui_url: framework.info.webui_url ?? '',
    failover_timeout: framework.info.failover_timeout ?? 0,
    checkpoint: framework.info.checkpoint ?? false,
    ...(multiRole ? { roles: framework.roles } : { role: framework.info.role ?? '*' }),
    ...(framework.info.principal ? { principal: framework.info.principal } : {}),
    capabilities: (framework.info.capabilities ?? []).map((c) => c.type),
    active: framework.active,
    connected: framework.connected,
    recovered: framework.recovered,
    registered_time: framework.registeredTime,
    unregistered_time: framework.unregisteredTime ?? 0,
    ...(framework.reregisteredTime !== undefined ? { reregistered_time: framework.reregisteredTime } : {}),
    used_resources: summarizeResources(used),
    offered_resources: summarizeResources(offered),
    resources: summarizeResourceLists([used, offered]),
    tasks: [...framework.tasks.values()].map(taskJson),
    unreachable_tasks: [...framework.unreachableTasks.values()].map(taskJson),
    completed_tasks: framework.completedTasks.map(taskJson),
    offers: [...framework.offers.values()].map((o) => ({
      id: o.id.value,
      framework_id: o.framework_id.value,
      slave_id: o.agent_id.value,
      allocation_info: o.allocation_info,
      resources: summarizeResources(o.resources),
    })),
    executors: [...framework.executors].flatMap(([agentId, executors]) =>
      [...executors.values()].map((e) => ({
        executor_id: e.executor_id.value,
        name: e.name ?? '',
        framework_id: framework.id,
        command: e.command ?? {},
        resources: summarizeResources(e.resources ?? []),
        slave_id: agentId,
      })),
    ),
    offer_constraints: {},
  };
  if (framework.info.labels?.labels) json.labels = framework.info.labels.labels;
  return json;
}

/** The whole `/master/state` document. */
export function masterStateJson(master: Master): Json {
  const o = master.options;
  const agents = [...master.agents.values()];
  return {
    version: o.version,
    ...BUILD,
    start_time: master.startTime,
    ...(master.electedTime !== undefined ? { elected_time: master.electedTime } : {}),
    id: master.id,
    pid: master.pid,
    hostname: o.hostname,
    capabilities: ['AGENT_UPDATE'],
    activated_slaves: agents.filter((a) => a.state === 'connected').length,
    deactivated_slaves: agents.filter((a) => a.state === 'disconnected').length,
    unreachable_slaves: agents.filter((a) => a.state === 'unreachable').length,
    leader: master.pid,
    leader_info: { id: master.id, pid: master.pid, port: o.port, hostname: o.hostname },
    ...(o.cluster ? { cluster: o.cluster } : {}),
    ...(o.flags.log_dir ? { log_dir: o.flags.log_dir } : {}),
    flags: o.flags,
    slaves: agents.filter((a) => a.state !== 'unreachable').map((a) => agentJson(master, a)),
    recovered_slaves: [],
    frameworks: [...master.frameworks.values()].map((f) => frameworkJson(master, f)),
    completed_frameworks: master.completedFrameworks.map((f) => frameworkJson(master, f)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}
