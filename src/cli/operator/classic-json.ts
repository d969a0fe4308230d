/**
 * The parts of the classic JSON documents (`/master/state`, `/slave(1)/state`,
 * `/monitor/statistics`, `/files/read`) the operator commands read, as the
 * reference (§5.3, §5.7, §5.8) describes them. Everything is optional: the
 * commands must cope with an older Mesos master that leaves fields out.
 */

/** Resource summary: `{cpus, mem (MB), disk (MB), gpus, ports: "[a-b]"}`. */
export interface ResourceSummary {
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  ports?: string;
  [name: string]: number | string | undefined;
}

/** One entry of a task's `statuses` (timestamp in float seconds). */
export interface ClassicStatus {
  state: string;
  timestamp: number;
}

/** A task, on the master or the agent. */
export interface ClassicTask {
  id: string;
  name?: string;
  framework_id: string;
  executor_id?: string;
  slave_id: string;
  state?: string;
  resources?: ResourceSummary;
  role?: string;
  statuses?: ClassicStatus[];
}

/** `slaves[]`; `pid` is `slave(1)@ip:port`. */
export interface ClassicAgent {
  id: string;
  pid?: string;
  hostname?: string;
  port?: number;
  resources?: ResourceSummary;
  used_resources?: ResourceSummary;
  offered_resources?: ResourceSummary;
  attributes?: Record<string, string | number>;
  active?: boolean;
  registered_time?: number;
  version?: string;
}

/** `frameworks[]` / `completed_frameworks[]`. */
export interface ClassicFramework {
  id: string;
  name?: string;
  active?: boolean;
  connected?: boolean;
  role?: string;
  roles?: string[];
  user?: string;
  used_resources?: ResourceSummary;
  offered_resources?: ResourceSummary;
  tasks?: ClassicTask[];
  unreachable_tasks?: ClassicTask[];
  completed_tasks?: ClassicTask[];
  registered_time?: number;
}

/** `/master/state`. */
export interface MasterState {
  id?: string;
  pid?: string;
  hostname?: string;
  version?: string;
  leader?: string;
  slaves?: ClassicAgent[];
  frameworks?: ClassicFramework[];
  completed_frameworks?: ClassicFramework[];
}

/** AgentExecutor in `/slave(1)/state`; `directory` is the host sandbox path. */
export interface AgentExecutor {
  id: string;
  name?: string;
  directory?: string;
  /** `DEFAULT` or `CUSTOM`; absent for command executors. */
  type?: string;
  tasks?: ClassicTask[];
  queued_tasks?: ClassicTask[];
  completed_tasks?: ClassicTask[];
}

/** AgentFramework in `/slave(1)/state`. */
export interface AgentFramework {
  id: string;
  name?: string;
  executors?: AgentExecutor[];
  completed_executors?: AgentExecutor[];
}

/** `/slave(1)/state`. */
export interface AgentState {
  id?: string;
  pid?: string;
  hostname?: string;
  frameworks?: AgentFramework[];
  completed_frameworks?: AgentFramework[];
}

/** ResourceStatistics JSON (times in float seconds, sizes in bytes). */
export interface ResourceStatistics {
  timestamp: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  cpus_limit?: number;
  mem_rss_bytes?: number;
  mem_limit_bytes?: number;
}

/** One entry of `/monitor/statistics`. */
export interface MonitorEntry {
  framework_id: string;
  executor_id: string;
  executor_name?: string;
  source?: string;
  statistics: ResourceStatistics;
}

/** `/files/read` answer: `offset` is where `data` starts (or the file size, for `offset=-1`). */
export interface FilesReadResult {
  offset: number;
  data: string;
}
