/**
 * The parts of the master's classic JSON the UI reads (`/master/state`,
 * `/master/roles`, `/metrics/snapshot`, `/files/*`; reference §5.2–5.7).
 * Every field is optional where a real cluster may omit it: the UI must cope
 * with older masters and sparse data.
 */

/** `cpus`, `mem` (MB), `disk` (MB), `gpus` and `ports` ("[31000-32000]") summaries. */
export interface ResourceSummary {
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  ports?: string;
  [name: string]: number | string | undefined;
}

/** One `TaskStatus` as classic JSON renders it (timestamp: epoch seconds, float). */
export interface ClassicStatus {
  state: string;
  timestamp: number;
  healthy?: boolean;
  reason?: string;
  message?: string;
  source?: string;
}

/** `frameworks[].tasks[]` / `completed_tasks[]`. */
export interface ClassicTask {
  id: string;
  name: string;
  framework_id: string;
  executor_id: string;
  slave_id: string;
  state: string;
  resources: ResourceSummary;
  role?: string;
  user?: string;
  statuses: ClassicStatus[];
  labels?: Array<{ key: string; value?: string }>;
  container?: { type?: string; docker?: { image?: string } };
  discovery?: unknown;
  health_check?: unknown;
}

/** `frameworks[].offers[]`. */
export interface ClassicOffer {
  id: string;
  framework_id: string;
  slave_id: string;
  resources: ResourceSummary;
}

/** `frameworks[].executors[]`. */
export interface ClassicExecutor {
  executor_id: string;
  name?: string;
  framework_id: string;
  slave_id?: string;
  resources?: ResourceSummary;
  command?: { value?: string };
}

/** `frameworks[]` / `completed_frameworks[]`. */
export interface ClassicFramework {
  id: string;
  name: string;
  user?: string;
  hostname?: string;
  webui_url?: string;
  role?: string;
  roles?: string[];
  principal?: string;
  active: boolean;
  connected?: boolean;
  registered_time?: number;
  reregistered_time?: number;
  unregistered_time?: number;
  capabilities?: string[];
  failover_timeout?: number;
  used_resources?: ResourceSummary;
  offered_resources?: ResourceSummary;
  resources?: ResourceSummary;
  tasks?: ClassicTask[];
  unreachable_tasks?: ClassicTask[];
  completed_tasks?: ClassicTask[];
  offers?: ClassicOffer[];
  executors?: ClassicExecutor[];
}

/** `slaves[]`. */
export interface ClassicAgent {
  id: string;
  pid: string;
  hostname: string;
  port?: number;
  registered_time?: number;
  reregistered_time?: number;
  resources: ResourceSummary;
  used_resources?: ResourceSummary;
  offered_resources?: ResourceSummary;
  reserved_resources?: Record<string, ResourceSummary>;
  attributes?: Record<string, string | number>;
  active: boolean;
  version?: string;
  capabilities?: string[];
}

/** `leader_info` (a MasterInfo). */
export interface LeaderInfo {
  id?: string;
  pid?: string;
  hostname?: string;
  port?: number;
  address?: { hostname?: string; ip?: string; port?: number };
}

/** `/master/state`. */
export interface MasterState {
  version?: string;
  git_sha?: string;
  build_date?: string;
  start_time?: number;
  elected_time?: number;
  id?: string;
  pid?: string;
  hostname?: string;
  cluster?: string;
  leader?: string;
  leader_info?: LeaderInfo;
  activated_slaves?: number;
  deactivated_slaves?: number;
  unreachable_slaves?: number;
  flags?: Record<string, string>;
  slaves?: ClassicAgent[];
  frameworks?: ClassicFramework[];
  completed_frameworks?: ClassicFramework[];
}

/** `/master/roles` → `roles[]`. */
export interface ClassicRole {
  name: string;
  weight?: number;
  frameworks?: string[];
  allocated?: ResourceSummary;
  offered?: ResourceSummary;
  reserved?: ResourceSummary;
  resources?: ResourceSummary;
  quota?: { guarantee?: ResourceSummary; limit?: ResourceSummary; consumed?: ResourceSummary };
}

/** `/metrics/snapshot`: a flat map of Mesos metric names to numbers. */
export type MetricsSnapshot = Record<string, number>;

/** `/files/browse` entries. `mtime` is epoch seconds, `size` bytes. */
export interface FileEntry {
  path: string;
  size: number;
  mtime: number;
  mode: string;
  nlink?: number;
  uid?: string;
  gid?: string;
}

/** `/files/read`: `offset` is where `data` starts, in bytes. */
export interface FileChunk {
  offset: number;
  data: string;
}
