/**
 * Instances: one scheduled copy of an app, with at most one live Mesos task
 * at a time. Goal `Running` instances are kept alive (replaced when their task
 * ends); `Decommissioned` ones are killed and forgotten. Mirrors Marathon's
 * `Instance` / `Condition` (§5.1, §5.4 of the reference). Pure.
 */
import type { Attribute, TaskState, TaskStatusReason } from '../mesos/types.js';

/** Marathon's instance conditions (event `condition`). */
export type Condition =
  | 'Scheduled'
  | 'Provisioned'
  | 'Staging'
  | 'Starting'
  | 'Running'
  | 'Killing'
  | 'Finished'
  | 'Failed'
  | 'Killed'
  | 'Error'
  | 'Dropped'
  | 'Gone'
  | 'Unknown'
  | 'Unreachable'
  | 'UnreachableInactive';

/** The instance's task, once launched. Times in ms since the epoch. */
export interface InstanceTask {
  taskId: string;
  agentId: string;
  host: string;
  /** Host ports by port index (undefined where a mapping has no host port). */
  hostPorts: Array<number | undefined>;
  /** Agent attributes at launch (for constraints). */
  attributes: Attribute[];
  stagedAt: number;
  startedAt?: number;
  state: TaskState;
  ipAddresses: Array<{ ipAddress: string; protocol: 'IPv4' | 'IPv6' }>;
  /** Health as reported by Mesos-level checks (TaskStatus.healthy). */
  mesosHealthy?: boolean;
}

/** One instance (stored as is). */
export interface Instance {
  instanceId: string;
  appId: string;
  /** `app.version` the task was (or will be) launched with. */
  runSpecVersion: string;
  /** `app.versionInfo.lastConfigChangeAt` of that version: "old" vs "new" in a restart. */
  configVersion: string;
  goal: 'Running' | 'Decommissioned';
  condition: Condition;
  /** Task incarnation, 1 for the first task, +1 on each relaunch. */
  incarnation: number;
  /** When the instance was (re)scheduled (ms). */
  scheduledAt: number;
  task?: InstanceTask;
}

const CONDITION_OF: Partial<Record<TaskState, Condition>> = {
  TASK_STAGING: 'Staging',
  TASK_STARTING: 'Starting',
  TASK_RUNNING: 'Running',
  TASK_KILLING: 'Killing',
  TASK_FINISHED: 'Finished',
  TASK_FAILED: 'Failed',
  TASK_KILLED: 'Killed',
  TASK_ERROR: 'Error',
  TASK_DROPPED: 'Dropped',
  TASK_GONE: 'Gone',
  TASK_GONE_BY_OPERATOR: 'Gone',
  TASK_UNKNOWN: 'Unknown',
  TASK_UNREACHABLE: 'Unreachable',
};

/** The condition a Mesos task state (and reason, for TASK_LOST) maps to. */
export function conditionOf(state: TaskState, reason?: TaskStatusReason | string): Condition {
  if (state === 'TASK_LOST') {
    if (reason === 'REASON_RECONCILIATION' || reason === 'REASON_SLAVE_DISCONNECTED' || reason === 'REASON_SLAVE_REMOVED' || reason === 'REASON_AGENT_DISCONNECTED' || reason === 'REASON_AGENT_REMOVED') return 'Unreachable';
    if (reason === 'REASON_TASK_UNKNOWN') return 'Unknown';
    return 'Gone';
  }
  return CONDITION_OF[state] ?? 'Unknown';
}

/** Conditions after which the task is gone for good. */
export function isTerminalCondition(c: Condition): boolean {
  return ['Finished', 'Failed', 'Killed', 'Error', 'Dropped', 'Gone', 'Unknown'].includes(c);
}

/** True while a task exists (launched, not yet terminal); Unreachable counts as alive. */
export function isActive(instance: Instance): boolean {
  return instance.task !== undefined && !isTerminalCondition(instance.condition) && instance.condition !== 'Scheduled';
}

/** Terminal conditions that grow the launch delay (KILLED does not). */
export function countsAsFailure(c: Condition): boolean {
  return ['Failed', 'Finished', 'Error', 'Dropped', 'Gone'].includes(c);
}

/** Task id of an instance's incarnation: `<instanceId>._app.<n>` (Marathon 1.8+). */
export function taskIdOf(instanceId: string, incarnation: number): string {
  return `${instanceId}._app.${incarnation}`;
}

/** Instance id for app `safe` (safe id) and a uuid: `<safe>.instance-<uuid>`. */
export function newInstanceId(safe: string, uuid: string): string {
  return `${safe}.instance-${uuid}`;
}

const INSTANCE_TASK = /^(.+)\.(instance-|marathon-)([^_.]+)[._]([^.]+)(\.(\d+))?$/;
const LEGACY_TASK = /^(.+)([._])([^_.]+)$/;

/**
 * Instance id of a Mesos task id in any Marathon form (`a.instance-u._app.1`,
 * legacy `a.uuid`); undefined when the text is no Marathon task id.
 */
export function instanceIdOfTask(taskId: string): string | undefined {
  const m = INSTANCE_TASK.exec(taskId);
  if (m) return `${m[1]}.${m[2]}${m[3]}`;
  const legacy = LEGACY_TASK.exec(taskId);
  return legacy ? taskId : undefined;
}
