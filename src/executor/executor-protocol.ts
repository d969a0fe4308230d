/**
 * The v1 executor API's Call and Event shapes (`mesos.v1.executor.Call` /
 * `Event`, JSON form; reference §3) and a tolerant event parser.
 * Every Call carries `framework_id` and `executor_id` at top level.
 */
import type {
  AgentInfo,
  ContainerID,
  ExecutorID,
  ExecutorInfo,
  FrameworkID,
  FrameworkInfo,
  KillPolicy,
  TaskGroupInfo,
  TaskID,
  TaskInfo,
  TaskStatus,
} from '../mesos/types.js';

/** One executor event as it arrives on the SUBSCRIBE stream. */
export type ExecutorEvent =
  | {
      type: 'SUBSCRIBED';
      subscribed: { executor_info: ExecutorInfo; framework_info: FrameworkInfo; agent_info: AgentInfo; container_id?: ContainerID };
    }
  | { type: 'LAUNCH'; launch: { task: TaskInfo } }
  | { type: 'LAUNCH_GROUP'; launch_group: { task_group: TaskGroupInfo } }
  | { type: 'KILL'; kill: { task_id: TaskID; kill_policy?: KillPolicy } }
  | { type: 'ACKNOWLEDGED'; acknowledged: { task_id: TaskID; uuid: string } }
  | { type: 'MESSAGE'; message: { data?: string } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'SHUTDOWN' }
  | { type: 'HEARTBEAT' };

/** The event type names this client understands. */
export type ExecutorEventType = ExecutorEvent['type'];

const NESTED_FIELD: Record<ExecutorEventType, string | undefined> = {
  SUBSCRIBED: 'subscribed',
  LAUNCH: 'launch',
  LAUNCH_GROUP: 'launch_group',
  KILL: 'kill',
  ACKNOWLEDGED: 'acknowledged',
  MESSAGE: 'message',
  ERROR: 'error',
  SHUTDOWN: undefined,
  HEARTBEAT: undefined,
};

/** Result of parsing one stream record. */
export type ParsedExecutorEvent = { ok: true; event: ExecutorEvent } | { ok: false; reason: string };

/** Checks a decoded record against the Event shape; unknown types are reported, not thrown. */
export function parseExecutorEvent(record: unknown): ParsedExecutorEvent {
  if (typeof record !== 'object' || record === null) return { ok: false, reason: 'event is not an object' };
  const type = (record as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, reason: 'event has no type' };
  if (!(type in NESTED_FIELD)) return { ok: false, reason: `unknown event type '${type}'` };
  const field = NESTED_FIELD[type as ExecutorEventType];
  if (field !== undefined) {
    const nested = (record as Record<string, unknown>)[field];
    if (typeof nested !== 'object' || nested === null) return { ok: false, reason: `${type} event without '${field}'` };
  }
  return { ok: true, event: record as ExecutorEvent };
}

/** An executor Call body. */
export interface ExecutorCall {
  type: 'SUBSCRIBE' | 'UPDATE' | 'MESSAGE' | 'HEARTBEAT';
  framework_id: FrameworkID;
  executor_id: ExecutorID;
  subscribe?: { unacknowledged_tasks?: TaskInfo[]; unacknowledged_updates?: Array<{ status: TaskStatus }> };
  update?: { status: TaskStatus };
  message?: { data: string };
}
