/**
 * Mesos v1 protocol types as they appear in v1 JSON (protobuf-as-JSON, snake_case
 * field names, ids wrapped as `{value}`, enums as name strings, bytes as base64).
 *
 * Mirrors `include/mesos/v1/mesos.proto`. Only the fields Meseta reads or writes
 * are declared; unknown input fields are ignored, as Mesos does.
 */

/** Any Mesos id: FrameworkID, AgentID, OfferID, TaskID, ExecutorID, ContainerID. */
export interface Id {
  value: string;
}
export type FrameworkID = Id;
export type AgentID = Id;
export type OfferID = Id;
export type TaskID = Id;
export type ExecutorID = Id;
export interface ContainerID extends Id {
  parent?: ContainerID;
}

/** Value.Type. */
export type ValueType = 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';
export interface Scalar {
  value: number;
}
/** Inclusive range [begin, end]. */
export interface Range {
  begin: number;
  end: number;
}
export interface Ranges {
  range: Range[];
}
export interface ValueSet {
  item: string[];
}
export interface Text {
  value: string;
}

/** Resource.ReservationInfo (post-refinement form). */
export interface ReservationInfo {
  type?: 'STATIC' | 'DYNAMIC';
  role?: string;
  principal?: string;
  labels?: Labels;
}

/** A named resource: cpus (cores), mem (MB), disk (MB), gpus, ports (ranges) or custom. */
export interface Resource {
  name: string;
  type: Exclude<ValueType, 'TEXT'>;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  /** Pre-refinement reservation role; `*` (or absent) means unreserved. */
  role?: string;
  reservations?: ReservationInfo[];
  allocation_info?: { role?: string };
  disk?: Record<string, unknown>;
  revocable?: Record<string, never>;
  shared?: Record<string, never>;
}

/** Agent attribute (`--attributes=rack:r1;level:10`). */
export interface Attribute {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  text?: Text;
}

export interface Label {
  key: string;
  value?: string;
}
export interface Labels {
  labels?: Label[];
}

export interface Address {
  hostname?: string;
  ip?: string;
  port: number;
}
export interface URL {
  scheme: string;
  address: Address;
  path?: string;
}

/** FrameworkInfo.Capability.Type. */
export type FrameworkCapabilityType =
  | 'UNKNOWN'
  | 'REVOCABLE_RESOURCES'
  | 'TASK_KILLING_STATE'
  | 'GPU_RESOURCES'
  | 'SHARED_RESOURCES'
  | 'PARTITION_AWARE'
  | 'MULTI_ROLE'
  | 'RESERVATION_REFINEMENT'
  | 'REGION_AWARE';

/** FrameworkInfo; `failover_timeout` in seconds (default 0). */
export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: Array<{ type: FrameworkCapabilityType }>;
  labels?: Labels;
}

export interface EnvironmentVariable {
  name: string;
  type?: 'VALUE' | 'SECRET';
  value?: string;
}
export interface Environment {
  variables?: EnvironmentVariable[];
}
export interface CommandURI {
  value: string;
  executable?: boolean;
  extract?: boolean;
  cache?: boolean;
  output_file?: string;
}
/** CommandInfo; `shell` defaults to true (`/bin/sh -c value`), else exec `value` with `arguments`. */
export interface CommandInfo {
  value?: string;
  shell?: boolean;
  arguments?: string[];
  uris?: CommandURI[];
  environment?: Environment;
  user?: string;
}

/** DurationInfo / TimeInfo: nanoseconds. */
export interface DurationInfo {
  nanoseconds: number;
}
export type TimeInfo = DurationInfo;

export interface KillPolicy {
  grace_period?: DurationInfo;
}

export interface Volume {
  container_path: string;
  host_path?: string;
  mode: 'RW' | 'RO';
}
export interface ContainerInfo {
  type: 'DOCKER' | 'MESOS';
  volumes?: Volume[];
  hostname?: string;
  docker?: {
    image: string;
    network?: 'HOST' | 'BRIDGE' | 'NONE' | 'USER';
    port_mappings?: Array<{ host_port: number; container_port: number; protocol?: string }>;
    privileged?: boolean;
    parameters?: Array<{ key: string; value: string }>;
    force_pull_image?: boolean;
  };
  mesos?: { image?: { type: 'APPC' | 'DOCKER'; docker?: { name: string } } };
  network_infos?: NetworkInfo[];
}
export interface NetworkInfo {
  ip_addresses?: Array<{ protocol?: 'IPv4' | 'IPv6'; ip_address?: string }>;
  name?: string;
  port_mappings?: Array<{ host_port: number; container_port: number; protocol?: string }>;
}

export interface HealthCheck {
  type?: 'COMMAND' | 'HTTP' | 'TCP';
  command?: CommandInfo;
  http?: { scheme?: string; port: number; path?: string };
  tcp?: { port: number };
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
  consecutive_failures?: number;
  grace_period_seconds?: number;
}

/** ExecutorInfo; `type` DEFAULT (built-in, for LAUNCH_GROUP) or CUSTOM (has `command`). */
export interface ExecutorInfo {
  type?: 'UNKNOWN' | 'DEFAULT' | 'CUSTOM';
  executor_id: ExecutorID;
  framework_id?: FrameworkID;
  command?: CommandInfo;
  container?: ContainerInfo;
  resources?: Resource[];
  name?: string;
  source?: string;
  data?: string;
  shutdown_grace_period?: DurationInfo;
  labels?: Labels;
}

/** TaskInfo: exactly one of `command` (command executor) or `executor` (custom). */
export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources?: Resource[];
  executor?: ExecutorInfo;
  command?: CommandInfo;
  container?: ContainerInfo;
  health_check?: HealthCheck;
  kill_policy?: KillPolicy;
  /** Opaque bytes, base64. */
  data?: string;
  labels?: Labels;
  discovery?: Record<string, unknown>;
  max_completion_time?: DurationInfo;
}

export interface TaskGroupInfo {
  tasks: TaskInfo[];
}

/** TaskState, in v1 names. */
export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN';

export type TaskStatusSource = 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';

/** TaskStatus.Reason (v1 names). */
export type TaskStatusReason =
  | 'REASON_COMMAND_EXECUTOR_FAILED'
  | 'REASON_EXECUTOR_TERMINATED'
  | 'REASON_FRAMEWORK_REMOVED'
  | 'REASON_INVALID_OFFERS'
  | 'REASON_CONTAINER_LIMITATION_MEMORY'
  | 'REASON_RECONCILIATION'
  | 'REASON_AGENT_DISCONNECTED'
  | 'REASON_AGENT_REMOVED'
  | 'REASON_AGENT_RESTARTED'
  | 'REASON_TASK_INVALID'
  | 'REASON_TASK_UNAUTHORIZED'
  | 'REASON_CONTAINER_LIMITATION'
  | 'REASON_CONTAINER_LAUNCH_FAILED'
  | 'REASON_EXECUTOR_REGISTRATION_TIMEOUT'
  | 'REASON_TASK_GROUP_INVALID'
  | 'REASON_TASK_KILLED_DURING_LAUNCH'
  | 'REASON_AGENT_REMOVED_BY_OPERATOR'
  | 'REASON_AGENT_REREGISTERED'
  | 'REASON_MAX_COMPLETION_TIME_REACHED'
  | 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED'
  | 'REASON_EXECUTOR_TERMINATED'
  | 'REASON_GC_ERROR';

/** TaskStatus; `timestamp` is seconds since the epoch; `uuid` (base64) set means it must be acknowledged. */
export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: TaskStatusSource;
  reason?: TaskStatusReason;
  data?: string;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  timestamp?: number;
  uuid?: string;
  healthy?: boolean;
  labels?: Labels;
  container_status?: {
    container_id?: ContainerID;
    network_infos?: NetworkInfo[];
    executor_pid?: number;
  };
  unreachable_time?: TimeInfo;
  limitation?: { resources?: Resource[] };
}

/** Offer; resources are those of one agent allocated to one role. */
export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: URL;
  resources: Resource[];
  attributes?: Attribute[];
  executor_ids?: ExecutorID[];
  allocation_info?: { role: string };
}

/** Filters; `refuse_seconds` default 5, capped at 365 days. */
export interface Filters {
  refuse_seconds?: number;
}

/** MasterInfo; `ip` is the packed IPv4 (a | b<<8 | c<<16 | d<<24) as an unsigned 32-bit number. */
export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
  capabilities?: Array<{ type: string }>;
}

/** AgentInfo; `port` default 5051. */
export interface AgentInfo {
  hostname: string;
  port?: number;
  resources?: Resource[];
  attributes?: Attribute[];
  id?: AgentID;
  capabilities?: Array<{ type: string }>;
}

/** Offer.Operation (the subset Meseta executes). */
export interface OfferOperation {
  type: 'LAUNCH' | 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY' | string;
  launch?: { task_infos: TaskInfo[] };
  launch_group?: { executor: ExecutorInfo; task_group: TaskGroupInfo };
  id?: Id;
}
