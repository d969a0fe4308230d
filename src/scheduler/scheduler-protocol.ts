/**
 * The v1 scheduler API's Call and Event shapes (`mesos.v1.scheduler.Call` /
 * `Event`, JSON form) and a tolerant event parser.
 *
 * Wire quirks kept here so no caller has to remember them: OFFERS nests the array
 * (`{"offers":{"offers":[…]}}`), ERROR nests its text (`{"error":{"message":…}}`),
 * `bytes` fields (`uuid`, `data`) are base64.
 */
import type {
  AgentID,
  ExecutorID,
  Filters,
  FrameworkID,
  FrameworkInfo,
  Id,
  KillPolicy,
  MasterInfo,
  Offer,
  OfferID,
  OfferOperation,
  Resource,
  TaskID,
  TaskStatus,
} from '../mesos/types.js';

/** InverseOffer (maintenance): the agent's resources are about to become unavailable. */
export interface InverseOffer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id?: AgentID;
  url?: Offer['url'];
  unavailability: { start: { nanoseconds: number }; duration?: { nanoseconds: number } };
  resources?: Resource[];
}

/** OperationStatus of UPDATE_OPERATION_STATUS (feedback for RESERVE, CREATE, …). */
export interface OperationStatus {
  operation_id?: Id;
  state: string;
  message?: string;
  uuid?: { value: string };
  agent_id?: AgentID;
  resource_provider_id?: Id;
  converted_resources?: Resource[];
}

/** `Event.Subscribed`; `heartbeat_interval_seconds` defaults to 15 in Mesos. */
export interface SubscribedEvent {
  framework_id: FrameworkID;
  heartbeat_interval_seconds?: number;
  master_info?: MasterInfo;
}

/** One scheduler event as it arrives on the SUBSCRIBE stream. */
export type SchedulerEvent =
  | { type: 'SUBSCRIBED'; subscribed: SubscribedEvent }
  | { type: 'OFFERS'; offers: { offers?: Offer[] } }
  | { type: 'INVERSE_OFFERS'; inverse_offers: { inverse_offers?: InverseOffer[] } }
  | { type: 'RESCIND'; rescind: { offer_id: OfferID } }
  | { type: 'RESCIND_INVERSE_OFFER'; rescind_inverse_offer: { inverse_offer_id: OfferID } }
  | { type: 'UPDATE'; update: { status: TaskStatus } }
  | { type: 'UPDATE_OPERATION_STATUS'; update_operation_status: { status: OperationStatus } }
  | { type: 'MESSAGE'; message: { agent_id: AgentID; executor_id: ExecutorID; data?: string } }
  | { type: 'FAILURE'; failure: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'HEARTBEAT' };

/** The event type names this client understands. */
export type SchedulerEventType = SchedulerEvent['type'];

const NESTED_FIELD: Record<SchedulerEventType, string | undefined> = {
  SUBSCRIBED: 'subscribed',
  OFFERS: 'offers',
  INVERSE_OFFERS: 'inverse_offers',
  RESCIND: 'rescind',
  RESCIND_INVERSE_OFFER: 'rescind_inverse_offer',
  UPDATE: 'update',
  UPDATE_OPERATION_STATUS: 'update_operation_status',
  MESSAGE: 'message',
  FAILURE: 'failure',
  ERROR: 'error',
  HEARTBEAT: undefined,
};

/** Result of parsing one stream record: a known event, or why it was skipped. */
export type ParsedSchedulerEvent = { ok: true; event: SchedulerEvent } | { ok: false; reason: string };

/**
 * Checks one decoded record against the Event shape. Known types must carry their
 * nested object (an ERROR without `error` is malformed); unknown types are
 * reported, not thrown, because newer masters may send events we do not know
 * (Mesos's own library logs and ignores `UNKNOWN`).
 */
export function parseSchedulerEvent(record: unknown): ParsedSchedulerEvent {
  if (typeof record !== 'object' || record === null) return { ok: false, reason: 'event is not an object' };
  const type = (record as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, reason: 'event has no type' };
  if (!(type in NESTED_FIELD)) return { ok: false, reason: `unknown event type '${type}'` };
  const field = NESTED_FIELD[type as SchedulerEventType];
  if (field !== undefined) {
    const nested = (record as Record<string, unknown>)[field];
    if (typeof nested !== 'object' || nested === null) {
      return { ok: false, reason: `${type} event without '${field}'` };
    }
  }
  return { ok: true, event: record as SchedulerEvent };
}

/** A scheduler Call body (`mesos.v1.scheduler.Call`): type, framework id, one nested object. */
export interface SchedulerCall {
  type: SchedulerCallType;
  framework_id?: FrameworkID;
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept?: { offer_ids: OfferID[]; operations: OfferOperation[]; filters?: Filters };
  decline?: { offer_ids: OfferID[]; filters?: Filters };
  accept_inverse_offers?: { inverse_offer_ids: OfferID[]; filters?: Filters };
  decline_inverse_offers?: { inverse_offer_ids: OfferID[]; filters?: Filters };
  revive?: { roles?: string[] };
  suppress?: { roles?: string[] };
  kill?: { task_id: TaskID; agent_id?: AgentID; kill_policy?: KillPolicy };
  shutdown?: { executor_id: ExecutorID; agent_id: AgentID };
  acknowledge?: { agent_id: AgentID; task_id: TaskID; uuid: string };
  acknowledge_operation_status?: { agent_id?: AgentID; resource_provider_id?: Id; uuid: string; operation_id: Id };
  reconcile?: { tasks: Array<{ task_id: TaskID; agent_id?: AgentID }> };
  reconcile_operations?: { operations: Array<{ operation_id: Id; agent_id?: AgentID; resource_provider_id?: Id }> };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
  request?: { requests: Array<{ agent_id?: AgentID; resources?: Resource[] }> };
  update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
}

/** `mesos.v1.scheduler.Call.Type` names. */
export type SchedulerCallType =
  | 'SUBSCRIBE'
  | 'TEARDOWN'
  | 'ACCEPT'
  | 'DECLINE'
  | 'ACCEPT_INVERSE_OFFERS'
  | 'DECLINE_INVERSE_OFFERS'
  | 'REVIVE'
  | 'KILL'
  | 'SHUTDOWN'
  | 'ACKNOWLEDGE'
  | 'ACKNOWLEDGE_OPERATION_STATUS'
  | 'RECONCILE'
  | 'RECONCILE_OPERATIONS'
  | 'MESSAGE'
  | 'REQUEST'
  | 'SUPPRESS'
  | 'UPDATE_FRAMEWORK';

/**
 * Builds the SUBSCRIBE call. A framework that already has an id (failover, or a
 * reconnect) must also send it as the top-level `framework_id`, or the master
 * answers 400 ("'framework_id' differs from 'subscribe.framework_info.id'").
 */
export function subscribeCall(frameworkInfo: FrameworkInfo, suppressedRoles?: string[]): SchedulerCall {
  const call: SchedulerCall = { type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } };
  if (frameworkInfo.id) call.framework_id = frameworkInfo.id;
  if (suppressedRoles && suppressedRoles.length > 0) call.subscribe!.suppressed_roles = suppressedRoles;
  return call;
}
