/**
 * The master's operator API v1 (`POST /api/v1`, reference §4.1): one JSON call
 * in, one JSON response out, or for SUBSCRIBE a RecordIO stream of
 * `mesos.v1.master.Event`s (SUBSCRIBED, TASK_ADDED, TASK_UPDATED, AGENT_ADDED,
 * AGENT_REMOVED, FRAMEWORK_ADDED/UPDATED/REMOVED, HEARTBEAT).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { EventStream } from '../../transport/event-stream.js';
import type { Master } from '../master.js';
import type { MasterObserver } from '../observers.js';
import { listRoles } from '../roles.js';
import { getAgents, getExecutors, getFrameworks, getState, getTasks, v1Agent, v1Framework, v1Task } from '../http/v1-json.js';
import { masterMetricsJson } from '../http/metrics-json.js';
import { BUILD } from '../http/state-json.js';
import { ownerByPath } from '../http/files-proxy.js';

/** A response: HTTP status and either a JSON body or plain text (errors). */
export interface OperatorOutcome {
  status: number;
  json?: unknown;
  text?: string;
}

const OK: OperatorOutcome = { status: 200 };

/** Calls answered with their own payload: type → builder of the nested response field. */
const GETTERS: Record<string, (master: Master) => unknown> = {
  GET_HEALTH: () => ({ healthy: true }),
  GET_FLAGS: (m) => ({ flags: Object.entries(m.options.flags).map(([name, value]) => ({ name, value })) }),
  GET_VERSION: (m) => ({ version_info: { version: m.options.version, ...BUILD } }),
  GET_METRICS: (m) => ({ metrics: Object.entries(masterMetricsJson(m)).map(([name, value]) => ({ name, value })) }),
  GET_LOGGING_LEVEL: (m) => ({ level: m.verbosity }),
  GET_STATE: getState,
  GET_AGENTS: getAgents,
  GET_FRAMEWORKS: getFrameworks,
  GET_EXECUTORS: getExecutors,
  GET_TASKS: getTasks,
  GET_ROLES: (m) => ({
    roles: listRoles(m).map((r) => ({
      name: r.name,
      weight: r.weight,
      frameworks: r.frameworks.map((value) => ({ value })),
      resources: r.allocated,
    })),
  }),
  GET_WEIGHTS: (m) => ({ weight_infos: Object.entries(m.weights).map(([role, weight]) => ({ role, weight })) }),
  GET_MASTER: (m) => ({
    master_info: m.info,
    start_time: m.startTime,
    ...(m.electedTime !== undefined ? { elected_time: m.electedTime } : {}),
  }),
  GET_MAINTENANCE_STATUS: () => ({ status: {} }),
  GET_MAINTENANCE_SCHEDULE: () => ({ schedule: {} }),
  GET_QUOTA: () => ({ status: {} }),
  GET_OPERATIONS: () => ({}),
};

/** Lower-case nested field of a call or event type (`GET_STATE` → `get_state`). */
function field(type: string): string {
  return type.toLowerCase();
}

function invalid(message: string): OperatorOutcome {
  return { status: 400, text: `Failed to validate master::Call: ${message}` };
}

/**
 * Applies one non-streaming call. Unknown or malformed calls get 400 with a
 * message; unsupported-but-known ones (reservations, maintenance writes) 501.
 */
export async function handleOperatorCall(master: Master, call: Record<string, unknown>): Promise<OperatorOutcome> {
  const type = call.type;
  if (typeof type !== 'string') return invalid("Expecting 'type' to be present");
  const getter = GETTERS[type];
  if (getter) return { status: 200, json: { type, [field(type)]: getter(master) } };
  const body = call[field(type)] as Record<string, unknown> | undefined;
  switch (type) {
    case 'SET_LOGGING_LEVEL': {
      const level = Number(body?.level);
      const nanos = Number((body?.duration as { nanoseconds?: number } | undefined)?.nanoseconds);
      if (!Number.isInteger(level) || level < 0) return invalid("Expecting 'set_logging_level.level' to be a non-negative integer");
      if (!Number.isFinite(nanos) || nanos <= 0) return invalid("Expecting 'set_logging_level.duration' to be present");
      master.verbosity = level;
      clearTimeout(master.verbosityTimer);
      // As Mesos: the verbosity is temporary and reverts to the original after `duration`.
      master.verbosityTimer = setTimeout(() => (master.verbosity = 0), Math.min(nanos / 1e6, 2 ** 31 - 1));
      return OK;
    }
    case 'UPDATE_WEIGHTS': {
      const infos = (body?.weight_infos ?? []) as Array<{ role?: string; weight?: number }>;
      for (const info of infos) {
        if (typeof info.role !== 'string' || !(typeof info.weight === 'number' && info.weight > 0)) {
          return invalid('Each weight_info needs a role and a positive weight');
        }
      }
      try {
        await master.updateWeights(Object.fromEntries(infos.map((info) => [info.role!, info.weight!])));
      } catch (error) {
        return { status: 503, text: `Failed to update weights: ${(error as Error).message}` };
      }
      return OK;
    }
    case 'TEARDOWN': {
      const id = (body?.framework_id as { value?: string } | undefined)?.value;
      if (!id) return invalid("Expecting 'teardown.framework_id' to be present");
      const framework = master.frameworks.get(id);
      if (!framework) return { status: 400, text: `No framework found with ID ${id}` };
      void master.removeFramework(framework);
      return OK;
    }
    case 'MARK_AGENT_GONE': {
      const id = (body?.agent_id as { value?: string } | undefined)?.value;
      if (!id) return invalid("Expecting 'mark_agent_gone.agent_id' to be present");
      if (master.goneAgents.has(id)) return OK;
      const agent = master.agents.get(id);
      if (!agent) return { status: 404, text: `Agent ${id} not found` };
      try {
        await master.markAgentGone(agent);
      } catch (error) {
        return { status: 503, text: `Failed to mark agent gone: ${(error as Error).message}` };
      }
      return OK;
    }
    case 'SUBSCRIBE':
      return invalid('SUBSCRIBE is a streaming call');
    case 'RESERVE_RESOURCES':
    case 'UNRESERVE_RESOURCES':
    case 'CREATE_VOLUMES':
    case 'DESTROY_VOLUMES':
    case 'GROW_VOLUME':
    case 'SHRINK_VOLUME':
    case 'UPDATE_MAINTENANCE_SCHEDULE':
    case 'START_MAINTENANCE':
    case 'STOP_MAINTENANCE':
    case 'SET_QUOTA':
    case 'REMOVE_QUOTA':
    case 'UPDATE_QUOTA':
    case 'DRAIN_AGENT':
    case 'DEACTIVATE_AGENT':
    case 'REACTIVATE_AGENT':
      return { status: 501, text: `${type} is not implemented by this master yet` };
    case 'LIST_FILES':
    case 'READ_FILE':
      return invalid(`${type} must go through forwardFileCall`);
    default:
      return invalid(`Unknown call type '${type}'`);
  }
}

/**
 * LIST_FILES / READ_FILE: sandboxes live on agents, so the call goes, unchanged,
 * to the operator API of the agent owning the path (the agent answers with the
 * same v1 shapes). 404 when no agent owns it, 503 when that agent is unreachable.
 */
export async function forwardFileCall(master: Master, call: Record<string, unknown>): Promise<OperatorOutcome> {
  const type = String(call.type);
  const path = (call[field(type)] as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || path === '') return invalid(`Expecting '${field(type)}.path' to be present`);
  const agent = ownerByPath(master, path);
  if (!agent) return { status: 404, text: `No agent holds '${path}'` };
  try {
    const response = await fetch(`http://${agent.endpoint}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(call),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    return response.headers.get('content-type')?.startsWith('application/json')
      ? { status: response.status, json: JSON.parse(body) as unknown }
      : { status: response.status, text: body };
  } catch (error) {
    return { status: 503, text: `Agent ${agent.id} at ${agent.endpoint} is unreachable: ${(error as Error).message}` };
  }
}

/**
 * SUBSCRIBE: a stream that starts with SUBSCRIBED (a full GetState) and then
 * carries every change, with HEARTBEATs. At most `maxSubscribers` streams; the
 * oldest is closed first (Mesos `--max_operator_event_stream_subscribers`).
 */
export function subscribeOperator(master: Master, response: ServerResponse, maxSubscribers = 1000): void {
  const stream = new EventStream(response, randomUUID());
  let subscribers = streamsOf.get(master);
  if (!subscribers) {
    subscribers = [];
    streamsOf.set(master, subscribers);
  }
  subscribers.push(stream);
  while (subscribers.length > maxSubscribers) subscribers.shift()!.close();
  const send = (type: string, payload: unknown): void => stream.send({ type, [field(type)]: payload });
  const observer: MasterObserver = {
    taskAdded: (task) => send('TASK_ADDED', { task: v1Task(task) }),
    taskUpdated: (task, status) => send('TASK_UPDATED', { framework_id: { value: task.frameworkId }, status, state: task.state }),
    agentAdded: (agent) => send('AGENT_ADDED', { agent: v1Agent(master, agent) }),
    agentRemoved: (agentId) => send('AGENT_REMOVED', { agent_id: { value: agentId } }),
    frameworkAdded: (framework) => send('FRAMEWORK_ADDED', { framework: v1Framework(framework) }),
    frameworkUpdated: (framework) => send('FRAMEWORK_UPDATED', { framework: v1Framework(framework) }),
    frameworkRemoved: (framework) => send('FRAMEWORK_REMOVED', { framework_info: framework.info }),
  };
  const remove = master.observers.add(observer);
  send('SUBSCRIBED', { get_state: getState(master), heartbeat_interval_seconds: master.heartbeatIntervalMs / 1000 });
  stream.send({ type: 'HEARTBEAT' });
  const heartbeat = setInterval(() => stream.send({ type: 'HEARTBEAT' }), master.heartbeatIntervalMs);
  stream.onClose(() => {
    clearInterval(heartbeat);
    remove();
    const index = subscribers!.indexOf(stream);
    if (index >= 0) subscribers!.splice(index, 1);
  });
}

/** Each master's open operator streams, oldest first. */
const streamsOf = new WeakMap<Master, EventStream[]>();

/** Number of open operator event streams (`master/operator_event_stream_subscribers`). */
export function operatorSubscriberCount(master: Master): number {
  return streamsOf.get(master)?.length ?? 0;
}
